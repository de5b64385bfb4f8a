"""Figures written in words or Chinese numerals that equal a fact, as `check` reports them.

The failing examples are the ones this site had: "thirty per cent" and "三成" typed in prose for the
headline's rounded share, "四万余" for the count of professionals, "29 per cent" for a share.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from conftest import run_build
from microsite.facts import parse_facts
from microsite.lint.numbers import check_number_words, chinese_number, english_number, written_numbers
from microsite.lint.text import Text
from microsite.model import body_stamp

FACTS = parse_facts("""\
sources:
  s: {title: T, publisher: P}
units:
  companies: {en: "", zh: 家}
  people: {en: "", zh: 名}
facts:
  share: {value: 0.29, unit: share, as_of: 2022-10, label: {en: S, zh: 比}, source: s}
  headline: {value: 0.3, unit: share, as_of: 2022-10, label: {en: H, zh: 标}, source: s}
  talent: {value: 40000, bound: over, unit: people, as_of: 2022-10, label: {en: T, zh: 才}, source: s}
  top: {value: 100, unit: companies, as_of: 2022, label: {en: R, zh: 榜}, source: s}
  hq: {value: 10, unit: companies, as_of: 2022, label: {en: Q, zh: 总}, source: s}
  builders: {value: 24, unit: companies, as_of: 2022, label: {en: B, zh: 建}, source: s}
""", ("en", "zh"))
FIX = "so it follows content/facts.yaml"


def warned(body: str, lang: str = "en", page: bool = True) -> list[str]:
    return [str(w) for w in check_number_words(Text(f"content/{lang}/x.md", 7, lang, body, page), FACTS)]


@pytest.mark.parametrize("body, written, key", [
    ("The headline rounds it up to thirty per cent.", "thirty per cent", "headline"),
    ("It says Thirty percent.", "Thirty percent", "headline"),
    ("about 29 per cent of them", "29 per cent", "share"),
    ("twenty-nine per cent", "twenty-nine per cent", "share"),
    ("more than forty thousand professionals", "forty thousand", "talent"),
    ("40 thousand professionals", "40 thousand", "talent"),
    ("of the top one hundred institutions", "one hundred", "top"),
    ("ten of them have their head office here", "ten", "hq"),
    ("twenty-four companies", "twenty-four", "builders"),
])
def test_english_number_words_equal_to_a_fact_are_found(body: str, written: str, key: str) -> None:
    assert warned(body) == [f"content/en/x.md:7: number '{written}' is written by hand; write {{{{fact:{key}}}}} {FIX}"]


@pytest.mark.parametrize("body, written, key", [
    ("报道标题称北京拥有全国三成的核心企业。", "三成", "headline"),
    ("人才有四万余名。", "四万余", "talent"),
    ("前一百家机构中", "一百", "top"),
    ("其中十家总部在京", "十", "hq"),
    ("共有二十四家企业", "二十四", "builders"),
    ("占百分之二十九", "百分之二十九", "share"),
])
def test_chinese_numerals_equal_to_a_fact_are_found(body: str, written: str, key: str) -> None:
    assert warned(body, "zh") == [f"content/zh/x.md:7: number '{written}' is written by hand; write {{{{fact:{key}}}}} {FIX}"]


@pytest.mark.parametrize("body", [
    "One of them rounds the result to the nearest hundred.",  # no count
    "Thirty-one per cent and three companies.",  # not equal to a fact
    "In 2022, 29 firms.",  # digits are figures.py's
    "统一的数据表，一些数据，十分重要，取整到百位。",  # not quantities
    "这三项数据。",  # 3 is no fact
])
def test_words_that_are_not_a_facts_figure_pass(body: str) -> None:
    assert warned(body, "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in body) else "en") == []


def test_a_note_in_the_fact_sheet_is_told_to_keep_figures_out() -> None:
    assert warned("The headline rounds this up to thirty per cent.", page=False) == [
        "content/en/x.md:7: number 'thirty per cent' is written by hand; it equals fact 'headline': keep figures out "
        "of labels and notes, which cannot cite facts"]


def test_lines_are_counted_within_the_text() -> None:
    assert [w.split(": number")[0] for w in warned("First line.\n\nAnd ten here.")] == ["content/en/x.md:9"]


@pytest.mark.parametrize("words, value", [("forty thousand", 40000), ("twenty-nine", 29), ("a hundred", 100),
                                          ("one hundred and four", 104), ("three hundred thousand", 300000),
                                          ("hundred", None), ("one two", None)])
def test_english_number(words: str, value: int | None) -> None:
    assert english_number(words) == (None if value is None else float(value))


@pytest.mark.parametrize("numeral, value", [("三十", 30), ("四万", 40000), ("一百零八", 108), ("二〇二二", 2022),
                                            ("十", 10), ("十二万三千", 123000), ("两亿", 200000000)])
def test_chinese_number(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value


def test_written_numbers_know_shares() -> None:
    assert written_numbers("三成和百分之六十", "家") == [(0, "三成", 0.3, True), (3, "百分之六十", 0.6, True)]


def test_check_reports_number_words_at_their_line(make_project: Callable[..., Path]) -> None:
    en, zh = "Cited: {{fact:firms}}.\n\nA headline said twenty-nine per cent.\n", "引用：{{fact:firms}}。\n\n占比为百分之二十九。\n"
    project = make_project({"content/en/notes.md": f"---\ntitle: Notes\n---\n{en}",
                            "content/zh/notes.md": f"---\ntitle: 笔记\ntranslation_of: {body_stamp(en)}\n---\n{zh}",
                            "content/en/about/team.md": None})
    result = run_build(project, "check")
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: content/en/notes.md:6: number 'twenty-nine per cent' is written by hand; write {{{{fact:firm_share}}}} {FIX}",
        f"warning: content/zh/notes.md:7: number '百分之二十九' is written by hand; write {{{{fact:firm_share}}}} {FIX}"]
    assert run_build(project, "check", "--strict").returncode == 1
