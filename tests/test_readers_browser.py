"""What readers see in a real browser: the 404 in their language, figures kept whole, sources without hover,
the key-figures table on a phone, and the layout fixes of issue 16."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from conftest import ROOT, PagesServer, free_port, run_build, tiny_files, write_project
from test_quality import audit_page, require_tools

pytestmark = pytest.mark.browser

STRINGS = {lang: yaml.safe_load((ROOT / f"content/strings/{lang}.yaml").read_text(encoding="utf-8"))
           for lang in ("en", "zh")}
SITE = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
HTML_LANG = {"en": "en", "zh": "zh-CN"}
OTHER = {"en": "zh", "zh": "en"}


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """Return a fresh browser context (no stored language choice)."""
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def project_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesServer]:
    """Serve the tiny project built for a GitHub Pages project site under /beijing-ai/."""
    port = free_port()
    project = write_project(tmp_path_factory.mktemp("readers") / "project", tiny_files())
    result = run_build(project, "build", "--out", "out", "--base-url", f"http://127.0.0.1:{port}/beijing-ai/")
    assert result.returncode == 0, result.stderr
    server = PagesServer(project / "out", "/beijing-ai/", port)
    yield server
    server.close()


def visible_text(page: Any, selector: str) -> str:
    """Return the text a reader sees in the elements matching `selector` (hidden ones left out)."""
    return page.locator(selector).evaluate_all(
        "els => els.filter(el => el.checkVisibility()).map(el => el.innerText).join(' ')")


# -- 8. the 404 page in the language of the address -----------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_404_speaks_the_language_of_the_address(context: Any, real_server: PagesServer, lang: str) -> None:
    page = context.new_page()
    response = page.goto(f"{real_server.url}{lang}/no-such/page/")
    assert response is not None and response.status == 404
    strings, other = STRINGS[lang], STRINGS[OTHER[lang]]
    assert page.evaluate("document.documentElement.lang") == HTML_LANG[lang]
    assert page.title() == f"{strings['not_found_title']} · {SITE['title'][lang]}"
    assert visible_text(page, "header .brand") == SITE["title"][lang]
    nav = visible_text(page, "header nav.site-nav")
    assert strings["home"] in nav and other["home"] not in nav
    assert visible_text(page, "main h1") == strings["not_found_title"]
    footer = visible_text(page, "footer")
    assert strings["footer_about"] in footer and other["footer_about"] not in footer
    assert visible_text(page, "header nav.lang-switch") == {"en": "中文", "zh": "English"}[lang]


def test_the_404_under_a_project_path_and_without_a_language_in_it(context: Any,
                                                                   project_server: PagesServer) -> None:
    page = context.new_page()
    page.goto(project_server.url + "zh/missing/")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert visible_text(page, "main h1") == STRINGS["zh"]["not_found_title"]
    page.goto(project_server.url + "missing/")  # no language in the address and none chosen yet: both
    assert visible_text(page, "main h1") == f"{STRINGS['en']['not_found_title']} {STRINGS['zh']['not_found_title']}"
    page.evaluate("localStorage.setItem('lang', 'zh')")  # what the language switcher remembers
    page.goto(project_server.url + "missing/")
    assert visible_text(page, "main h1") == STRINGS["zh"]["not_found_title"]


def test_without_javascript_the_404_shows_both_languages(browser: Any, real_server: PagesServer) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{real_server.url}zh/no-such/")
    for lang in ("en", "zh"):
        assert STRINGS[lang]["not_found_title"] in visible_text(page, "main h1")
        assert SITE["title"][lang] in visible_text(page, "header .brand")
        assert STRINGS[lang]["footer_about"] in visible_text(page, "footer")
    ctx.close()


def test_the_chinese_404_passes_axe(browser: Any, real_server: PagesServer) -> None:
    require_tools("axe")
    ctx = browser.new_context()
    audit = audit_page(ctx, real_server.origin, "zh/no-such/")
    ctx.close()
    assert {view: v for view, v in audit.violations.items() if v} == {}
    assert set(audit.phone_width.values()) == {360}


# -- 9. a figure and its unit never part across lines --------------------------------------------------------

FIGURES = "a.fact:not([data-statement]), .card:not(.card-statement) .card-value, .card-compare, .chart .value, " \
          ".facts-table td.figure, .card-meta time"
SPLIT_RUNS = """selector => {
  const split = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {  // one run: '4万余名', '1,048家', '40,000', '2022年10月'
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.parametrize("path", ["zh/", "zh/plan/core-technology/", "zh/key-figures/", "en/", "en/key-figures/",
                                  "zh/sources/"])
def test_no_figure_is_split_from_its_unit_at_any_phone_width(context: Any, real_server: PagesServer,
                                                             path: str) -> None:
    page = context.new_page()
    page.goto(real_server.url + path)
    assert page.locator(FIGURES).count() > 0
    split = {}
    for width in range(320, 481, 8):
        page.set_viewport_size({"width": width, "height": 800})
        runs = page.evaluate(SPLIT_RUNS, FIGURES)
        if runs:
            split[width] = runs
    assert split == {}
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") == 360


# -- 10. source and date visible without hover -------------------------------------------------------------------


def test_a_touch_reader_sees_the_source_of_a_figure_on_the_page(browser: Any, real_server: PagesServer) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(real_server.url + "en/plan/talent/")
    note = page.locator(".page-figures li", has=page.locator('a[href$="#fact-ai_talent"]'))
    assert note.is_visible()
    assert "Source: Beijing Municipal Bureau of Economy and Information Technology" in note.inner_text()
    ctx.close()


# -- 11. the key-figures table on a phone ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_key_figures_table_is_stacked_rows_on_a_phone(context: Any, real_server: PagesServer, lang: str) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{real_server.url}{lang}/key-figures/")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing hidden to the side
    row = page.locator(".facts-table tbody tr").first
    lefts = row.locator("th, td").evaluate_all("cells => cells.map(c => Math.round(c.getBoundingClientRect().left))")
    assert len(set(lefts)) == 1  # every cell starts at the left edge: one under the other
    strings = STRINGS[lang]
    labels = row.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == [f'"{strings[key]}{strings["colon"]}"' for key in ("col_value", "col_as_of", "col_source")]
    page.set_viewport_size({"width": 1280, "height": 800})  # a wide screen keeps the table
    assert len(set(row.locator("th, td").evaluate_all(
        "cells => cells.map(c => Math.round(c.getBoundingClientRect().top))"))) == 1


# -- 12. layout -------------------------------------------------------------------------------------------------


def test_charts_use_the_width_of_a_wide_page(context: Any, real_server: PagesServer) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(real_server.url + "en/key-figures/")
    boxes = page.locator("section.charts figure.chart").evaluate_all(
        "figs => figs.map(f => [f.getBoundingClientRect().width, Math.round(f.getBoundingClientRect().top)])")
    assert len(boxes) >= 2 and min(width for width, _ in boxes) > 500
    assert boxes[0][1] == boxes[1][1]  # side by side


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cards_are_as_tall_as_their_content_and_the_source_line_is_short(context: Any, real_server: PagesServer,
                                                                         lang: str) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{real_server.url}{lang}/key-figures/")
    gaps = page.locator("section.figures .card").evaluate_all("""cards => cards.map(card => {
        const last = card.lastElementChild.getBoundingClientRect();
        return Math.round(card.getBoundingClientRect().bottom - last.bottom);
    })""")
    assert max(gaps) <= 24, gaps  # the padding, not a stretched gap
    lines = page.locator("section.figures .card-meta").evaluate_all("""metas => metas.map(m =>
        Math.round(m.getBoundingClientRect().height / parseFloat(getComputedStyle(m).lineHeight)))""")
    assert max(lines) <= 2, lines


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_menu_is_one_row_on_a_phone(context: Any, real_server: PagesServer, lang: str, width: int) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{real_server.url}{lang}/")
    tops = page.locator(".site-nav a").evaluate_all("links => links.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(tops) >= 4 and len(set(tops)) == 1, tops
    assert page.evaluate("document.documentElement.scrollWidth") == width
    last = page.locator(".site-nav li").last.locator("a")
    last.focus()  # a keyboard reader reaches the last item: it scrolls into view
    box = last.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width


def test_the_outdated_notice_keeps_its_distance_from_the_heading(browser: Any, tmp_path: Path) -> None:
    files = tiny_files()
    files["content/en/about/index.md"] += "\nA sentence added after the translation.\n"
    project = write_project(tmp_path / "project", files)
    assert run_build(project, "build", "--out", "out").returncode == 0
    server = PagesServer(project / "out")
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(server.url + "zh/about/")
    notice = page.locator("main .notice").bounding_box()
    heading = page.locator("main h1").bounding_box()
    ctx.close()
    server.close()
    assert notice is not None and heading is not None
    assert heading["y"] - (notice["y"] + notice["height"]) >= 24


def test_the_root_chooser_buttons_line_up(browser: Any, real_server: PagesServer) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(real_server.url)
    bottoms = page.locator(".chooser .choice").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().bottom))")
    ctx.close()
    assert len(bottoms) == 2 and len(set(bottoms)) == 1, bottoms
