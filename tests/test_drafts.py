"""Drafts (`draft: true`): left out of builds and the sitemap, shown by the preview with a banner, listed by check;
and check's warnings about pages that would be published unfinished."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, run_build, snapshot
from test_serve import Served, serve  # noqa: F401 -- the fixture

DRAFT_EN = "---\ntitle: Plans\ndraft: true\n---\nWhat comes next.\n"
DRAFT_ZH = "---\ntitle: 规划\ndraft: true\n---\n接下来的工作。\n"
STRINGS = {lang: yaml.safe_load((ROOT / f"content/strings/{lang}.yaml").read_text(encoding="utf-8"))
           for lang in ("en", "zh")}


def sitemap_locs(out: Path) -> set[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {loc.text or "" for loc in ET.parse(out / "sitemap.xml").getroot().iterfind("s:url/s:loc", ns)}


def built_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_drafts_are_left_out_of_the_build_the_sitemap_and_the_navigation(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/team.md": None})
    assert run_build(project, "build", "--out", "before").returncode == 0
    make_project({"content/en/about/team.md": None, "content/en/plans.md": DRAFT_EN, "content/zh/plans.md": DRAFT_ZH})
    result = run_build(project, "build", "--strict", "--out", "out")
    assert (result.returncode, result.stderr) == (0, "")
    assert built_files(project / "out") == built_files(project / "before")  # no page, no 'not translated' page
    assert not any("plans" in loc for loc in sitemap_locs(project / "out"))
    assert (project / "out/sitemap.xml").read_bytes() == (project / "before/sitemap.xml").read_bytes()
    assert "plans" not in (project / "out/en/index.html").read_text(encoding="utf-8")


def test_a_draft_translation_leaves_the_not_translated_page_and_says_why(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/team.md": None, "content/en/plans.md": DRAFT_EN.replace("draft: true\n", ""),
                            "content/zh/plans.md": DRAFT_ZH})
    result = run_build(project, "check")
    assert result.stderr == "warning: content/en/plans.md: no zh version (content/zh/plans.md is a draft)\n"
    assert re.search(r"^plans +source +draft +-$", result.stdout, re.M), result.stdout
    assert result.stdout.splitlines()[-1] == "check: 7 pages, 1 draft left out, 1 warning"
    assert run_build(project, "build", "--out", "out").returncode == 0
    stub = BeautifulSoup((project / "out/zh/plans/index.html").read_text(encoding="utf-8"), "html.parser")
    assert stub.select_one("main h1").get_text(strip=True) == STRINGS["zh"]["untranslated_title"]


def test_check_lists_drafts(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/team.md": None, "content/en/plans.md": DRAFT_EN,
                            "content/zh/plans.md": DRAFT_ZH})
    result = run_build(project, "check", "--strict")
    assert (result.returncode, result.stderr) == (0, "")
    assert re.search(r"^plans +draft +draft *$", result.stdout, re.M), result.stdout
    assert result.stdout.splitlines()[-1] == "check: 6 pages, 2 drafts left out, 0 warnings"


@pytest.mark.parametrize("value", ["maybe", "1", '"true"'])
def test_draft_must_be_true_or_false(make_project: Callable[..., Path], value: str) -> None:
    project = make_project({"content/en/plans.md": f"---\ntitle: Plans\ndraft: {value}\n---\nText.\n"})
    result = run_build(project, "build")
    shown = {"maybe": "'maybe'", "1": "1", '"true"': "'true'"}[value]
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"content/en/plans.md:3: front matter: 'draft' must be true or false, got {shown}"


def test_the_preview_shows_a_draft_with_a_banner_in_its_language(serve: Callable[..., Served],
                                                                 make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/plans.md": DRAFT_EN, "content/zh/plans.md": DRAFT_ZH})
    server = serve(project)
    for lang, body in [("en", "What comes next."), ("zh", "接下来的工作。")]:
        response = server.get(f"/{lang}/plans/")
        assert response.status == 200 and body in response.text
        soup = BeautifulSoup(response.text, "html.parser")
        banner = soup.select_one("main .notice-draft")
        assert banner is not None, response.text
        strings = STRINGS[lang]
        assert banner.get_text().strip() == strings["draft_label"] + strings["colon"] + strings["draft_notice"]
        assert soup.html["lang"] == ("en" if lang == "en" else "zh-CN")
        assert [a.get_text() for a in soup.select("nav.site-nav a") if "/plans/" in a["href"]]  # in place, in the menu
    home = BeautifulSoup(server.get("/en/").text, "html.parser")
    assert home.select(".notice-draft") == []
    assert "plans" not in server.get("/sitemap.xml").text
    before = snapshot(project / "site")
    assert run_build(project, "build").returncode == 0  # a build after the preview: the drafts are gone again
    assert not (project / "site/en/plans").exists() and before != snapshot(project / "site")
    assert "notice-draft" not in (project / "site/en/index.html").read_text(encoding="utf-8")


# -- pages that would be published unfinished ------------------------------------------------------------------


def test_check_flags_placeholder_text_and_an_untranslated_title(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/team.md": None})
    assert run_build(project, "new", "plan/example").returncode == 0
    assert run_build(project, "check", "--strict").returncode == 0  # drafts: nothing to say yet
    for lang in ("en", "zh"):
        path = project / f"content/{lang}/plan/example.md"
        path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    result = run_build(project, "check")
    assert result.stderr.splitlines() == [
        "warning: content/en/plan/example.md:7: placeholder text 'Write the page here.' is still here; "
        "write the page, or mark it draft: true",
        "warning: content/zh/plan/example.md: translation has no translation_of stamp; once it matches "
        "content/en/plan/example.md, run: python build.py translated content/zh/plan/example.md",
        "warning: content/zh/plan/example.md:2: title 'Example' is the same as in content/en/plan/example.md; "
        "translate it",
        "warning: content/zh/plan/example.md:7: placeholder text '在此撰写正文。' is still here; "
        "write the page, or mark it draft: true",
    ]


@pytest.mark.parametrize("en, zh, expected", [
    ("Note: TODO check this.", "说明：待补充。",
     ["content/en/about/index.md:5: 'TODO' left in the text; finish it, or mark the page draft: true",
      "content/zh/about/index.md:6: '待补充' left in the text; finish it, or mark the page draft: true"]),
    ("Lorem ipsum dolor sit amet.", "正文。",
     ["content/en/about/index.md:5: 'Lorem ipsum' left in the text; finish it, or mark the page draft: true"]),
    ("A `TODO` in code, a todo list, and AI.", "正文。", []),
])
def test_check_flags_markers_left_in_prose_but_not_in_code(make_project: Callable[..., Path], en: str, zh: str,
                                                           expected: list[str]) -> None:
    project = make_project({"content/en/about/team.md": None,
                            "content/en/about/index.md": f"---\ntitle: About\nweight: 10\n---\n{en}\n",
                            "content/zh/about/index.md": f"---\ntitle: 关于\nweight: 10\ntranslation_of: x\n---\n{zh}\n"})
    result = run_build(project, "check")
    lint = [line[len("warning: "):] for line in result.stderr.splitlines() if "translation" not in line]
    assert lint == expected


@pytest.mark.parametrize("title, flagged", [("Example", True), ("Plans and goals", True), ("AI", False),
                                            ("5G", False), ("{{fact:firms}}", False), ("FastAPI CLI", False),
                                            ("GraphQL", False), ("WebSockets", False), ("FastAPI Cloud", False)])
def test_an_identical_title_is_flagged_unless_it_has_no_words(make_project: Callable[..., Path], title: str,
                                                              flagged: bool) -> None:
    quoted = '"' + title + '"'
    project = make_project({"content/en/about/team.md": None,
                            "content/en/plans.md": f"---\ntitle: {quoted}\n---\nText.\n",
                            "content/zh/plans.md": f"---\ntitle: {quoted}\n---\n正文。\n"})
    result = run_build(project, "check")
    assert ("content/zh/plans.md:2: title" in result.stderr) == flagged, result.stderr


def test_a_strict_preview_shows_drafts_without_failing_on_them(make_project: Callable[..., Path]) -> None:
    from microsite.pipeline import BuildOptions
    from microsite.serve import Preview
    project = make_project({"content/en/about/team.md": None})
    assert run_build(project, "new", "plans").returncode == 0  # placeholder text, same title, no stamp: drafts
    preview = Preview(project, BuildOptions(out=project / "site", strict=True))
    result = preview.build()
    assert "plans/index.html" in " ".join(result.rendered_paths)
    assert "notice-draft" in (project / "site/zh/plans/index.html").read_text(encoding="utf-8")
