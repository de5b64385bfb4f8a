"""Reading aids in a real browser: sidebar, breadcrumbs, previous/next, contents and heading links, by mouse and
keyboard, at 1280 and 390 px in light and dark; no sideways scrolling; axe and the Nu checker find nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import PagesServer, run_build
from test_quality import (PHONE, VNU_ALLOWED_WARNINGS, describe_violations, keyboard_problems, require_tools, run_axe,
                          run_vnu, site_files, vnu_problems)
from test_sections import DOCS, docs_project, fixed

WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
VIEWS = [(width, scheme) for width in WIDTHS for scheme in SCHEMES]
LONG = "\n\n".join(f"## Part {n}\n\n" + "Tidewater compares both folders before it copies anything. " * 12
                   for n in range(1, 9))
PAGES = ["en/guide/configure/", "zh/guide/configure/", "en/guide/advanced/", "zh/reference/api/",
         "en/guide/advanced/deep/tuning/", "zh/guide/install/"]


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesServer]:
    """Build the docs fixture, links mended and one long page added, and serve it like GitHub Pages."""
    files = {p.relative_to(DOCS).as_posix(): fixed(p.read_text(encoding="utf-8"))
             for p in DOCS.rglob("*.md")}
    files["content/en/guide/configure.md"] += "\n" + LONG + "\n"
    project = docs_project(tmp_path_factory.mktemp("docs") / "project", files)
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    server = PagesServer(project / "out")
    yield server
    server.close()


def box(page: Any, selector: str) -> dict[str, float]:
    """Return an element's box in page coordinates."""
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return {left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY}; }""",
                         selector)


@pytest.mark.browser
@pytest.mark.parametrize("width, scheme", VIEWS, ids=[f"{w}px-{s}" for w, s in VIEWS])
def test_layout_of_the_reading_aids(browser: Any, docs: PagesServer, width: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{docs.url}en/guide/configure/")
    side, body, toc = box(page, "nav.sidebar"), box(page, ".doc-body"), box(page, "nav.toc")
    crumbs, title, pager = box(page, "nav.breadcrumbs"), box(page, "main h1"), box(page, "nav.pager")
    assert crumbs["bottom"] <= title["top"] and body["bottom"] <= pager["top"]
    if width == 1280:  # three columns: the section, the text, the contents
        assert side["right"] < body["left"] and body["right"] < toc["left"]
        assert side["top"] < body["top"] and toc["top"] < body["top"] + 50
    else:  # one column: contents above the text, the section after the page
        assert toc["bottom"] <= body["top"] and abs(toc["left"] - body["left"]) < 2
        assert side["top"] >= pager["bottom"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": PHONE, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width, scheme", VIEWS, ids=[f"{w}px-{s}" for w, s in VIEWS])
def test_axe_finds_nothing_on_section_pages(browser: Any, docs: PagesServer, width: int, scheme: str) -> None:
    require_tools("axe")
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    found = []
    for path in PAGES:
        page.goto(f"{docs.url}{path}")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # closed branches too
        found += [f"{path}: {v}" for v in describe_violations(run_axe(page))]
    context.close()
    assert found == []


@pytest.mark.browser
def test_the_contents_stay_in_view_while_reading_on_a_wide_screen(browser: Any, docs: PagesServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{docs.url}en/guide/configure/")
    page.evaluate("window.scrollTo(0, document.querySelector('#part-6').getBoundingClientRect().top + scrollY)")
    toc = page.evaluate("document.querySelector('nav.toc').getBoundingClientRect().top")
    side = page.evaluate("document.querySelector('nav.sidebar').getBoundingClientRect().top")
    assert 0 <= toc <= 40 and 0 <= side <= 40  # both stuck to the top of the window, not scrolled away
    page.click("nav.toc a[href='#part-8']")
    assert page.evaluate("location.hash") == "#part-8"
    context.close()


@pytest.mark.browser
def test_heading_links_appear_on_hover_and_focus_and_work(browser: Any, docs: PagesServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{docs.url}en/guide/configure/")
    link = page.locator("div.heading:has(#options) a.heading-link")
    opacity = "el => getComputedStyle(el).opacity"
    assert link.evaluate(opacity) == "0"
    page.hover("#options")
    assert link.evaluate(opacity) == "1"
    page.mouse.move(0, 0)
    for _ in range(60):  # by keyboard: Tab until the link has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('div.heading:has(#options) a.heading-link')"):
            break
    else:
        pytest.fail("Tab never reached the heading link")
    assert link.evaluate(opacity) == "1"
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#options"
    name = page.evaluate("""() => { const a = document.querySelector('div.heading:has(#options) a.heading-link');
        return a.querySelector('.visually-hidden').textContent; }""")
    assert name == "Link to the section “Options”"
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_sidebar_and_pager_work_by_mouse_and_keyboard(browser: Any, docs: PagesServer, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{docs.url}en/guide/install/")
    branch = page.locator("nav.sidebar details").first
    assert not branch.evaluate("d => d.open")
    page.locator("nav.sidebar summary").first.click()
    assert branch.evaluate("d => d.open") and page.is_visible("nav.sidebar a[href='/en/guide/advanced/plugins/']")
    page.locator("nav.sidebar summary").first.focus()
    page.keyboard.press("Enter")
    assert not branch.evaluate("d => d.open")
    page.keyboard.press("Space")
    assert branch.evaluate("d => d.open")
    page.click("nav.pager a[rel='next']")
    assert page.url.endswith("/en/guide/configure/")
    page.focus("nav.breadcrumbs a[href='/en/guide/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/guide/")
    assert page.locator("nav.sidebar .sidebar-title a").get_attribute("aria-current") == "page"
    assert keyboard_problems(page) == []  # skip link first, every stop visible and on screen, nav reachable
    context.close()


def test_the_nu_checker_passes_every_section_page(docs: PagesServer) -> None:
    require_tools("java", "vnu")
    root = Path(docs.httpd.RequestHandlerClass.root)  # type: ignore[attr-defined]
    files = [f for f in site_files(root) if f.suffix == ".html"]
    assert len(files) > 20
    assert vnu_problems(run_vnu(files), root, VNU_ALLOWED_WARNINGS) == []
