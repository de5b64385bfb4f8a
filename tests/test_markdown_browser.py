"""Markdown blocks in a real browser: code and wide tables on a phone, tabs and details by keyboard, no JavaScript."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from conftest import PagesServer

pytestmark = pytest.mark.browser
PAGES = ("en/material/", "zh/material/", "en/github/", "zh/github/")

WIDTHS = """() => ({
    page: document.documentElement.scrollWidth,
    code: Array.from(document.querySelectorAll(".highlight pre")).map(p => [p.scrollWidth, p.clientWidth]),
    tables: Array.from(document.querySelectorAll(".table-wrap")).map(t => [t.scrollWidth, t.clientWidth]),
})"""
FOCUSED = """() => {
    const el = document.activeElement;
    return el ? {tag: el.tagName, id: el.id, name: el.getAttribute("name") || ""} : null;
}"""
VISIBLE = """sel => Array.from(document.querySelectorAll(sel)).map(el => el.checkVisibility())"""


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """Return a page at 390 px without JavaScript: the blocks must work without it."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    yield context.new_page()
    context.close()


def tab_to(page: Any, matches: Any, limit: int = 80) -> dict[str, str]:
    """Press Tab until the focused element satisfies `matches`; return it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and matches(focused):
            return focused
    raise AssertionError("never reached by Tab")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_and_wide_tables_scroll_inside_their_box_at_390px(phone: Any, markdown_server: PagesServer, path: str,
                                                                scheme: str) -> None:
    phone.emulate_media(color_scheme=scheme)
    phone.goto(markdown_server.url + path)
    widths = phone.evaluate(WIDTHS)
    assert widths["page"] <= 390, widths
    assert widths["code"] and widths["tables"]
    assert all(client <= 390 for _, client in widths["code"] + widths["tables"]), widths
    if path.endswith("material/"):  # its long line of code scrolls inside the block, not the page
        assert any(scroll > client for scroll, client in widths["code"]), widths


@pytest.mark.parametrize("path", ["en/material/", "zh/material/"])
def test_tabs_switch_by_keyboard_without_javascript(phone: Any, markdown_server: PagesServer, path: str) -> None:
    phone.goto(markdown_server.url + path)
    assert phone.evaluate(VISIBLE, ".tabbed-block") == [True, False]
    focused = tab_to(phone, lambda el: el["name"] == "__tabbed_1")
    assert focused["id"] == "__tabbed_1_1"
    ring = phone.evaluate("""() => getComputedStyle(document.querySelector(
        ".tabbed-labels > label:nth-child(1)")).outlineStyle""")
    assert ring == "solid", "the focused tab shows a focus ring"
    phone.keyboard.press("ArrowRight")
    assert phone.evaluate(FOCUSED)["id"] == "__tabbed_1_2"
    assert phone.evaluate(VISIBLE, ".tabbed-block") == [False, True]
    phone.keyboard.press("ArrowLeft")
    assert phone.evaluate(VISIBLE, ".tabbed-block") == [True, False]


@pytest.mark.parametrize("path", ["en/github/", "zh/github/"])
def test_details_open_and_close_by_keyboard_without_javascript(phone: Any, markdown_server: PagesServer,
                                                               path: str) -> None:
    phone.goto(markdown_server.url + path)
    assert phone.evaluate(VISIBLE, "details.details > p") == [False]
    tab_to(phone, lambda el: el["tag"] == "SUMMARY")
    phone.keyboard.press("Enter")
    assert phone.evaluate(VISIBLE, "details.details > p") == [True]
    phone.keyboard.press("Space")
    assert phone.evaluate(VISIBLE, "details.details > p") == [False]


@pytest.mark.parametrize("lang, words", [("en", ("Copy", "Copied")), ("zh", ("复制", "已复制"))])
def test_copy_button_copies_the_code_and_is_absent_without_javascript(browser: Any, phone: Any,
                                                                      markdown_server: PagesServer, lang: str,
                                                                      words: tuple[str, str]) -> None:
    url = f"{markdown_server.url}{lang}/material/"
    phone.goto(url)
    assert phone.locator("button.copy").count() == 0  # without JavaScript the page has no dead button
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(url)
    blocks = page.locator(".highlight")
    assert page.locator(".highlight > button.copy").count() == blocks.count() > 0
    button = page.locator("div.admonition .highlight > button.copy")
    assert button.inner_text() == words[0]
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("def setup():\n") and "1" not in copied.split("\n")[0]  # no line numbers
    assert button.inner_text() == words[1]
    context.close()
