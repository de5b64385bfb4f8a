"""Bilingual invariants of a built site, page by page: html lang, switcher, hreflang, canonical, sitemap, 404, root.

Each check runs over the real content and over tiny projects (one at the domain root, one under a
GitHub Pages project path), and derives what it expects from content/ and site.yaml, not from the output.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import PagesServer, run_build, snapshot, write_project, tiny_files
from microsite.config import SiteConfig, load_config

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
PROJECT_BASE = "https://example.org/beijing-ai/"


def slug_of(rel: str) -> str:
    """Return the slug of a page file under content/<lang>/: 'about/index.md' -> 'about', 'index.md' -> ''."""
    stem = rel.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index")


def url_path(lang: str, slug: str) -> str:
    """Return the URL path of a page under the site root: 'zh/about/', 'en/'."""
    return f"{lang}/{slug}/" if slug else f"{lang}/"


@dataclass
class Built:
    """A built site and what its sources say it should contain."""

    project: Path
    out: Path
    config: SiteConfig

    @cached_property
    def slugs(self) -> dict[str, set[str]]:
        """Return the slugs each language has a Markdown file for."""
        found: dict[str, set[str]] = {}
        for code in self.config.codes:
            folder = self.project / "content" / code
            found[code] = {slug_of(p.relative_to(folder).as_posix()) for p in folder.rglob("*.md")}
        return found

    @cached_property
    def all_slugs(self) -> set[str]:
        return set().union(*self.slugs.values())

    @cached_property
    def real_paths(self) -> set[str]:
        """Return the URL paths of pages written in Markdown."""
        return {url_path(code, slug) for code, slugs in self.slugs.items() for slug in slugs}

    @cached_property
    def stub_paths(self) -> set[str]:
        """Return the URL paths where a 'not translated yet' page belongs."""
        return {url_path(code, slug) for code in self.config.codes for slug in self.all_slugs} - self.real_paths

    @cached_property
    def search_paths(self) -> set[str]:
        """Return the URL paths of the search pages (noindex, made by the generator)."""
        return {url_path(code, "search") for code in self.config.codes}

    @cached_property
    def pages(self) -> dict[str, BeautifulSoup]:
        """Return every HTML page under a language folder, by URL path."""
        pages = {}
        for code in self.config.codes:
            for path in sorted((self.out / code).rglob("index.html")):
                rel = path.relative_to(self.out).as_posix()
                pages[rel.removesuffix("index.html")] = self.soup(rel)
        return pages

    @cached_property
    def strings(self) -> dict[str, dict[str, str]]:
        return {code: yaml.safe_load((self.project / f"content/strings/{code}.yaml").read_text(encoding="utf-8"))
                for code in self.config.codes}

    def soup(self, rel: str) -> BeautifulSoup:
        """Return an output file parsed as HTML."""
        return BeautifulSoup((self.out / rel).read_text(encoding="utf-8"), "html.parser")

    def lang_of(self, path: str) -> str:
        return path.split("/", 1)[0]

    def absolute(self, path: str) -> str:
        return self.config.base_url + path

    def target(self, href: str) -> str | None:
        """Return the output URL path a site link points at ('' is the root), or None when it leaves the site."""
        for prefix in (self.config.base_url, self.config.base_path):
            if href.startswith(prefix):
                return href[len(prefix):]
        return None

    def exists(self, path: str) -> bool:
        """Return whether the output has a file for a URL path."""
        return (self.out / (path + "index.html" if path == "" or path.endswith("/") else path)).is_file()

    def expected_alternates(self, slug: str) -> dict[str, str]:
        """Return hreflang -> absolute URL for a slug: each existing translation plus x-default, if there are two."""
        alternates = {self.config.language(code).html_lang: self.absolute(url_path(code, slug))
                      for code in self.config.codes if slug in self.slugs[code]}
        if len(alternates) < 2:
            return {}
        default = self.config.default_lang
        alternates["x-default"] = self.absolute("" if slug == "" else url_path(default, slug))
        return alternates


def alternates_of(soup: BeautifulSoup) -> dict[str, str]:
    """Return hreflang -> href of a page's <link rel=alternate hreflang>, failing on duplicates."""
    links = soup.select("head link[rel~=alternate][hreflang]")
    found = {link["hreflang"]: link["href"] for link in links}
    assert len(found) == len(links), f"duplicate hreflang in {links}"
    return found


