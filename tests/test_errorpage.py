"""The preview's error page: in the language of the page asked for, light and dark, honest about the last good site."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import pytest
from bs4 import BeautifulSoup

from microsite.errorpage import TEXTS, error_page, page_language
from microsite.errors import BuildError
from test_serve import Served, serve  # noqa: F401 -- the fixture

ERRORS = [BuildError("content/zh/about/index.md", 2, "invalid YAML: <the quote> opened on this line is never closed")]


def soup(page: bytes) -> BeautifulSoup:
    return BeautifulSoup(page.decode("utf-8"), "html.parser")


def paragraphs(page: bytes) -> list[str]:
    return [p.get_text() for p in soup(page).select("main p")]


@pytest.mark.parametrize("path, base, expected", [
    ("/zh/about/", "/", ("zh", "zh")), ("/en/", "/", ("en", "en")), ("/", "/", ("en", "en")),
    ("/beijing-ai/zh/", "/beijing-ai/", ("zh", "zh")), ("/zh-hans/plan/", "/", ("zh", "zh-hans")),
    ("/fr/", "/", ("en", "en")), ("/index.html", "/", ("en", "en")),
])
def test_the_language_comes_from_the_path(path: str, base: str, expected: tuple[str, str]) -> None:
    assert page_language(path, base) == expected


def test_a_chinese_page_gets_the_error_page_in_chinese() -> None:
    page = error_page(ERRORS, "/zh/about/", "/")
    html = soup(page)
    assert html.html["lang"] == "zh"
    assert html.h1.get_text() == "生成失败"
    assert paragraphs(page) == [TEXTS["zh"]["none"], TEXTS["zh"]["fix"], "共 1 个问题"]
    assert [li.get_text() for li in html.select("ul.build-errors li")] == [str(ERRORS[0])]  # escaped, shown as is


def test_no_last_good_site_is_claimed_when_there_is_none() -> None:
    never = " ".join(paragraphs(error_page(ERRORS, "/en/")))
    assert "not updated" not in never and "last good" not in never
    assert TEXTS["en"]["none"] in never
    last_good = SimpleNamespace(config=SimpleNamespace(languages=()))  # stands in for the last good Site
    kept = " ".join(paragraphs(error_page(ERRORS, "/en/", site=last_good)))  # type: ignore[arg-type]
    assert TEXTS["en"]["kept"] in kept


def test_the_error_page_follows_the_dark_scheme(browser: Any) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.set_content(error_page(ERRORS, "/zh/").decode("utf-8"))
        colours[scheme] = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colours == {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 19, 22)"}


def test_the_preview_shows_the_line_and_language_and_no_last_good_site_before_one(
        serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    project = make_project({"content/zh/about/index.md": '---\ntitle: "关于\nweight: 10\n---\n关于本站。\n'})
    server = serve(project)  # the very first build fails
    message = ("content/zh/about/index.md:2: invalid YAML: the quote opened on this line is never closed "
               "(found unexpected end of stream)")
    page = server.wait_until_served("/zh/about/", message, status=500)
    assert paragraphs(page.body)[0] == TEXTS["zh"]["none"]
    english = server.get("/en/")
    assert english.status == 500 and soup(english.body).h1.get_text() == "Build failed"
    assert paragraphs(english.body)[0] == TEXTS["en"]["none"]

    path = project / "content/zh/about/index.md"
    path.write_text('---\ntitle: "关于"\nweight: 10\n---\n关于本站。\n', encoding="utf-8")
    server.wait_until_served("/zh/about/", "关于本站。")
    path.write_text('---\ntitle: "关于\nweight: 10\n---\n关于本站。\n', encoding="utf-8")
    page = server.wait_until_served("/zh/about/", message, status=500)
    assert paragraphs(page.body)[0] == TEXTS["zh"]["kept"]  # now there is a last good build
