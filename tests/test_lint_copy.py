"""The copy check: runs of 8 or more words shared with a source text, at path:line, quotations allowed.

The source texts here are synthetic (the site's own source article never enters the repository); the
failing examples are shaped like the ones the check found on this site: a sentence taken whole, one
followed with a word or two changed, a list of fields lifted in order, a Chinese clause copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from conftest import run_build, snapshot
from microsite.lint.copy import check_copied, index_sources, units, unquoted
from microsite.lint.settings import SourceText
from microsite.lint.text import Text
from microsite.model import body_stamp

SOURCE = """\
Harbourton named wave 'capital' as it hosts a third of the nation's tidal firms

The report, issued on Monday by the city's marine energy office, said Harbourton has a leading tidal industry chain nationwide.

Meanwhile, the report points to the need for a charter of conduct for the tidal energy industry and calls for ways to attract engineers.

The city will also help top firms in building a community of shared turbine designs and common test rigs.
"""
SOURCE_ZH = "报告提出，港城将引导企业、高校、科研院所和开源社区协同攻关潮汐能核心技术，加快建设海上试验场。\n"
SHOWN = "sources/harbour.txt"
INDEX = index_sources([SourceText(SHOWN, SOURCE), SourceText("sources/harbour-zh.txt", SOURCE_ZH)])
FIX = "say it in your own words, or quote it in quotation marks"


def page(body: str, lang: str = "en") -> Text:
    return Text(f"content/{lang}/notes.md", 4, lang, body)


def messages(body: str, lang: str = "en") -> list[str]:
    return [str(w) for w in check_copied([page(body, lang)], INDEX)]


def test_a_sentence_taken_whole_is_found_at_its_line() -> None:
    body = "## What it says\n\nThe report points to the need for a charter of conduct for the tidal energy industry.\n"
    assert messages(body) == [
        'content/en/notes.md:6: 16 words in a row as in sources/harbour.txt:5 ("The report points to the need for a '
        f'charter of conduct for the tidal energy industry"); {FIX}']


def test_case_punctuation_and_apostrophes_do_not_hide_a_copy() -> None:
    body = "THE REPORT—POINTS TO THE NEED, FOR A CHARTER; OF CONDUCT!\n"
    assert messages(body) == [
        'content/en/notes.md:4: 11 words in a row as in sources/harbour.txt:5 ("THE REPORT—POINTS TO THE NEED, FOR A '
        f'CHARTER; OF CONDUCT"); {FIX}']
    assert [u.token for u in units("the nation’s tidal-firms, 1,048")] == ["the", "nations", "tidal", "firms", "1048"]


def test_a_sentence_followed_with_one_word_changed_still_shares_a_run() -> None:
    # "help" -> "support" leaves "top firms in building a community of shared turbine designs": 10 words
    body = "The city will also support top firms in building a community of shared turbine designs.\n"
    assert messages(body) == [
        'content/en/notes.md:4: 10 words in a row as in sources/harbour.txt:7 ("top firms in building a community of '
        f'shared turbine designs"); {FIX}']


def test_seven_shared_words_are_our_own_sentence() -> None:
    assert messages("They hope to attract engineers and help top firms in building a new port.\n") == []
    assert messages("Charter of conduct for the tidal energy sector.\n") == []  # 7 words


@pytest.mark.parametrize("body", [
    "The article says the report “points to the need for a charter of conduct for the tidal energy industry”.\n",
    'The article says the report "points to the need for a charter of conduct for the tidal energy industry".\n',
    "The article says the report ‘points to the need for a charter of conduct for the tidal energy industry’.\n",
    "The article puts it this way:\n\n> the report points to the need for a charter of conduct for the tidal energy "
    "industry\n",
])
def test_quotations_and_blockquotes_are_allowed(body: str) -> None:
    assert messages(body) == []


def test_a_run_does_not_join_across_a_quotation() -> None:
    # 5 words, a quotation, 5 more: neither side is a run of 8
    body = "the report points to the “need for” a charter of conduct for the\n"
    assert unquoted(body).count("\x00") == len("“need for”")
    assert messages(body) == []


def test_an_unclosed_quotation_mark_does_not_hide_the_rest_of_the_page() -> None:
    body = "An “aside.\n\nThe report points to the need for a charter of conduct for the tidal energy industry.\n"
    assert len(messages(body)) == 1


def test_chinese_is_compared_by_characters_sixteen_in_a_row() -> None:
    copied = "北京将引导企业、高校、科研院所和开源社区协同攻关潮汐能核心技术。"
    assert messages(copied, "zh") == [
        'content/zh/notes.md:4: 27 characters in a row as in sources/harbour-zh.txt:1 '
        f'("将引导企业、高校、科研院所和开源社区协同攻关潮汐能核心技术"); {FIX}']
    assert len(messages("我们鼓励企业、高校、科研院所和开源社区协同攻关风电。", "zh")) == 1  # 17 characters
    assert messages("我们鼓励高校、科研院所和开源社区协同攻关风电。", "zh") == []  # 15: about seven words
    assert messages("它提到“引导企业、高校、科研院所和开源社区协同攻关潮汐能核心技术”。", "zh") == []


def test_figures_as_readers_see_them_count_as_words() -> None:
    index = index_sources([SourceText(SHOWN, "The city had 1,048 major tidal firms as of October 2022, a report said.")])
    found = check_copied([page("It had 1,048 major tidal firms as of October 2022.\n")], index)
    assert [w.message.split(" (")[0] for w in found] == ["9 words in a row as in sources/harbour.txt:1"]


# -- check, end to end -------------------------------------------------------------------------------

COPIED_EN = "Meanwhile the report points to the need for a charter of conduct for the tidal energy industry.\n"
COPIED_ZH = "报告提出要建立行业行为准则。\n"


def copy_project(make_project: Callable[..., Path], site_lint: str = "") -> Path:
    files = {"content/en/notes.md": f"---\ntitle: Notes\n---\n{COPIED_EN}",
             "content/zh/notes.md": f"---\ntitle: 笔记\ntranslation_of: {body_stamp(COPIED_EN)}\n---\n{COPIED_ZH}",
             "content/en/about/team.md": None}
    project = make_project(files)
    if site_lint:
        with (project / "site.yaml").open("a", encoding="utf-8") as handle:
            handle.write(site_lint)
    return project


def test_check_reads_sources_from_the_folder_site_yaml_names(make_project: Callable[..., Path]) -> None:
    project = copy_project(make_project, "lint:\n  sources: sources\n")
    assert run_build(project, "check").returncode == 0  # the folder is absent (git-ignored, fresh clone): no check
    (project / "sources").mkdir()
    (project / "sources/harbour.txt").write_text(SOURCE, encoding="utf-8")
    result = run_build(project, "check")
    assert result.returncode == 0
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        'warning: content/en/notes.md:4: 17 words in a row as in sources/harbour.txt:5 ("Meanwhile the report points '
        f'to the need for a charter of conduct for the tidal energy industry"); {FIX}']
    assert run_build(project, "check", "--strict").returncode == 1
    build = run_build(project, "build", "--out", "out")
    assert build.returncode == 0
    assert not any("harbour" in path for path in snapshot(project / "out"))  # source texts are never published


def test_check_sources_names_any_folder(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = copy_project(make_project)
    elsewhere = tmp_path / "texts"
    elsewhere.mkdir()
    (elsewhere / "harbour.md").write_text(SOURCE, encoding="utf-8")
    (elsewhere / "notes.pdf").write_bytes(b"%PDF not text")  # other files are not read
    result = run_build(project, "check", "--sources", str(elsewhere))
    assert [line.split(" (")[0] for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: content/en/notes.md:4: 17 words in a row as in {elsewhere.as_posix()}/harbour.md:5"]


@pytest.mark.parametrize("setup, args, message", [
    (None, ["--sources", "missing"], "--sources: no such folder 'missing'"),
    ("lint:\n  sources: static/texts\n", [],
     "site.yaml:10: lint: sources 'static/texts' is inside static/, which is published; keep source texts in a "
     "folder of their own, such as sources/ (git-ignored)"),
    ("lint:\n  sauces: texts\n", [], "site.yaml:10: lint: unknown setting 'sauces' (known: allow_latin, sources, spacing)"),
    ("lint:\n  allow_latin: Ni Tao\n", [], "site.yaml:10: lint: allow_latin must be a list of names"),
    ("lint:\n  spacing: wide\n", [], "site.yaml:10: lint: spacing must be none, space or any"),
])
def test_bad_lint_settings_fail_check_with_their_line(make_project: Callable[..., Path], setup: str | None,
                                                      args: list[str], message: str) -> None:
    project = copy_project(make_project, setup or "")
    result = run_build(project, "check", *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-2:] == [message, "failed: 1 error"]


def test_a_source_text_not_in_utf8_is_reported(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = copy_project(make_project)
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts/old.txt").write_bytes("第一行\n".encode("gbk"))
    result = run_build(project, "check", "--sources", str(tmp_path / "texts"))
    assert result.returncode == 1
    assert f"{(tmp_path / 'texts').as_posix()}/old.txt:1: not valid UTF-8" in result.stderr