def is_noindex(soup: BeautifulSoup) -> bool:
    meta = soup.select_one('head meta[name="robots"]')
    return meta is not None and "noindex" in meta.get("content", "")


def sitemap_entries(built: Built) -> dict[str, dict[str, str]]:
    """Return loc -> {hreflang: href} of sitemap.xml, failing on duplicate locs."""
    tree = ET.parse(built.out / "sitemap.xml")
    entries: dict[str, dict[str, str]] = {}
    for url in tree.getroot().findall("s:url", SITEMAP_NS):
        loc = url.findtext("s:loc", namespaces=SITEMAP_NS)
        assert loc not in entries, f"{loc} is listed twice"
        links = url.findall("x:link", SITEMAP_NS)
        entries[loc] = {link.get("hreflang"): link.get("href") for link in links if link.get("rel") == "alternate"}
        assert len(entries[loc]) == len(links), f"odd or duplicate xhtml:link in {loc}"
    return entries


def build_tiny(root: Path, *args: str) -> Path:
    """Write and build the tiny project; return its project folder."""
    project = write_project(root, tiny_files())
    result = run_build(project, "build", "--out", "out", *args)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny(tmp_path_factory.mktemp("tiny") / "project") / "out"


@pytest.fixture(scope="module")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the tiny project built for a GitHub Pages project site, under /beijing-ai/."""
    return build_tiny(tmp_path_factory.mktemp("tiny-project") / "project", "--base-url", PROJECT_BASE) / "out"


@pytest.fixture(params=["real", "tiny", "project-site"])
def built(request: pytest.FixtureRequest) -> Built:
    """Return each built site in turn: the real content, the tiny project, the tiny project under a path."""
    out = request.getfixturevalue({"real": "real_site", "tiny": "tiny_site", "project-site": "project_site"}[request.param])
    base_url = PROJECT_BASE if request.param == "project-site" else None
    return Built(out.parent, out, load_config(out.parent, base_url))


def problems_per_page(built: Built, check: Callable[[str, BeautifulSoup], list[str]]) -> list[str]:
    """Run a check on every page; return its problems prefixed with the page's URL path."""
    return [f"/{path}: {problem}" for path, soup in built.pages.items() for problem in check(path, soup)]


# -- pages ----------------------------------------------------------------------------------------


def test_the_output_has_every_page_and_every_missing_translation(built: Built) -> None:
    assert built.real_paths, "no pages found in content/"
    assert set(built.pages) == built.real_paths | built.stub_paths | built.search_paths


def test_html_lang_is_the_page_language_from_site_yaml(built: Built) -> None:
    def check(path: str, soup: BeautifulSoup) -> list[str]:
        want = built.config.language(built.lang_of(path)).html_lang
        got = soup.html.get("lang")
        return [] if got == want else [f"<html lang={got!r}>, expected {want!r}"]

    assert problems_per_page(built, check) == []


def test_the_switcher_goes_to_the_same_page_in_the_other_language(built: Built) -> None:
    def check(path: str, soup: BeautifulSoup) -> list[str]:
        lang = built.lang_of(path)
        links = soup.select("nav.lang-switch a[hreflang]")
        others = [l for l in built.config.languages if l.code != lang]
        if len(links) != len(others):
            return [f"switcher has {len(links)} links, expected {len(others)}"]
        problems = []
        for other, link in zip(others, links):
            want = url_path(other.code, path.split("/", 1)[1].rstrip("/"))
            attrs = (built.target(link["href"]), link.get("hreflang"), link.get("lang"), link.get_text(strip=True))
            if attrs != (want, other.html_lang, other.html_lang, other.name):
                problems.append(f"switcher link {attrs}, expected {(want, other.html_lang, other.html_lang, other.name)}")
            elif not built.exists(want):
                problems.append(f"switcher goes to /{want}, which was not built")
            elif not any(built.target(a["href"]) == path for a in built.pages[want].select("nav.lang-switch a")):
                problems.append(f"the switcher of /{want} does not come back here")
        return problems

    assert problems_per_page(built, check) == []


def test_language_names_are_written_in_their_own_script(built: Built) -> None:
    assert {l.code: l.name for l in built.config.languages} == {"en": "English", "zh": "中文"}
    switch_texts = {built.lang_of(path): {a.get_text(strip=True) for a in soup.select("nav.lang-switch a")}
                    for path, soup in built.pages.items()}
    assert switch_texts == {"en": {"中文"}, "zh": {"English"}}


