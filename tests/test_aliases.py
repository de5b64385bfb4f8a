"""Moved pages: `aliases:` in front matter writes a redirect page at each old address; collisions are errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import PagesServer, free_port, run_build
from test_quality import require_tools, run_vnu, vnu_problems
from tools.linkcrawl import fetch

from microsite.aliases import alias_out_path
from microsite.pipeline import BuildOptions
from microsite.serve import Preview

TEAM = "content/en/about/team.md"
MOVED_TEAM = "---\ntitle: Team\nweight: 5\naliases:\n  - /en/people/\n  - /en/staff.html\n  - en/crew\n---\nThe team.\n"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def refresh_target(page: BeautifulSoup) -> str:
    content = page.select_one("meta[http-equiv=refresh]")["content"]
    match = re.fullmatch(r"0; url=(\S+)", content)
    assert match, content
    return match.group(1)


def test_alias_paths_become_output_files() -> None:
    assert [alias_out_path(a) for a in ("/en/old/", "/en/old", "en/old.html", "/old.htm", "/zh/旧页面/")] == [
        "en/old/index.html", "en/old/index.html", "en/old.html", "old.htm", "zh/旧页面/index.html"]
    assert [alias_out_path(a) for a in ("", "/", "../x", "/en/../../x/", "https://x.org/a/", "//x.org/a",
                                        "/a?b", "/a#b", "/a b/")] == [None] * 9


def test_each_alias_is_a_redirect_page_to_the_moved_page(make_project) -> None:
    project = make_project({TEAM: MOVED_TEAM})
    result = run_build(project, "--base-url", "https://user.github.io/repo/")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for old in ("en/people/index.html", "en/staff.html", "en/crew/index.html"):
        page = soup(site / old)
        assert page.html["lang"] == "en" and page.title.get_text() == "Team"
        assert refresh_target(page) == "/repo/en/about/team/"
        assert page.select_one("link[rel=canonical]")["href"] == "https://user.github.io/repo/en/about/team/"
        assert page.select_one("meta[name=robots]")["content"] == "noindex"
        link = page.select_one("main a")
        assert link["href"] == "/repo/en/about/team/" and link.get_text() == "Team"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8") + (site / "en/feed.xml").read_text(encoding="utf-8")
    assert "people" not in sitemap and "staff" not in sitemap


def test_following_an_alias_under_a_base_path_reaches_the_page(make_project) -> None:
    project = make_project({TEAM: MOVED_TEAM})
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/beijing-ai/"
    assert run_build(project, "build", "--base-url", base_url, "--out", "out").returncode == 0
    server = PagesServer(project / "out", "/beijing-ai/", port=port)
    try:
        old = base_url + "en/people/"
        response = fetch(old)
        assert response.status == 200
        target = urljoin(old, refresh_target(BeautifulSoup(response.body, "html.parser")))
        assert target == base_url + "en/about/team/"
        page = fetch(target)
        assert page.status == 200 and BeautifulSoup(page.body, "html.parser").h1.get_text() == "Team"
    finally:
        server.close()


@pytest.mark.browser
def test_a_browser_at_an_old_address_lands_on_the_page(make_project, browser: Any) -> None:
    project = make_project({TEAM: MOVED_TEAM})
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/beijing-ai/"
    assert run_build(project, "build", "--base-url", base_url, "--out", "out").returncode == 0
    server = PagesServer(project / "out", "/beijing-ai/", port=port)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base_url + "en/staff.html")
        page.wait_for_url(base_url + "en/about/team/")
        assert page.inner_text("h1") == "Team"
    finally:
        context.close()
        server.close()


def test_redirect_pages_are_valid_html(make_project) -> None:
    require_tools("java", "vnu")
    project = make_project({TEAM: MOVED_TEAM})
    assert run_build(project).returncode == 0
    site = project / "site"
    assert vnu_problems(run_vnu([site / "en/people/index.html", site / "en/staff.html"]), site, {}) == []


@pytest.mark.parametrize("files, errors", [
    ({TEAM: "---\ntitle: Team\naliases: [/en/about/]\n---\nx\n"},
     [f"{TEAM}:3: alias '/en/about/' is the address of content/en/about/index.md"]),
    ({TEAM: "---\ntitle: Team\naliases: [/zh/about/team/]\n---\nx\n"},
     [f"{TEAM}:3: alias '/zh/about/team/' is the address of the 'not translated yet' page of /zh/about/team/"]),
    ({TEAM: "---\ntitle: Team\naliases: [/zh/search/, /, /404.html]\n---\nx\n"},
     [f"{TEAM}:3: front matter: alias '/' is not a path: an alias must be an old path on this site, "
      "like /en/old-page/"]),
    ({TEAM: "---\ntitle: Team\naliases: [/zh/search/, /404.html, /static/old/]\n---\nx\n"},
     [f"{TEAM}:3: alias '/404.html' is the address of the 404 page",
      f"{TEAM}:3: alias '/static/old/' is inside static/, which the build writes",
      f"{TEAM}:3: alias '/zh/search/' is the address of the zh search page"]),
    ({TEAM: "---\ntitle: Team\naliases: [/en/old/]\n---\nx\n",
      "content/en/figures.md": "---\ntitle: Figures\ntemplate: key-figures.html\n\naliases:\n  - /en/old\n---\nx\n"},
     [f"content/en/figures.md:5: alias '/en/old' is also an alias of {TEAM}"]),
    ({TEAM: "---\ntitle: Team\naliases: 7\n---\nx\n"},
     [f"{TEAM}:3: front matter: 'aliases' must be a list of old paths (an alias must be an old path on this "
      "site, like /en/old-page/)"]),
    ({"content/en/search.md": "---\ntitle: Search\n---\nx\n"},
     ["content/en/search.md: same URL /en/search/ as the search page; rename the file"]),
], ids=["page", "stub", "root", "generated", "alias", "not a list", "search page"])
def test_an_alias_at_a_taken_address_is_an_error(make_project, files: dict[str, str], errors: list[str]) -> None:
    project = make_project()
    assert run_build(project).returncode == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    for rel, text in files.items():
        (project / rel).write_text(text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [*errors, f"failed: {len(errors)} error{'s' if len(errors) > 1 else ''}; "
                                                   "site/ left unchanged"]
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before


def test_the_preview_writes_and_removes_redirects_as_aliases_change(make_project) -> None:
    project = make_project()
    preview = Preview(project, BuildOptions(out=Path("site")))
    preview.build()
    (project / TEAM).write_text(MOVED_TEAM, encoding="utf-8")
    preview.rebuild()
    assert (project / "site/en/people/index.html").is_file()
    (project / TEAM).write_text("---\ntitle: Team\nweight: 5\n---\nThe team.\n", encoding="utf-8")
    preview.rebuild()
    assert not (project / "site/en/people").exists()
