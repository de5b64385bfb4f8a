"""Missing and outdated translations, as editors and readers meet them: build, check, --strict, translated, new."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import run_build, snapshot, tiny_files
from microsite.model import body_stamp
from microsite.scaffold import restamp

EN_ABOUT = "About this site.\n\n## 团队 and people\n\nBack [home](../index.md#about-us).\n"  # as in tiny_files()
EN_ABOUT_EDITED = EN_ABOUT + "\nWe added a paragraph.\n"
TEAM_MISSING = "content/en/about/team.md: no zh version (expected content/zh/about/team.md)"
ABOUT_OUTDATED = ("content/zh/about/index.md:4: translation is outdated: content/en/about/index.md changed; "
                  "update it, then run: python build.py translated content/zh/about/index.md")


def page(out: Path, url_path: str) -> BeautifulSoup:
    """Return a built page parsed as HTML."""
    return BeautifulSoup((out / url_path / "index.html").read_text(encoding="utf-8"), "html.parser")


def zh_strings(project: Path) -> dict[str, str]:
    return yaml.safe_load((project / "content/strings/zh.yaml").read_text(encoding="utf-8"))


def sitemap_locs(out: Path) -> set[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iterfind("s:url/s:loc", ns)}


def front_matter(path: Path) -> dict[str, object]:
    """Return the front matter of a page file."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def edit_about(project: Path, body: str) -> None:
    """Replace the body of content/en/about/index.md, keeping its front matter."""
    path = project / "content/en/about/index.md"
    head = path.read_text(encoding="utf-8").split("---\n")[1]
    path.write_bytes(f"---\n{head}---\n{body}".encode("utf-8"))


def outdated_links(out: Path) -> list[tuple[str, str]]:
    """Return (href, hreflang) of the outdated notice's link to the original on /zh/about/, if any."""
    soup = page(out, "zh/about")
    text = zh_strings(out.parent)["outdated_link"]
    return [(a["href"], a.get("hreflang")) for a in soup.select("main a") if a.get_text(strip=True) == text]


def build(project: Path, *args: str) -> tuple[int, str, str]:
    result = run_build(project, "build", "--out", "out", *args)
    return result.returncode, result.stdout, result.stderr


@pytest.fixture
def only_about(make_project: Callable[..., Path]) -> Path:
    """Return the tiny project with every page translated (the en-only team page removed)."""
    return make_project({"content/en/about/team.md": None})


# -- missing translations -------------------------------------------------------------------------


def test_a_page_in_one_language_builds_with_a_generated_page_in_the_other(make_project: Callable[..., Path]) -> None:
    project = make_project()
    code, stdout, stderr = build(project)
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 1 and "1 untranslated" in stdout
    out = project / "out"
    strings = zh_strings(project)
    stub = page(out, "zh/about/team")
    assert stub.html["lang"] == "zh-CN"
    assert stub.select_one('a[href="#main"]').get_text(strip=True) == strings["skip_to_content"]
    assert stub.select_one("main h1").get_text(strip=True) == strings["untranslated_title"]
    assert strings["untranslated_body"] in stub.select_one("main").get_text()
    originals = [(a["href"], a.get("hreflang")) for a in stub.select("main a")]
    assert ("/en/about/team/", "en") in originals
    nav = [a["href"] for a in stub.select("header nav:not(.lang-switch) a")]
    assert nav and all(href.startswith("/zh/") for href in nav), nav
    assert stub.select('meta[name="robots"][content~="noindex"]')
    assert stub.select("link[rel~=canonical]") == []
    assert "https://example.org/zh/about/team/" not in sitemap_locs(out)
    assert "https://example.org/en/about/team/" in sitemap_locs(out)


