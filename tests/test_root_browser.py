"""The language choice in a real browser: the root picks the reader's language, the switcher stays on the page."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from conftest import PagesServer, free_port, run_build, tiny_files, write_project

pytestmark = pytest.mark.browser

HTML_LANG = {"en": "en", "zh": "zh-CN"}
OTHER = {"en": "zh", "zh": "en"}


def built_paths(out: Path, lang: str) -> list[str]:
    """Return the URL path of every page built under one language folder, e.g. 'en/key-figures/'."""
    return sorted(p.relative_to(out).as_posix().removesuffix("index.html") for p in (out / lang).rglob("index.html"))


def translation(path: str) -> str:
    """Return the URL path of the same page in the other language."""
    lang, rest = path.split("/", 1)
    return f"{OTHER[lang]}/{rest}"


@pytest.fixture
def context_for(browser: object) -> Iterator:
    """Return a function opening browser contexts (closed after the test)."""
    contexts = []

    def open_context(**options: object):  # type: ignore[no-untyped-def]
        contexts.append(browser.new_context(**options))  # type: ignore[attr-defined]
        return contexts[-1]

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def project_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesServer]:
    """Serve the tiny project built for a GitHub Pages project site under /beijing-ai/."""
    port = free_port()
    project = write_project(tmp_path_factory.mktemp("browser") / "project", tiny_files())
    result = run_build(project, "build", "--out", "out", "--base-url", f"http://127.0.0.1:{port}/beijing-ai/")
    assert result.returncode == 0, result.stderr
    server = PagesServer(project / "out", "/beijing-ai/", port)
    yield server
    server.close()


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-US", "en"), ("fr-FR", "en")])
def test_the_root_sends_a_first_visit_to_the_browser_language(context_for, real_server: PagesServer,
                                                              locale: str, lang: str) -> None:
    page = context_for(locale=locale).new_page()
    page.goto(real_server.url)
    page.wait_for_url(f"{real_server.url}{lang}/")
    assert page.locator("html").get_attribute("lang") == HTML_LANG[lang]


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("en-US", "en")])
def test_the_root_works_under_a_project_path(context_for, project_server: PagesServer, locale: str, lang: str) -> None:
    page = context_for(locale=locale).new_page()
    page.goto(project_server.url)
    page.wait_for_url(f"{project_server.url}{lang}/")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_switcher_lands_on_the_same_page_in_the_other_language(context_for, real_site: Path,
                                                                   real_server: PagesServer, lang: str) -> None:
    page = context_for().new_page()
    paths = built_paths(real_site, lang)
    assert len(paths) > 1, "the real site should have inner pages"
    for path in paths:
        page.goto(real_server.url + path)
        page.locator("nav.lang-switch a").click()
        page.wait_for_url(real_server.url + translation(path))
        assert page.locator("html").get_attribute("lang") == HTML_LANG[OTHER[lang]]


@pytest.mark.parametrize("locale, first", [("en-US", "en"), ("zh-CN", "zh")])
def test_the_root_remembers_the_language_chosen_with_the_switcher(context_for, real_site: Path,
                                                                  real_server: PagesServer, locale: str,
                                                                  first: str) -> None:
    page = context_for(locale=locale).new_page()
    page.goto(real_server.url)
    page.wait_for_url(f"{real_server.url}{first}/")
    inner = built_paths(real_site, first)[-1]
    page.goto(real_server.url + inner)
    page.locator("nav.lang-switch a").click()
    page.wait_for_url(real_server.url + translation(inner))
    for _ in range(2):  # a later visit, then a reload of the root
        page.goto(real_server.url)
        page.wait_for_url(f"{real_server.url}{OTHER[first]}/")


def test_without_javascript_the_root_shows_both_languages_as_links(context_for, real_server: PagesServer) -> None:
    page = context_for(locale="zh-CN", java_script_enabled=False).new_page()
    page.goto(real_server.url)
    assert page.url == real_server.url
    assert page.title().strip()
    links = {name: page.get_by_role("link", name=name, exact=True) for name in ("English", "中文")}
    for link in links.values():
        assert link.is_visible()
    links["中文"].click()
    page.wait_for_url(f"{real_server.url}zh/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