def test_alternates_are_every_translation_plus_x_default_absolute_and_reciprocal(built: Built) -> None:
    def check(path: str, soup: BeautifulSoup) -> list[str]:
        slug = path.split("/", 1)[1].rstrip("/")
        got = alternates_of(soup)
        problems = [] if got == built.expected_alternates(slug) else [f"alternates {got}"]
        for hreflang, href in got.items():
            target = built.target(href)
            if not href.startswith(built.config.base_url) or target is None or not built.exists(target):
                problems.append(f"alternate {hreflang} {href} is not an absolute URL of a built page")
            elif hreflang != "x-default" and alternates_of(built.pages[target]) != got:
                problems.append(f"alternate {hreflang} {href} lists other alternates")
        return problems

    assert problems_per_page(built, check) == []


def test_home_pages_name_the_root_chooser_as_x_default(built: Built) -> None:
    homes = [built.pages[url_path(code, "")] for code in built.config.codes]
    assert [alternates_of(home)["x-default"] for home in homes] == [built.config.base_url] * len(homes)


def test_canonical_is_the_page_itself_and_absent_on_noindex_pages(built: Built) -> None:
    def check(path: str, soup: BeautifulSoup) -> list[str]:
        canonicals = [link["href"] for link in soup.select("link[rel~=canonical]")]
        if path in built.stub_paths | built.search_paths:
            return [] if is_noindex(soup) and canonicals == [] else [f"noindex page: canonical {canonicals}"]
        if is_noindex(soup):
            return ["a translated page is marked noindex"]
        return [] if canonicals == [built.absolute(path)] else [f"canonical {canonicals}"]

    assert problems_per_page(built, check) == []


def test_one_language_tag_per_language_everywhere(built: Built) -> None:
    allowed = {l.html_lang for l in built.config.languages} | {"x-default"}
    files = ["index.html", "404.html", *(p + "index.html" for p in built.pages)]
    used = set()
    for rel in files:
        soup = built.soup(rel)
        used.add(soup.html["lang"])
        used.update(el["hreflang"] for el in soup.select("[hreflang]"))
        used.update(el["lang"] for el in soup.select("[hreflang][lang]"))
    used.update(h for entry in sitemap_entries(built).values() for h in entry)
    assert used == allowed
    assert "zh-CN" in used


def test_ui_strings_come_from_the_page_language(built: Built) -> None:
    def check(path: str, soup: BeautifulSoup) -> list[str]:
        strings = built.strings[built.lang_of(path)]
        skip = soup.select_one('a[href="#main"]')
        problems = [] if skip and skip.get_text(strip=True) == strings["skip_to_content"] else [f"skip link {skip}"]
        footer = soup.select_one("footer")
        if footer is None or strings["footer_about"] not in footer.get_text(" ", strip=True):
            problems.append("footer is not in the page's language")
        return problems

    assert problems_per_page(built, check) == []


# -- sitemap and robots.txt -----------------------------------------------------------------------


def test_sitemap_lists_every_translated_page_and_no_untranslated_one(built: Built) -> None:
    listed = set(sitemap_entries(built)) - {built.config.base_url}  # the root chooser may be listed too
    assert listed == {built.absolute(path) for path in built.real_paths}


def test_sitemap_alternates_match_exactly_the_translations_that_exist(built: Built) -> None:
    entries = sitemap_entries(built)
    for path in sorted(built.real_paths):
        slug = path.split("/", 1)[1].rstrip("/")
        assert (path, entries[built.absolute(path)]) == (path, built.expected_alternates(slug))
        assert (path, entries[built.absolute(path)]) == (path, alternates_of(built.pages[path]))


