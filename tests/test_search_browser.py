"""Search in a real browser, on the real site served like GitHub Pages under /beijing-ai/ and at /, and with its
index split into shards of two pages (searchshards.py) so that every query is answered by merged indexes.

Expected hits are named by their topic file (content/<lang>/plan/ethics.md), not by wording, so rewriting a page
does not break these tests while the page is still the one about its topic.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import PagesServer, copy_real_project, free_port, run_build

pytestmark = pytest.mark.browser

# (language, what a reader types, the topic page that must come first)
QUERIES = [
    ("zh", "智能工厂", "plan/applications"),
    ("zh", "算力", "plan/open-source-and-computing"),
    ("zh", "开源", "plan/open-source-and-computing"),
    ("en", "smart factories", "plan/applications"),
    ("en", "computing", "plan/open-source-and-computing"),
    ("en", "ethics", "plan/ethics"),
]
BOX = "header form.search-box input[type=search]"
HITS = ".search-panel:not([hidden]) .search-hits a"
SEARCH_FILES = ("/pagefind/", "/static/search.js")


class Site:
    """The real site built for one base path and served there."""

    def __init__(self, out: Path, server: PagesServer, base_path: str, sharded: bool = False) -> None:
        self.out, self.server, self.base_path, self.sharded = out, server, base_path, sharded

    def url(self, path: str) -> str:
        return self.server.url + path

    def title(self, lang: str, slug: str) -> str:
        """Return the h1 of a built page."""
        html = (self.out / lang / slug / "index.html").read_text(encoding="utf-8")
        return BeautifulSoup(html, "html.parser").h1.get_text(strip=True)


@pytest.fixture(scope="module", params=[("/beijing-ai/", False), ("/", False), ("/beijing-ai/", True)],
                ids=["project-site", "root", "sharded"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    base_path, sharded = request.param
    project = copy_real_project(tmp_path_factory.mktemp("search") / "project")
    if sharded:
        with (project / "site.yaml").open("a", encoding="utf-8") as config:
            config.write("search_shard_pages: 2\n")
    port = free_port()
    result = run_build(project, "build", "--base-url", f"http://127.0.0.1:{port}{base_path}", "--out", "out")
    assert result.returncode == 0, result.stderr
    assert (project / "out/pagefind/shards").is_dir() == sharded
    server = PagesServer(project / "out", base_path, port=port)
    yield Site(project / "out", server, base_path, sharded)
    server.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def type_query(page: Any, query: str) -> list[Any]:
    """Focus the header's box, type like a reader, and return the hit links once they show."""
    page.focus(BOX)
    page.keyboard.type(query, delay=20)
    page.wait_for_function("""([selector, query]) => {
        const status = document.querySelector(".search-panel:not([hidden]) .search-status");
        return status && status.textContent.includes(query) && document.querySelector(selector);
    }""", arg=[HITS, query])
    return page.query_selector_all(HITS)


@pytest.mark.parametrize("lang, query, topic", QUERIES, ids=[q for _, q, _ in QUERIES])
def test_typing_lists_the_right_page_first(site: Site, page: Any, lang: str, query: str, topic: str) -> None:
    page.goto(site.url(f"{lang}/sources/"))
    hits = type_query(page, query)
    if site.sharded:  # two pages a shard: each shard weighs words by its own two pages, so only "among the hits"
        shown = [urlsplit(hit.get_attribute("href")).path for hit in hits]
        assert f"{site.base_path}{lang}/{topic}/" in shown, shown
        return
    first = hits[0]
    assert urlsplit(first.get_attribute("href")).path == f"{site.base_path}{lang}/{topic}/"
    assert first.inner_text() == site.title(lang, topic)  # the title in the page's language
    excerpt = page.inner_html(".search-panel .search-hits li:first-child .search-excerpt")
    assert "<mark>" in excerpt and "\u200b" not in excerpt
    assert all(urlsplit(hit.get_attribute("href")).path.startswith(f"{site.base_path}{lang}/") for hit in hits)


