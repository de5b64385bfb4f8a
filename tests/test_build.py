"""End to end: build the tiny project and the real content, read the HTML, break every input once."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, run_build, snapshot
from microsite.minify import minify

ALLOWED_KEYS = ("title, description, date, weight, template, translation_of, draft, aliases; "
                "site.yaml's extra_front_matter can declare more")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built(project: Path) -> Path:
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_tiny_site_pages_titles_and_languages(make_project):
    site = built(make_project())
    home_en, home_zh = soup(site / "en/index.html"), soup(site / "zh/index.html")
    assert home_en.html["lang"] == "en" and home_zh.html["lang"] == "zh-CN"
    assert soup(site / "en/about/team/index.html").h1.get_text() == "Team"
    assert soup(site / "zh/about/index.html").h1.get_text() == "关于"
    assert "Tiny site" in home_en.title.get_text() and "小站" in home_zh.title.get_text()
    # the page only in English gets a 'not translated yet' page in Chinese chrome
    stub = soup(site / "zh/about/team/index.html")
    assert stub.html["lang"] == "zh-CN" and stub.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_nav_follows_weight_then_title(make_project):
    site = built(make_project())
    nav = soup(site / "en/about/team/index.html").select("nav.site-nav a")
    assert [a.get_text() for a in nav] == ["Home", "About", "Figures"]  # weights 0, 10, 20
    section = soup(site / "en/about/team/index.html").select("nav.sidebar a")
    assert [a.get_text() for a in section] == ["About", "Team"]  # the section's own page first


def test_every_internal_link_resolves_to_a_built_file(make_project):
    site = built(make_project())
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 12  # 7 pages, 1 untranslated stub, 2 search pages, 404, the root chooser
    for page in pages:
        for tag in soup(page).find_all(["a", "link", "script", "img"]):
            url = tag.get("href") or tag.get("src")
            if not url or urlsplit(url).scheme or url.startswith("#"):
                continue
            path = urlsplit(url).path
            target = site / path.lstrip("/")
            if path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(site)} links to {url}"


def test_markdown_links_become_page_urls_and_chinese_headings_get_ids(make_project):
    site = built(make_project())
    about_zh = soup(site / "zh/about/index.html")
    heading = about_zh.find("h2", string="团队与AI成员")
    assert heading["id"] == "团队与ai成员"
    link = about_zh.select_one("article p a[href*='#']")
    assert link.get_text() == "首页" and link["href"] == "/zh/#关于我们"
    assert soup(site / "zh/index.html").find(id="关于我们") is not None


def test_base_path_is_in_every_internal_url(make_project):
    project = make_project()
    result = run_build(project, "--base-url", "https://user.github.io/repo/")
    assert result.returncode == 0, result.stderr
    page = soup(project / "site/en/about/index.html")
    urls = [t.get("href") or t.get("src") for t in page.find_all(["a", "link", "script"])]
    internal = [u for u in urls if u and not u.startswith("#") and "example" not in u]
    assert internal and all(u.startswith(("/repo/", "https://user.github.io/repo/")) for u in internal), internal
    assert page.find("link", rel="canonical")["href"] == "https://user.github.io/repo/en/about/"


def test_builds_are_byte_for_byte_deterministic(make_project, tmp_path):
    project = make_project()
    first = run_build(project, "--no-cache", "--out", str(tmp_path / "one"))
    second = run_build(project, "--no-cache", "--out", str(tmp_path / "two"))
    assert first.returncode == second.returncode == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_the_summary_line_counts_pages_per_language(make_project):
    result = run_build(make_project())
    # 45 files: 17 of the search index (its shard list included); 28 pages, search pages, feeds, data and static files
    assert re.fullmatch(r"built 4 en, 3 zh pages \(1 untranslated\) in \d+\.\d\d s "
                        r"\(8 rendered, 45 files written, search index \d+\.\d\d s\) -> site/\n", result.stdout), result.stdout


def test_a_second_build_with_nothing_changed_writes_nothing(make_project):
    project = make_project()
    built(project)
    before = {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*") if p.is_file()}
    result = run_build(project)
    assert result.returncode == 0
    assert re.search(r"\((0 rendered, 0 files written|nothing changed)\)", result.stdout), result.stdout
    assert before == {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*") if p.is_file()}


def test_removed_pages_disappear_from_the_output(make_project):
    project = make_project()
    built(project)
    (project / "content/en/about/team.md").unlink()
    site = built(project)
    assert not (site / "en/about/team").exists() and not (site / "zh/about/team").exists()
    assert (site / "en/about/index.html").is_file()


def test_static_files_are_copied_with_their_paths(make_project):
    site = built(make_project({"static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"}))
    assert (site / "static/img/logo.svg").read_text() == "<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert (site / "static/style.css").read_bytes() == minify("static/style.css", (ROOT / "static/style.css").read_bytes())
    assert len((site / "static/style.css").read_bytes()) < len((ROOT / "static/style.css").read_bytes())  # minified


def test_the_real_content_builds_in_both_languages(real_site):
    codes = {"en": "en", "zh": "zh-CN"}
    for code, html_lang in codes.items():
        pages = sorted((real_site / code).rglob("index.html"))
        assert len(pages) >= 5
        for page in pages:
            parsed = soup(page)
            assert parsed.html["lang"] == html_lang, page
            assert parsed.h1 and parsed.h1.get_text().strip(), page
            assert "{{" not in parsed.get_text(), f"an unrendered reference in {page}"
    for name in (".nojekyll", "404.html", "index.html", "sitemap.xml", "robots.txt", "data/facts.json"):
        assert (real_site / name).is_file(), name


# -- bad input: path:line: message, exit 1, no traceback, the previous site/ untouched --------------

TEAM = "content/en/about/team.md"
# every template the project copies from the repo, as the message lists them (base.html, partials/nav.html, ...)
TEMPLATES = ", ".join(sorted(p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.html")))
BAD_INPUTS = {
    "invalid front matter YAML": (
        {TEAM: "---\ntitle: Team\nweight: [5\n---\nThe team.\n"},
        [f"{TEAM}:3: invalid YAML: the '[' opened on this line is never closed (did not find expected ',' or ']')"]),
    "empty title": (
        {TEAM: "---\ntitle: ''\nweight: 5\n---\nThe team.\n"},
        [f"{TEAM}:2: front matter: 'title' must be non-empty text"]),
    "unknown front matter key": (
        {TEAM: "---\ntitle: Team\nweight: 5\nauthor: Ann\n---\nThe team.\n"},
        [f"{TEAM}:4: front matter: unknown key 'author' (allowed: {ALLOWED_KEYS})"]),
    "duplicate front matter key": (
        {TEAM: "---\ntitle: Team\ntitle: Crew\n---\nThe team.\n"},
        [f"{TEAM}:3: front matter: duplicate key 'title'"]),
    "invalid facts.yaml": (
        {"content/facts.yaml": "sources:\n  survey:\n    title: {en: x, zh: y\nfacts: {}\n"},
        ["content/facts.yaml:3: invalid YAML: the '{' opened on this line is never closed "
         "(did not find expected ',' or '}')"]),
    "unclosed quote in a title": (
        {TEAM: '---\ntitle: "Team\nweight: 5\n---\nThe team.\n'},
        [f"{TEAM}:2: invalid YAML: the quote opened on this line is never closed (found unexpected end of stream)"]),
    "invalid site.yaml": (
        {"site.yaml": "base_url: https://example.org/\ndefault_language: en\nlanguages:\n  - code: en\n   html_lang: en\n"},
        ["site.yaml:5: invalid YAML: did not find expected '-' indicator"]),
    "unknown setting in site.yaml": (
        {"site.yaml": "base_url: https://example.org/\ntheme: dark\n"},
        ["site.yaml:2: unknown setting 'theme'", "site.yaml:1: missing setting 'default_language'",
         "site.yaml:1: missing setting 'description'", "site.yaml:1: missing setting 'languages'",
         "site.yaml:1: missing setting 'title'"]),
    "unknown template": (
        {TEAM: "---\ntitle: Team\ntemplate: fancy.html\n---\nThe team.\n"},
        [f"{TEAM}:3: unknown template 'fancy.html' (templates/ has: {TEMPLATES})"]),
    "Jinja syntax error": (
        {"templates/page.html": '{% extends "base.html" %}\n{% block main %}\n{% if page.title %}\n'
                                "{{ page.content }}\n{% endblock %}\n"},
        ["templates/page.html:5: template syntax: Encountered unknown tag 'endblock'. You probably made a nesting "
         "mistake. Jinja is expecting this tag, but currently looking for 'elif' or 'else' or 'endif'. "
         "The innermost block that needs to be closed is 'if'."]),
    "unknown filter in a template": (
        {"templates/page.html": '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n'
                                "{{ page.title|shout }}\n{% endblock %}\n"},
        ["templates/page.html:4: template syntax: No filter named 'shout'."]),
    "undefined template variable": (
        {"templates/page.html": '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.title }}</h1>\n'
                                "{{ page.subtitle }}\n{% endblock %}\n"},
        [f"templates/page.html:4: undefined variable: 'dict object' has no attribute 'subtitle' (rendering {p})"
         for p in ("content/en/about/index.md", TEAM, "content/zh/about/index.md", "content/zh/about/team.md")]),
    "file not in UTF-8": (
        {"content/zh/about/index.md": "---\ntitle: 关于\n---\n第一行\n".encode("gbk")},
        ["content/zh/about/index.md:2: not valid UTF-8 (byte 0xb9 at offset 11); save the file as UTF-8"]),
    "two pages with the same URL": (
        {"content/en/about.md": "---\ntitle: About again\n---\nHi.\n"},
        ["content/en/about/index.md: same URL /en/about/ as content/en/about.md"]),
    "link to a missing page": (
        {TEAM: "---\ntitle: Team\n---\nThe team.\n\nSee [the board](board.md).\n"},
        [f"{TEAM}:6: link to a missing page 'board.md'; no page has a similar path"]),
    "link to a missing heading": (
        {TEAM: "---\ntitle: Team\n---\nSee [home](../index.md#nowhere).\n"},
        [f"{TEAM}:4: link to '#nowhere' on /en/: the page has no such heading or id; its ids: #about-us, #home-figures"]),
    "page path escaping the output": (
        {"content/en/a\\..\\..\\x.md": "---\ntitle: X\n---\nx\n"},
        ["content/en/a\\..\\..\\x.md: page path would escape the output folder; rename the file"]),
    "unknown fact": (
        {TEAM: "---\ntitle: Team\n---\nWe have {{fact:firm}} firms.\n"},
        [f"{TEAM}:4: unknown fact 'firm'; did you mean firms, firm_share?"]),
    "missing UI strings file": (
        {"content/strings/zh.yaml": None},
        ["content/strings/zh.yaml: missing: UI strings for 'zh'"]),
    "unknown language folder": (
        {"content/fr/index.md": "---\ntitle: Accueil\n---\nBonjour.\n"},
        ["content/fr: unknown language 'fr' (site.yaml lists en, zh)"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_reports_path_line_and_leaves_site_untouched(make_project, case):
    files, expected = BAD_INPUTS[case]
    project = make_project()
    built(project)
    before = snapshot(project / "site")
    make_project(files)
    result = run_build(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    n = len(expected)
    assert result.stderr.splitlines() == sorted(expected) + [f"failed: {n} error{'s' if n > 1 else ''}; site/ left unchanged"]
    assert snapshot(project / "site") == before
    assert not list(project.glob("site.tmp-*")), "a staging folder was left behind"


def test_all_errors_of_one_build_are_reported_together(make_project):
    project = make_project({
        TEAM: "---\nweight: five\n---\nThe team.\n",
        "content/en/figures.md": "---\ntitle: Figures\ncolour: red\ntemplate: key-figures.html\n---\nx\n",
    })
    result = run_build(project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{TEAM}:2: front matter: 'weight' must be a whole number, got 'five'",
        f"content/en/figures.md:3: front matter: unknown key 'colour' (allowed: {ALLOWED_KEYS})",
        "failed: 2 errors"]


def test_a_symlink_out_of_the_project_is_refused(make_project, tmp_path):
    project = make_project()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nsecret\n")
    os.symlink(secret, project / "content/en/leak.md")
    result = run_build(project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "content/en/leak.md: symlink points outside the project"
    assert not (project / "site").exists()


def test_building_into_the_project_folder_is_refused(make_project):
    project = make_project()
    result = run_build(project, "--out", ".")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{project}: refusing to build into the project folder or one of its parents"
    assert (project / "content/en/index.md").is_file()


def test_a_foreign_output_folder_is_not_replaced(make_project):
    project = make_project()
    (project / "docs").mkdir()
    (project / "docs/notes.txt").write_text("mine")
    result = run_build(project, "--out", "docs")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (f"{project / 'docs'}: exists and was not made by this generator; "
                                             "empty it (a .git folder may stay) or choose another --out")
    assert (project / "docs/notes.txt").read_text() == "mine"


def test_help_for_every_command():
    for command in ("build", "serve", "check", "new", "translated"):
        result = run_build(ROOT, command, "--help")
        assert result.returncode == 0 and "usage: python build.py" in result.stdout, command