def test_robots_txt_names_the_sitemap_by_its_absolute_url(built: Built) -> None:
    lines = (built.out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {built.config.base_url}sitemap.xml" in lines
    assert "Disallow: /" not in lines


# -- 404 and the root -----------------------------------------------------------------------------


def test_404_offers_both_languages_with_links_that_work_at_any_depth(built: Built) -> None:
    soup = built.soup("404.html")
    assert is_noindex(soup)
    for language in built.config.languages:
        links = [a for a in soup.select(f'main a[hreflang="{language.html_lang}"]')
                 if built.target(a["href"]) == url_path(language.code, "")]
        assert links, f"404.html has no link to the {language.code} home page"
        assert built.strings[language.code]["not_found_title"] in soup.get_text()
    relative = [el.get("href") or el.get("src") for el in soup.select("[href], [src]")
                if not (el.get("href") or el.get("src")).startswith((built.config.base_path, "http", "#"))]
    assert relative == [], "relative links break when GitHub Pages serves 404.html for a deep path"


def test_root_is_a_real_page_with_both_languages_as_plain_links(built: Built) -> None:
    soup = built.soup("index.html")
    assert soup.title.get_text(strip=True)
    assert soup.select_one('meta[name="description"]')["content"].strip()
    assert soup.select('meta[http-equiv="refresh" i]') == []
    assert [link["href"] for link in soup.select("link[rel~=canonical]")] == [built.config.base_url]
    assert alternates_of(soup) == built.expected_alternates("")
    for script in soup.select("script, noscript"):
        script.decompose()
    text = soup.body.get_text(" ", strip=True)
    for language in built.config.languages:
        assert built.strings[language.code]["root_title"] in text
        links = soup.select(f'a[hreflang="{language.html_lang}"][data-lang="{language.code}"]')
        assert [(built.target(a["href"]), a.get_text(strip=True)) for a in links] == [
            (url_path(language.code, ""), language.name)]


def test_404_is_served_at_any_depth_of_a_project_site_with_working_links(project_site: Path) -> None:
    server = PagesServer(project_site, "/beijing-ai/")
    try:
        missing = server.url + "en/no/such/page/"
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(missing)
        assert caught.value.code == 404
        soup = BeautifulSoup(caught.value.read().decode("utf-8"), "html.parser")
        hrefs = {a["hreflang"]: a["href"] for a in soup.select("main a[hreflang]")}
        assert hrefs == {"en": "/beijing-ai/en/", "zh-CN": "/beijing-ai/zh/"}
        stylesheet = soup.select_one("link[rel=stylesheet]")["href"]
        for href in [*hrefs.values(), stylesheet]:
            with urllib.request.urlopen(urllib.parse.urljoin(missing, href)) as response:
                assert response.status == 200
    finally:
        server.close()


# -- UI strings and dates -------------------------------------------------------------------------


def strings_without(text: str, key: str) -> str:
    """Return a strings file's text without one key's line."""
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith(f"{key}:")]
    assert len(lines) == len(text.splitlines()) - 1, f"{key} is not a one-line string"
    return "".join(lines)


@pytest.mark.parametrize("broken, where, message", [
    ("zh", "remove", "content/strings/zh.yaml: missing string 'skip_to_content' in language 'zh' "
                     "(present in content/strings/en.yaml)"),
    ("en", "remove", "content/strings/en.yaml: missing string 'skip_to_content' in language 'en' "
                     "(present in content/strings/zh.yaml)"),
    ("zh", "add", "content/strings/en.yaml: missing string 'only_here' in language 'en' "
                  "(present in content/strings/zh.yaml)"),
])
def test_a_string_missing_in_one_language_fails_the_build(make_project: Callable[..., Path], broken: str,
                                                         where: str, message: str) -> None:
    project = make_project()
    assert run_build(project, "build", "--out", "out").returncode == 0
    before = snapshot(project / "out")
    path = project / f"content/strings/{broken}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(strings_without(text, "skip_to_content") if where == "remove" else text + "only_here: 仅此\n",
                    encoding="utf-8")
    result = run_build(project, "build", "--out", "out")
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"{message}\nfailed: 1 error; out/ left unchanged\n")
    assert snapshot(project / "out") == before


def test_dates_and_data_dates_are_written_the_way_each_language_writes_them(make_project: Callable[..., Path]) -> None:
    files = tiny_files()
    for lang in ("en", "zh"):
        rel = f"content/{lang}/about/index.md"
        files[rel] = files[rel].replace("---\ntitle:", "---\ndate: 2023-02-14\ntitle:", 1)
    project = make_project(files)
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    built = Built(project, project / "out", load_config(project))
    en, zh = built.pages["en/about/"], built.pages["zh/about/"]
    assert "February 14, 2023" in en.select_one("main").get_text()
    assert "2023年2月14日" in zh.select_one("main").get_text()
    assert "Data as of October 2022" in en.select_one("footer").get_text(" ", strip=True)
    assert "数据截至2022年10月" in zh.select_one("footer").get_text(" ", strip=True)