def test_a_page_only_in_chinese_gets_an_english_page_in_english_chrome(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/zh/news.md": "---\ntitle: 新闻\n---\n只有中文。\n"})
    code, _, stderr = build(project)
    assert code == 0, stderr
    stub = page(project / "out", "en/news")
    assert stub.html["lang"] == "en"
    assert stub.select_one("main h1").get_text(strip=True) == "Not translated yet"
    assert ("/zh/news/", "zh-CN") in [(a["href"], a.get("hreflang")) for a in stub.select("main a")]
    assert stub.select('meta[name="robots"][content~="noindex"]')
    assert "https://example.org/en/news/" not in sitemap_locs(project / "out")


def test_a_page_in_one_language_only_joins_no_hreflang_cluster(make_project: Callable[..., Path]) -> None:
    project = make_project()
    assert build(project)[0] == 0
    pages = [page(project / "out", path) for path in ("en/about/team", "zh/about/team")]
    assert [p.select("link[rel~=alternate][hreflang]") for p in pages] == [[], []]


@pytest.mark.parametrize("files, message", [
    ({}, TEAM_MISSING),
    ({"content/en/about/team.md": None, "content/zh/news.md": "---\ntitle: 新闻\n---\n只有中文。\n"},
     "content/zh/news.md: no en version (expected content/en/news.md)"),
])
def test_strict_fails_on_a_missing_translation(make_project: Callable[..., Path], files: dict, message: str) -> None:
    project = make_project(files)
    assert build(project)[0] == 0
    before = snapshot(project / "out")
    result = run_build(project, "--strict", "--out", "out")  # `build` is the default command
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"{message}\nfailed: 1 error; out/ left unchanged\n")
    assert snapshot(project / "out") == before


def test_check_lists_a_missing_translation(make_project: Callable[..., Path]) -> None:
    result = run_build(make_project(), "check")
    assert (result.returncode, result.stderr) == (0, f"warning: {TEAM_MISSING}\n")
    assert re.search(r"^about/team +source +missing\b", result.stdout, re.M)
    assert result.stdout.splitlines()[-1] == "check: 7 pages, 1 warning"


def test_check_strict_fails_on_a_missing_translation(make_project: Callable[..., Path]) -> None:
    result = run_build(make_project(), "check", "--strict")
    assert (result.returncode, result.stderr) == (1, f"warning: {TEAM_MISSING}\n")


# -- outdated translations ------------------------------------------------------------------------


def test_an_edited_source_makes_its_translation_outdated_until_restamped(only_about: Path) -> None:
    project, out = only_about, only_about / "out"
    assert build(project)[0] == 0
    assert outdated_links(out) == []
    edit_about(project, EN_ABOUT_EDITED)

    code, stdout, stderr = build(project)
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 1 and "1 outdated translation" in stdout
    assert outdated_links(out) == [("/en/about/", "en")]
    assert page(out, "en/about").select("main a[hreflang]") == []  # the source has no notice

    zh = project / "content/zh/about/index.md"
    before = zh.read_text(encoding="utf-8")
    result = run_build(project, "translated", "content/zh/about/index.md")
    stamp = body_stamp(EN_ABOUT_EDITED)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"content/zh/about/index.md: marked as a translation of content/en/about/index.md ({stamp})\n", "")
    assert zh.read_text(encoding="utf-8") == re.sub(r"(?m)^translation_of: \w+$", f"translation_of: {stamp}", before)

    code, stdout, stderr = build(project, "--strict")
    assert code == 0, stderr
    assert "outdated" not in stdout
    assert outdated_links(out) == []


def test_strict_fails_while_a_translation_is_outdated(only_about: Path) -> None:
    assert build(only_about)[0] == 0
    edit_about(only_about, EN_ABOUT_EDITED)
    assert build(only_about)[0] == 0
    before = snapshot(only_about / "out")
    result = run_build(only_about, "build", "--strict", "--out", "out")
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"{ABOUT_OUTDATED}\nfailed: 1 error; out/ left unchanged\n")
    assert snapshot(only_about / "out") == before


@pytest.mark.parametrize("body", [
    "About this site.   \n\n## 团队 and people\t\n\nBack [home](../index.md#about-us).  \n\n\n",
    EN_ABOUT.replace("\n", "\r\n"),
    "\n\n" + EN_ABOUT,
], ids=["trailing-spaces-and-blank-lines", "crlf", "leading-blank-lines"])
def test_whitespace_only_edits_leave_translations_current(only_about: Path, body: str) -> None:
    edit_about(only_about, body)
    code, stdout, stderr = build(only_about, "--strict")
    assert (code, stderr) == (0, "")
    assert "outdated" not in stdout
    assert outdated_links(only_about / "out") == []


