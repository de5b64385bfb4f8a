"""Unit tests of the pure functions each pipeline stage is made of: strings in, values out."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TINY_SITE_YAML
from microsite.config import normalize_base_url, parse_config
from microsite.content import check_page_path, parse_page, split_front_matter
from microsite.errors import BuildError, BuildFailed
from microsite.markdown import Converter, FactView, PageContext, resolve_link
from microsite.model import Site, body_stamp
from microsite.nav import build_nav
from microsite.scaffold import restamp
from microsite.write import safe_output_path
from microsite.yamlio import parse_yaml


def errors_of(call, *args) -> list[str]:
    with pytest.raises(BuildFailed) as info:
        call(*args)
    return [str(e) for e in info.value.errors]


# -- errors and YAML --------------------------------------------------------------------------------

def test_build_error_formats_with_and_without_a_line():
    assert str(BuildError("content/en/a.md", 3, "bad")) == "content/en/a.md:3: bad"
    assert str(BuildError("site.yaml", None, "bad")) == "site.yaml: bad"


def test_yaml_lines_are_one_based_and_shifted_for_front_matter():
    data, errors = parse_yaml("a: 1\nb:\n  c: 2\n", "x.yaml", first_line=2)
    assert errors == [] and data.line_of("a") == 2 and data["b"].line_of("c") == 4


def test_yaml_duplicate_keys_are_errors():
    _, errors = parse_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert [str(e) for e in errors] == ["x.yaml:3: duplicate key 'a'"]


# -- site.yaml --------------------------------------------------------------------------------------

def test_config_reads_languages_and_the_base_path():
    config = parse_config(TINY_SITE_YAML, "site.yaml", Path("."), "https://user.github.io/repo")
    assert config.codes == ("en", "zh") and config.language("zh").html_lang == "zh-CN"
    assert config.base_url == "https://user.github.io/repo/" and config.base_path == "/repo/"
    assert config.url("en/plan/") == "/repo/en/plan/"
    assert config.absolute_url("sitemap.xml") == "https://user.github.io/repo/sitemap.xml"


@pytest.mark.parametrize("value, expected", [
    ("https://example.org", "https://example.org/"), ("http://127.0.0.1:8000/x/", "http://127.0.0.1:8000/x/"),
    ("example.org/", None), ("/repo/", None), ("ftp://example.org/", None), ("https://example.org/?a=1", None),
])
def test_base_url_must_be_absolute_http(value, expected):
    assert normalize_base_url(value) == expected


def test_config_errors_name_their_line():
    text = TINY_SITE_YAML.replace("default_language: en", "default_language: fr")
    assert errors_of(parse_config, text, "site.yaml", Path(".")) == [
        "site.yaml:2: default_language 'fr' is not one of the languages"]
    text = TINY_SITE_YAML.replace("title: {en: Tiny site, zh: 小站}", "title: {en: Tiny site}")
    assert errors_of(parse_config, text, "site.yaml", Path(".")) == ["site.yaml:6: title: missing language 'zh'"]
    assert errors_of(parse_config, TINY_SITE_YAML, "site.yaml", Path("."), "not a url") == [
        "--base-url: base_url must be an absolute http(s) URL ending in a path, e.g. https://user.github.io/repo/"]


# -- pages ------------------------------------------------------------------------------------------

def test_front_matter_is_split_from_the_body_with_its_line():
    head, body, line = split_front_matter("---\ntitle: A\n---\n\nText\n", "a.md")
    assert (head, body, line) == ("title: A", "\nText\n", 4)
    assert split_front_matter("# A\n\nText\n", "a.md") == ("", "# A\n\nText\n", 1)  # front matter is optional
    assert errors_of(split_front_matter, "---\ntitle: A\n", "a.md") == ["a.md:1: front matter: no closing '---' line"]


def test_page_urls_follow_the_file_path():
    def page(rel: str):
        return parse_page("---\ntitle: T\n---\n", f"content/zh/{rel}", "zh", rel)
    assert page("index.md").url_path == "zh/" and page("index.md").slug == ""
    assert page("plan/index.md").url_path == "zh/plan/" and page("plan/index.md").is_folder_page
    assert page("plan/README.md").url_path == "zh/plan/" and page("README.md").slug == ""
    assert page("plan/talent.md").out_path == "zh/plan/talent/index.html"
    assert not page("plan/talent.md").is_folder_page and page("plan/readme-first.md").slug == "plan/readme-first"


def test_front_matter_values_are_typed_and_checked():
    page = parse_page("---\ntitle: ' Hi '\ndate: 2023-02-14\nweight: 3\n---\nBody\n", "a.md", "en", "a.md")
    assert (page.title, page.date.isoformat(), page.weight, page.template) == ("Hi", "2023-02-14", 3, "page.html")
    assert errors_of(parse_page, "---\ntitle: Hi\ndate: soon\nweight: 1.5\n---\n", "a.md", "en", "a.md") == [
        "a.md:3: front matter: 'date' must be a date like 2023-02-14, got 'soon'",
        "a.md:4: front matter: 'weight' must be a whole number, got 1.5"]


@pytest.mark.parametrize("rel", ["a\\..\\b.md", "x/./y.md", "../x.md", "a//b.md"])
def test_page_paths_that_would_escape_are_refused(rel):
    assert check_page_path(rel, "s") == BuildError("s", None, "page path would escape the output folder; rename the file")


@pytest.mark.parametrize("rel, ok", [("en/index.html", True), ("static/a b.css", True), ("../x", False),
                                     ("/etc/passwd", False), ("en/../../x", False), ("a\\b", False), ("", False)])
def test_output_paths_stay_inside(rel, ok):
    assert (safe_output_path(rel) is not None) == ok


def test_translation_stamps_ignore_trailing_spaces_and_blank_lines():
    assert body_stamp("Hello\nworld\n") == body_stamp("\n\nHello   \nworld\n\n\n")
    assert body_stamp("Hello\nworld\n") != body_stamp("Hello\nWorld\n")


def test_restamp_changes_only_the_stamp_line():
    text = "---\ntitle: A\ntranslation_of: old\n---\nBody\n"
    assert restamp(text, "new") == "---\ntitle: A\ntranslation_of: new\n---\nBody\n"
    assert restamp("---\r\ntitle: A\r\n---\r\nB\r\n", "s") == "---\r\ntitle: A\r\ntranslation_of: s\r\n---\r\nB\r\n"


# -- navigation -------------------------------------------------------------------------------------

def test_nav_orders_by_weight_then_title_with_sections():
    def page(rel: str, title: str, weight: int = 0):
        return parse_page(f"---\ntitle: {title}\nweight: {weight}\n---\n", rel, "en", rel)
    pages = [page("index.md", "Home"), page("b.md", "Beta", 5), page("a.md", "Alpha", 5),
             page("plan/index.md", "Plan", 1), page("plan/z.md", "Zed", 1), page("plan/y.md", "Why", 2)]
    config = parse_config(TINY_SITE_YAML, "site.yaml", Path("."))
    nav = build_nav(Site(config, tuple(sorted(pages, key=lambda p: p.slug)), None, {}, {}), "en")
    assert [item.title for item in nav.top] == ["Home", "Plan", "Alpha", "Beta"]
    assert [item.title for item in nav.item("plan").children] == ["Zed", "Why"]
    assert nav.sidebar("plan/y")[0].title == "Plan" and nav.sidebar("a")[0] is None


# -- Markdown ---------------------------------------------------------------------------------------

def context(rel: str = "plan/index.md", lang: str = "en") -> PageContext:
    existing = {("en", "plan/talent"), ("zh", "plan/talent"), ("en", ""), ("zh", "")}
    return PageContext(lang, rel, {"firms": FactView("1,048", "Source: Survey, October 2022", "/r/en/figures/#fact-firms")},
                       lambda key: "<figure>chart</figure>" if key == "shares" else None,
                       lambda lang, slug: f"{lang}/{slug}/".replace("//", "/") if (lang, slug) in existing else None,
                       lambda path: "/r/" + path.lstrip("/"), ("en", "zh"), file_exists=lambda path: path == "static/a.css")


@pytest.mark.parametrize("href, expected", [
    ("talent.md", ("page", "en", "plan/talent", "", True)), ("talent.md#人才", ("page", "en", "plan/talent", "人才", True)),
    ("../index.md", ("page", "en", "", "", True)), ("../../zh/plan/talent.md", ("page", "zh", "plan/talent", "", True)),
    ("./talent", ("page", "en", "plan/talent", "", True)), ("talent/", ("page", "en", "plan/talent", "", True)),
    ("../", ("page", "en", "", "", True)), ("/plan/talent/", ("page", "en", "plan/talent", "", True)),
    ("/zh/plan/talent/#x", ("page", "zh", "plan/talent", "x", True)), ("#top", ("page", "en", "plan", "top", True)),
    ("talnt.md", ("page", "en", "plan/talnt", "", False)), ("/static/no.css", ("file", "en", "static/no.css", "", False)),
    ("../../../x.md", ("outside", "en", "../x.md", "", False)),
])
def test_links_resolve_to_pages_in_every_form(href, expected):
    target, found = resolve_link(href, context())
    assert (target.kind, target.lang, target.path, target.fragment, found) == expected
    assert resolve_link("https://example.org/", context()) is None and resolve_link("mailto:a@b.c", context()) is None


def test_a_link_written_relative_to_the_pages_url_is_understood_too():
    target, found = resolve_link("../../#x", context("plan/talent.md"))  # from /en/plan/talent/, as Hugo reads it
    assert (target.kind, target.lang, target.path, target.fragment, found) == ("page", "en", "", "x", True)
    target, found = resolve_link("../../", context("plan/index.md"))  # an index page's folder is its URL: no second try
    assert (target.kind, found) == ("outside", False)


def test_markdown_renders_facts_links_charts_and_heading_ids():
    html, result = Converter().convert(
        "## 人才 {#talent}\n\nWe count {{fact:firms}} firms; `{{fact:firms}}` stays code. "
        "[Talent](talent.md#x), [home](../index.md), [css](/static/a.css), [web](https://example.org/).\n\n"
        "{{chart:shares}}\n\n## 北京的 AI\n", context())
    assert '<a class="fact" href="/r/en/figures/#fact-firms" title="Source: Survey, October 2022">1,048</a>' in html
    assert "<code>{{fact:firms}}</code>" in html
    assert '<a href="/r/en/plan/talent/#x">Talent</a>' in html and '<a href="/r/en/">home</a>' in html
    assert '<a href="/r/static/a.css">css</a>' in html and '<a href="https://example.org/">web</a>' in html
    assert "<figure>chart</figure>" in html and '<h2 id="北京的-ai">北京的 AI</h2>' in html
    assert result.refs == {"fact:firms", "chart:shares"} and result.unknown == []
    assert result.ids == {"talent", "北京的-ai"}
    assert result.links == {("en", "plan/talent", "x", "talent.md#x"), ("en", "", "", "../index.md")}


def test_unknown_references_are_collected_not_rendered_silently():
    html, result = Converter().convert("{{fact:nope}} [a](missing.md) [b](img.png)\n\n{{chart:nope}}\n", context())
    assert sorted(result.unknown) == [("chart", "nope"), ("fact", "nope")]
    assert sorted(result.broken) == [("file", "img.png", "en", "en/plan/img.png"), ("page", "missing.md", "en", "plan/missing")]


def test_the_converter_is_reused_between_pages():
    converter = Converter()
    converter.convert("## Same\n\n## Same\n", context())
    html, result = converter.convert("## Same\n", context())
    assert result.ids == {"same"}, "heading ids must not carry over from the previous page"