def test_a_hit_opens_its_page(site: Site, page: Any) -> None:
    page.goto(site.url("zh/"))
    hits = type_query(page, "伦理")
    href = hits[0].get_attribute("href")
    hits[0].click()
    page.wait_for_url(site.server.origin + href)
    response = page.context.request.get(page.url)
    assert response.status == 200
    slug = "plan/ethics" if not site.sharded else urlsplit(href).path[len(site.base_path) + len("zh/"):].strip("/")
    assert page.inner_text("h1") == site.title("zh", slug)  # sharded: the first hit may be another page


def test_search_loads_nothing_before_the_box_gets_focus(site: Site, page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site.url("en/plan/"), wait_until="networkidle")
    page.mouse.move(1000, 30)  # passing over the box is not using it
    page.wait_for_timeout(300)
    assert [url for url in requests if any(part in url for part in SEARCH_FILES)] == []
    with page.expect_request(lambda request: "/pagefind/pagefind.en_" in request.url):  # the English index
        page.focus(BOX)
    loaded = [urlsplit(url).path for url in requests if any(part in url for part in SEARCH_FILES)]
    assert f"{site.base_path}static/search.js" in loaded
    assert f"{site.base_path}pagefind/pagefind.js" in loaded
    assert any(path.startswith(f"{site.base_path}pagefind/pagefind.en_") for path in loaded), loaded
    assert not any("zh-cn" in path for path in loaded), loaded


def test_every_shard_of_the_page_language_is_merged_and_none_of_another(site: Site, page: Any) -> None:
    shards = json.loads((site.out / "pagefind/shards.json").read_text(encoding="utf-8"))
    assert (len(shards["zh-cn"]) >= 3) if site.sharded else shards == {"en": [], "zh-cn": []}, shards
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.on("console", lambda message: failed.append(message.text) if message.type == "error" else None)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page.goto(site.url("zh/"))
    hits = type_query(page, "人工智能")
    merged = {path for path in requests if path.endswith("/pagefind-entry.json")}
    assert merged == {f"{site.base_path}pagefind/{folder}pagefind-entry.json" for folder in ["", *shards["zh-cn"]]}
    assert not any("/shards/en/" in path for path in requests) and failed == []
    home = {}  # the URL of every indexed page -> the folder of the bundle that holds it
    for folder in ["", *shards["zh-cn"]]:
        for fragment in (site.out / "pagefind" / folder / "fragment").iterdir():
            data = gzip.decompress(fragment.read_bytes())
            home[json.loads(data[len(b"pagefind_dcd"):])["url"]] = folder
    paths = [urlsplit(hit.get_attribute("href")).path for hit in hits]
    assert all((site.out / path[len(site.base_path):] / "index.html").is_file() for path in paths), paths
    bundles = {home["/" + path[len(site.base_path):]] for path in paths}
    assert len(bundles) >= 2 if site.sharded else bundles == {""}  # sharded: hits from more than one bundle


def test_without_javascript_the_form_leads_to_a_list_of_every_page(site: Site, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url("zh/plan/"))
    page.fill(BOX, "算力")
    page.press(BOX, "Enter")
    page.wait_for_load_state()
    assert page.url == site.url("zh/search/") + "?q=" + quote("算力")
    listed = [unquote(urlsplit(a.get_attribute("href")).path) for a in page.query_selector_all(".page-index a")]
    built = sorted(f"{site.base_path}{p.parent.relative_to(site.out).as_posix()}/"
                   for p in (site.out / "zh").rglob("index.html") if "search" not in p.parts)
    assert sorted(listed) == built
    # says why there are no results, and what to do instead, in Chinese
    assert "需要启用脚本" in page.inner_text(".page-index") and "页内查找" in page.inner_text(".page-index")
    context.close()