def test_a_translation_without_a_stamp_counts_as_outdated_until_stamped(only_about: Path) -> None:
    zh = only_about / "content/zh/about/index.md"
    zh.write_text(re.sub(r"(?m)^translation_of: .*\n", "", zh.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_build(only_about, "build", "--strict", "--out", "out")
    assert (result.returncode, result.stderr) == (1, (
        "content/zh/about/index.md: translation has no translation_of stamp; once it matches "
        "content/en/about/index.md, run: python build.py translated content/zh/about/index.md\n"
        "failed: 1 error\n"))
    assert not (only_about / "out").exists()
    assert run_build(only_about, "translated", "content/zh/about/index.md").returncode == 0
    assert front_matter(zh)["translation_of"] == body_stamp(EN_ABOUT)
    assert build(only_about, "--strict")[0] == 0


def test_check_reports_an_outdated_translation_until_restamped(only_about: Path) -> None:
    edit_about(only_about, EN_ABOUT_EDITED)
    result = run_build(only_about, "check")
    assert (result.returncode, result.stderr) == (0, f"warning: {ABOUT_OUTDATED}\n")
    assert re.search(r"^about +source +outdated\b", result.stdout, re.M)
    assert run_build(only_about, "check", "--strict").returncode == 1
    assert run_build(only_about, "translated", "content/zh/about/index.md").returncode == 0
    result = run_build(only_about, "check", "--strict")
    assert (result.returncode, result.stderr) == (0, "")
    assert re.search(r"^about +source +current\b", result.stdout, re.M)


def test_check_prints_one_translation_status_table(make_project: Callable[..., Path]) -> None:
    project = make_project()
    edit_about(project, EN_ABOUT_EDITED)
    result = run_build(project, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "page        en      zh        facts\n"
        "(home)      source  current   1\n"
        "about       source  outdated  -\n"
        "about/team  source  missing   -\n"
        "figures     source  current   1\n"
        "check: 7 pages, 2 warnings\n")
    result = run_build(project, "check", "--verbose")
    assert result.stdout == (
        "page        en      zh        facts\n"
        "(home)      source  current   1\n"
        "    en, zh: firms\n"
        "about       source  outdated  -\n"
        "about/team  source  missing   -\n"
        "figures     source  current   1\n"
        "    en, zh: firm_share\n"
        "check: 7 pages, 2 warnings\n")


@pytest.mark.parametrize("rel, message", [
    ("content/en/about/index.md", "content/en/about/index.md: this is the source language (en); stamp its translations"),
    ("content/zh/about/team.md", "content/zh/about/team.md: no such file"),
    ("content/facts.yaml", "content/facts.yaml: not a page under content/<language>/"),
    ("content/zh/news.md", "content/zh/news.md: no source page to translate from (expected content/en/news.md)"),
    ("site.yaml", "site.yaml: not a page under content/<language>/"),
])
def test_translated_refuses_what_is_not_a_translation(make_project: Callable[..., Path], rel: str, message: str) -> None:
    project = make_project({"content/zh/news.md": "---\ntitle: 新闻\n---\n只有中文。\n"})
    before = snapshot(project / "content")
    result = run_build(project, "translated", rel)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"{message}\nfailed: 1 error\n")
    assert snapshot(project / "content") == before


@pytest.mark.parametrize("text, want", [
    ("---\ntitle: 关于\ntranslation_of: 0123456789\n---\nBody\ntranslation_of: body\n",
     "---\ntitle: 关于\ntranslation_of: abcdef0123\n---\nBody\ntranslation_of: body\n"),
    ("---\ntitle: 关于\n---\n正文\n", "---\ntitle: 关于\ntranslation_of: abcdef0123\n---\n正文\n"),
    ("---\r\ntitle: 关于\r\n---\r\n正文\r\n", "---\r\ntitle: 关于\r\ntranslation_of: abcdef0123\r\n---\r\n正文\r\n"),
], ids=["replaces", "adds", "keeps-crlf"])
def test_restamp_changes_only_the_stamp(text: str, want: str) -> None:
    assert restamp(text, "abcdef0123") == want


# -- new pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, title", [
    (["plan/talent-pool"], "Talent pool"),
    (["plan/talent-pool", "--title", '人才 "pool": 北京'], '人才 "pool": 北京'),
])
def test_new_creates_the_page_in_both_languages_as_drafts(make_project: Callable[..., Path], args: list[str],
                                                          title: str) -> None:
    project = make_project()
    result = run_build(project, "new", *args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("created content/en/plan/talent-pool.md\ncreated content/zh/plan/talent-pool.md\n"
                             "drafts (draft: true): the preview shows them; builds leave them out until you delete "
                             "that line\n")
    en_path, zh_path = (project / f"content/{lang}/plan/talent-pool.md" for lang in ("en", "zh"))
    for path in (en_path, zh_path):  # nothing is translated yet, so nothing is stamped
        assert front_matter(path) == {"title": title, "description": "", "weight": 50, "draft": True}
    assert re.search(r"[\u4e00-\u9fff]", zh_path.read_text(encoding="utf-8").split("---\n", 2)[2])


def test_a_new_page_is_published_once_written_translated_and_undrafted(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/team.md": None})
    assert run_build(project, "new", "plan/talent").returncode == 0
    code, stdout, stderr = build(project, "--strict")  # drafts do not hold up a strict build
    assert (code, stderr) == (0, "")
    assert not (project / "out/en/plan/talent").exists() and not (project / "out/zh/plan/talent").exists()
    for lang, title, body in [("en", "Talent", "Beijing trains talent.\n"), ("zh", "人才", "北京培养人才。\n")]:
        (project / f"content/{lang}/plan/talent.md").write_text(f"---\ntitle: {title}\n---\n{body}", encoding="utf-8")
    assert run_build(project, "translated", "content/zh/plan/talent.md").returncode == 0
    code, stdout, stderr = build(project, "--strict")
    assert (code, stderr) == (0, "")
    assert {"https://example.org/en/plan/talent/", "https://example.org/zh/plan/talent/"} <= sitemap_locs(project / "out")
    assert page(project / "out", "zh/plan/talent").html["lang"] == "zh-CN"


@pytest.mark.parametrize("existing", [("en", "zh"), ("zh",)])
def test_new_refuses_to_overwrite(make_project: Callable[..., Path], existing: tuple[str, ...]) -> None:
    project = make_project({f"content/{lang}/plan/talent.md": f"---\ntitle: {lang}\n---\nMine.\n" for lang in existing})
    before = snapshot(project / "content")
    result = run_build(project, "new", "plan/talent")
    errors = "".join(f"content/{lang}/plan/talent.md: already exists\n" for lang in existing)
    count = f"{len(existing)} error{'s' if len(existing) > 1 else ''}"
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"{errors}failed: {count}\n")
    assert snapshot(project / "content") == before


@pytest.mark.parametrize("name", ["Plan/Talent", "plan//talent", "../talent", "plan/人才"])
def test_new_rejects_names_that_are_not_page_paths(make_project: Callable[..., Path], name: str) -> None:
    project = make_project()
    before = snapshot(project / "content")
    result = run_build(project, "new", name)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"{name}: page names are lower-case words with - and /, e.g. plan/talent\nfailed: 1 error\n")
    assert snapshot(project / "content") == before


def test_tiny_files_body_matches_the_source_this_module_edits() -> None:
    assert tiny_files()["content/en/about/index.md"].endswith("---\n" + EN_ABOUT)


def test_check_runs_do_not_pile_up_files_in_the_cache(make_project: Callable[..., Path]) -> None:
    project = make_project()
    assert run_build(project, "check").returncode == 0
    first = sorted(p.name for p in (project / ".cache").iterdir())
    assert run_build(project, "check").returncode == 0
    assert sorted(p.name for p in (project / ".cache").iterdir()) == first
