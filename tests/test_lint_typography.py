"""Chinese typography on Chinese pages: each rule with the failing examples this site had, at path:line, with the fix.

The site's rule for Chinese next to Latin letters or digits is no space ('Ni Tao撰写', '2022年'),
as its own figures are written ('1,048家'); a space may set off code, a file name or an address.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from conftest import run_build
from microsite.lint.text import Text, strings_texts
from microsite.lint.typography import check_typography, is_chinese
from microsite.model import body_stamp

ALLOW = ("Ni Tao",)


def warned(body: str, allow: tuple[str, ...] = ALLOW) -> list[str]:
    return [str(w) for w in check_typography(Text("content/zh/x.md", 5, "zh", body), allow)]


@pytest.mark.parametrize("body, message", [
    ("北京,上海", "half-width ',' in Chinese text (\"北京,上海\"); write '，'"),
    ("报告说:北京领先", "half-width ':' in Chinese text (\"报告说:北京领先\"); write '：'"),
    ("有三项;其余", "half-width ';' in Chinese text (\"有三项;其余\"); write '；'"),
    ("是否完整?", "half-width '?' in Chinese text (\"是否完整?\"); write '？'"),
    ("出处!", "half-width '!' in Chinese text (\"出处!\"); write '！'"),
])
def test_half_width_punctuation_between_chinese_characters(body: str, message: str) -> None:
    assert warned(body) == [f"content/zh/x.md:5: {message}"]


def test_half_width_brackets_around_chinese() -> None:
    assert warned("转引自(英文报道)一文") == [
        "content/zh/x.md:5: half-width '(' in Chinese text (\"转引自(英文报道)一\"); write '（'",
        "content/zh/x.md:5: half-width ')' in Chinese text (\"自(英文报道)一文\"); write '）'"]


@pytest.mark.parametrize("body, message", [
    ("通过 Ni Tao撰写的报道", 'space between Chinese and Latin text ("通过 Ni Tao撰写的报道"); this site writes them '
                          'together: "通过Ni Tao撰写的报道"'),
    ("Ni Tao 撰写的报道", 'space between Chinese and Latin text ("Ni Tao 撰写的报道"); this site writes them '
                        'together: "Ni Tao撰写的报道"'),
    ("均采用 UTF-8编码", 'space between Chinese and Latin text ("均采用 UTF-8编码"); this site writes them '
                      'together: "均采用UTF-8编码"'),
    ("环境 API 目前", 'space between Chinese and Latin text ("环境 API 目前"); this site writes them together: '
                   '"环境API目前"'),  # one warning for both sides
    ("比重为 29%", 'space between Chinese and Latin text ("比重为 29%"); this site writes them together: "比重为29%"'),
])
def test_a_space_between_chinese_and_latin_or_digits(body: str, message: str) -> None:
    assert warned(body) == [f"content/zh/x.md:5: {message}"]


@pytest.mark.parametrize("body", [
    "通过Ni Tao撰写的报道，2022年，1,048家，AI企业。",
    "可下载 content/facts.yaml 或 /data/facts.csv 查看",  # a space may set off a path
    "见 https://example.org/ 一文",
    "全部数据（JSON、CSV）",
])
def test_what_the_site_writes_passes(body: str) -> None:
    assert warned(body) == []


@pytest.mark.parametrize("body, message", [
    ("一个可定制的API来处理", 'no space between Chinese and Latin text ("一个可定制的API来处理"); this site sets them apart '
                        'with one space: "一个可定制的 API 来处理"'),
    ("所有 API都可以", 'no space between Chinese and Latin text ("所有 API都可以"); this site sets them apart with one '
                   'space: "所有 API 都可以"'),
])
def test_a_site_may_choose_one_space_instead(body: str, message: str) -> None:
    # lint: spacing: space, as many Chinese software docs write (found on VitePress-built docs)
    assert [str(w) for w in check_typography(Text("content/zh/x.md", 5, "zh", body), spaced=True)] == [
        f"content/zh/x.md:5: {message}"]
    assert check_typography(Text("content/zh/x.md", 5, "zh", "所有 API 都可以，2022 年"), spaced=True) == []


def test_allow_latin_star_allows_any_english() -> None:
    assert warned("插件通过 runner 调用", ("*",)) == [
        'content/zh/x.md:5: space between Chinese and Latin text ("插件通过 runner 调用"); this site writes them '
        'together: "插件通过runner调用"']  # the spacing rule still holds


def test_straight_quotes_get_curly_ones() -> None:
    assert warned('称北京为人工智能"之都"，\'首都\'') == [
        'content/zh/x.md:5: straight quote " in Chinese text ("京为人工智能"之都"，\'首"); write “',
        'content/zh/x.md:5: straight quote " in Chinese text ("工智能"之都"，\'首都\'"); write ”',
        "content/zh/x.md:5: straight quote ' in Chinese text (\"能\"之都\"，'首都'\"); write ‘ or ’",
        "content/zh/x.md:5: straight quote ' in Chinese text (\"都\"，'首都'\"); write ‘ or ’"]


def test_english_words_outside_names_code_and_english_spans() -> None:
    fix = 'translate it, mark it as English (<span lang="en">…</span>), or, if it is a name, add it to lint: ' \
          'allow_latin in site.yaml'
    assert warned("该报道称北京为AI capital。") == [f"content/zh/x.md:5: English 'AI capital' in Chinese text; {fix}"]
    assert warned("作者是John Smith。") == [f"content/zh/x.md:5: English 'John Smith' in Chinese text; {fix}"]
    assert warned("作者是Ni Tao，标题为<span lang=\"en\">Beijing crowned AI ‘capital’</span>。") == []
    assert warned("作者是John Smith。", ("Ni Tao", "John Smith")) == []


def test_lines_count_within_the_text() -> None:
    assert [w.split(": half")[0] for w in warned("第一行。\n\n第三行,有误。")] == ["content/zh/x.md:7"]


def test_ui_strings_are_read_without_their_placeholders_and_code() -> None:
    texts = strings_texts("content/strings/zh.yaml", "a: 截至{date}\nb: 请使用 `{{fact:key}}`。\nc: 来源:{source}\n", "zh")
    problems = [str(w) for t in texts for w in check_typography(t)]
    assert problems == ["content/strings/zh.yaml:3: half-width ':' in Chinese text (\"来源:\"); write '：'"]


def test_only_chinese_pages_are_read() -> None:
    assert is_chinese("zh-CN") and is_chinese("zh-Hant-TW") and is_chinese("zh")
    assert not is_chinese("en") and not is_chinese("ja")


def test_check_warns_on_chinese_pages_and_strict_fails(make_project: Callable[..., Path]) -> None:
    en = "Notes.\n"
    zh = ("报道称,北京是 AI之都。\n\n"
          '作者<span lang="en">Jo Writer</span>写道"很好"。\n\n'
          "链接[英文原文](https://example.org/){lang=en}和[Original title](https://example.org/){: lang=en}。\n\n"
          "- 列表里的代码：\n\n  ```js\n  if (name !== 'client') return\n  ```\n")
    project = make_project({"content/en/notes.md": f"---\ntitle: Notes\n---\n{en}",
                            "content/zh/notes.md": f"---\ntitle: 笔记 notes\ntranslation_of: {body_stamp(en)}\n---\n{zh}",
                            "content/en/about/team.md": None})
    result = run_build(project, "check")
    assert result.returncode == 0
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: content/zh/notes.md:2: English 'notes' in Chinese text; translate it, mark it as English "
        "(<span lang=\"en\">…</span>), or, if it is a name, add it to lint: allow_latin in site.yaml",
        "warning: content/zh/notes.md:2: space between Chinese and Latin text (\"笔记 notes\"); this site writes them "
        "together: \"笔记notes\"",
        "warning: content/zh/notes.md:5: half-width ',' in Chinese text (\"报道称,北京是 AI\"); write '，'",
        "warning: content/zh/notes.md:5: space between Chinese and Latin text (\"道称,北京是 AI之都。\"); this site "
        "writes them together: \"道称,北京是AI之都。\"",
        "warning: content/zh/notes.md:7: straight quote \" in Chinese text (\"写道\"很好\"。\"); write “",
        "warning: content/zh/notes.md:7: straight quote \" in Chinese text (\"写道\"很好\"。\"); write ”"]
    assert run_build(project, "check", "--strict").returncode == 1


def test_markdown_block_syntax_is_not_prose() -> None:
    """A note's type word and quoted title, an alert marker and footnote labels are syntax, not Chinese text."""
    from microsite.lint.figures import prose
    body = ('!!! note "全国总数只是粗略估算"\n    由于比重本身就是约数。\n\n> [!WARNING]\n> 请注意。\n\n'
            '报告由北京市发布[^source]。\n\n[^source]: 详见来源列表。\n')
    assert warned(prose(body)) == []
    assert warned(prose('!!! note "标题"\n    他说"是的"。\n')) == [
        "content/zh/x.md:6: straight quote \" in Chinese text (\"他说\"是的\"。\"); write “",
        "content/zh/x.md:6: straight quote \" in Chinese text (\"他说\"是的\"。\"); write ”"]