def test_arrow_keys_walk_the_hits_and_escape_closes_them(site: Site, page: Any) -> None:
    page.goto(site.url("en/"))
    hits = type_query(page, "talent")
    focused = "document.activeElement.getAttribute('href')"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == hits[0].get_attribute("href")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == hits[1].get_attribute("href")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.press("Escape")
    assert page.is_hidden(".search-panel") and page.evaluate("document.activeElement.type") == "search"
    page.keyboard.press("ArrowDown")  # closed: the arrow does not reach into hidden hits
    assert page.evaluate("document.activeElement.type") == "search"


def test_enter_leads_to_the_search_page_with_every_hit(site: Site, page: Any) -> None:
    page.goto(site.url("en/"))
    type_query(page, "talent")
    page.press(BOX, "Enter")
    page.wait_for_url(site.url("en/search/") + "?q=talent")
    page.wait_for_selector("[data-search-results]:not([hidden]) .search-hits a")
    assert page.input_value("#search-page-q") == "talent"
    hits = page.query_selector_all("[data-search-results] .search-hits a")
    assert urlsplit(hits[0].get_attribute("href")).path == f"{site.base_path}en/plan/talent/"
    status = page.inner_text("[data-search-results] .search-status")
    assert str(len(hits)) in status and "talent" in status


def test_excerpts_show_figures_as_the_page_shows_them(site: Site, page: Any) -> None:
    for lang in ("zh", "en"):
        cards = BeautifulSoup((site.out / lang / "key-figures/index.html").read_text(encoding="utf-8"), "html.parser")
        card = cards.select_one(".card")
        label, value = card.select_one(".card-label").get_text(strip=True), card.select_one(".card-value").get_text()
        page.goto(site.url(f"{lang}/key-figures/"))
        type_query(page, f'"{label}"')  # in quotes: the exact phrase, so the excerpt is the card's
        excerpts = [e.inner_text() for e in page.query_selector_all(".search-panel .search-excerpt")]
        assert any(value.strip() in excerpt for excerpt in excerpts), (label, value, excerpts)
        page.fill(BOX, "")


# Words the browser's segmenter may not know (Debian's chromium splits 插件 into 插 and 件), while Pagefind's
# indexer (jieba) keeps them whole: the pages that use them must still be found, the one about them first.
UNKNOWN_WORDS = {
    "content/zh/plugins.md": "---\ntitle: 使用插件\n---\n插件可以扩展网站的功能。安装插件之前，请先阅读它的说明；"
                             "每个插件都有自己的配置。\n",
    "content/zh/server.md": "---\ntitle: 服务器设置\n---\n服务器上的中间件负责处理请求。把文件放进指定目录，"
                            "插入新的配置以后，需要重启服务器。\n",
    "content/zh/start.md": "---\ntitle: 入门\n---\n读完入门，再去了解插件和主题。\n",
}


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from conftest import tiny_files, write_project
    project = write_project(tmp_path_factory.mktemp("words") / "project", {**tiny_files(), **UNKNOWN_WORDS})
    port = free_port()
    result = run_build(project, "build", "--base-url", f"http://127.0.0.1:{port}/", "--out", "out")
    assert result.returncode == 0, result.stderr
    server = PagesServer(project / "out", "/", port=port)
    yield Site(project / "out", server, "/")
    server.close()


def test_chinese_words_the_browser_splits_still_find_their_pages(plugin_site: Site, page: Any) -> None:
    page.goto(plugin_site.url("zh/"))
    hits = [urlsplit(hit.get_attribute("href")).path for hit in type_query(page, "插件")]
    assert hits[:2] == ["/zh/plugins/", "/zh/start/"]  # the page about it first; both pages that use it
    assert "/zh/server/" not in hits  # 插入 and 中间件 share characters, not the word
    page.goto(plugin_site.url("zh/search/?q=" + quote("插件")))
    page.wait_for_selector("[data-search-results]:not([hidden]) .search-hits a")
    listed = [urlsplit(a.get_attribute("href")).path for a in page.query_selector_all("[data-search-results] a")]
    assert listed == ["/zh/plugins/", "/zh/start/"]
    assert "2" in page.inner_text("[data-search-results] .search-status")
