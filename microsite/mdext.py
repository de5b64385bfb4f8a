"""Markdown -> HTML for one page: fact references, charts, links between pages, heading ids."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode, unique
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

FACT_RE = r"\{\{fact:([A-Za-z0-9_]+)\}\}"
CHART_RE = re.compile(r"^\{\{chart:([A-Za-z0-9_]+)\}\}$")
EXTENSIONS = ("tables", "fenced_code", "toc", "attr_list")
EXTENSION_CONFIG = {"toc": {"slugify": slugify_unicode, "permalink": False, "toc_depth": "2-3"}}
# Part of every cache key: change it whenever rendering changes.
MARKDOWN_CONFIG = f"{markdown.__version__}|{EXTENSIONS}|toc:unicode,2-3|facts,charts,links:v2|fact-heading-ids|no-prettify"


_FENCED_RE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_CODE_SPAN_RE = re.compile(r"`[^`\n]*`")


def blank_code(text: str) -> str:
    """Return Markdown with fenced blocks and code spans blanked out, keeping every line where it was."""
    for pattern in (_FENCED_RE, _CODE_SPAN_RE):
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


@dataclass(frozen=True)
class FactView:
    """How a fact reference reads in one language."""

    text: str
    title: str
    href: str


@dataclass(frozen=True)
class PageContext:
    """What converting one page needs to know about the rest of the site."""

    lang: str
    rel: str  # path under content/<lang>/
    facts: dict[str, FactView]
    chart_html: Callable[[str], str | None]  # chart key -> <figure> HTML, None if unknown
    resolve: Callable[[str, str], str | None]  # (lang, slug) -> URL path of an existing page
    url: Callable[[str], str]  # site path -> URL under base_url's path
    langs: tuple[str, ...]


@dataclass
class Result:
    """What converting one page produced besides its HTML."""

    toc: list = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)  # "fact:key" and "chart:key"
    links: set[tuple[str, str, str]] = field(default_factory=set)  # (lang, slug, fragment)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (kind, text as written)


def resolve_link(href: str, ctx: PageContext) -> tuple[str, str, str] | str:
    """Return (lang, slug, fragment) of a relative link to a Markdown file, or an error message."""
    parts = urlsplit(href)
    base = posixpath.dirname(f"{ctx.lang}/{ctx.rel}")
    target = posixpath.normpath(posixpath.join(base, parts.path))
    lang, _, rel = target.partition("/")
    if target.startswith("../") or lang not in ctx.langs or not rel.endswith(".md"):
        return "link points outside the content folders"
    stem = rel[:-3]
    slug = "" if stem == "index" else stem[: -len("/index")] if stem.endswith("/index") else stem
    return lang, slug, parts.fragment


class _FactPattern(InlineProcessor):
    def __init__(self, ext: "SiteExtension") -> None:
        super().__init__(FACT_RE)
        self.ext = ext

    def handleMatch(self, m: re.Match, data: str) -> tuple[etree.Element | str, int, int]:  # noqa: N802
        key = m.group(1)
        view = self.ext.ctx.facts.get(key)
        if view is None:
            self.ext.result.unknown.append(("fact", key))
            return m.group(0), m.start(0), m.end(0)
        self.ext.result.refs.add("fact:" + key)
        el = etree.Element("a", {"class": "fact", "href": view.href, "title": view.title})
        el.text = view.text
        self.ext.fact_keys[el] = key
        return el, m.start(0), m.end(0)


class _ChartBlock(BlockProcessor):
    def __init__(self, parser: markdown.blockparser.BlockParser, ext: "SiteExtension") -> None:
        super().__init__(parser)
        self.ext = ext

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(CHART_RE.match(block.strip()))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        key = CHART_RE.match(blocks.pop(0).strip()).group(1)  # type: ignore[union-attr]
        html = self.ext.ctx.chart_html(key)
        if html is None:
            self.ext.result.unknown.append(("chart", key))
            return
        self.ext.result.refs.add("chart:" + key)
        para = etree.SubElement(parent, "p")
        para.text = self.parser.md.htmlStash.store(html)


class _Links(Treeprocessor):
    """Rewrite links to .md files into page URLs and root-relative links under base_url's path."""

    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        ctx, result = self.ext.ctx, self.ext.result
        for outer in root.iter("a"):  # a fact inside link text: keep its tooltip, drop the nested link
            for inner in outer.iter("a"):
                if inner is not outer and inner.get("class") == "fact":
                    inner.tag = "span"
                    del inner.attrib["href"]
        for el in root.iter():
            attr = "href" if el.tag == "a" else "src" if el.tag == "img" else None
            href = el.get(attr) if attr else None
            if not href or el.get("class") == "fact":
                continue
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "#")):
                continue
            if href.startswith("/"):
                el.set(attr, ctx.url(href))
                continue
            if not parts.path.endswith(".md"):
                result.unknown.append(("relative", href))
                continue
            target = resolve_link(href, ctx)
            if isinstance(target, str):
                result.unknown.append(("outside", href))
                continue
            lang, slug, fragment = target
            url_path = ctx.resolve(lang, slug)
            if url_path is None:
                result.unknown.append(("page", href))
                continue
            result.links.add(target)
            el.set(attr, ctx.url(url_path) + (f"#{fragment}" if fragment else ""))


class _FactHeadingIds(Treeprocessor):
    """Give a heading that shows a fact an id made from the fact's key, not its value.

    `## {{fact:ai_companies}} companies` gets `id="ai_companies-companies"`, so links to it keep
    working when the figure is updated. Runs after attr_list (an explicit {#id} wins) and before toc.
    """

    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        keys = self.ext.fact_keys
        if not keys:
            return
        used = {el.get("id") for el in root.iter() if el.get("id")}
        for el in root.iter():
            if el.tag in _HEADINGS and "id" not in el.attrib and any(inner in keys for inner in el.iter()):
                el.set("id", unique(slugify_unicode(_text_with_fact_keys(el, keys), "-"), used))


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _text_with_fact_keys(el: etree.Element, keys: dict[etree.Element, str]) -> str:
    """Return an element's text with each fact reference replaced by its key."""
    parts = [el.text or ""]
    for child in el:
        parts.append(f" {keys[child]} " if child in keys else _text_with_fact_keys(child, keys))
        parts.append(child.tail or "")
    return "".join(parts)


class _CollectIds(Treeprocessor):
    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        self.ext.result.ids.update(el.get("id") for el in root.iter() if el.get("id"))


class SiteExtension(Extension):
    """Fact references, chart blocks, page links and id collection, set up per page with begin()."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx: PageContext
        self.result = Result()
        self.fact_keys: dict[etree.Element, str] = {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_FactPattern(self), "site_fact", 175)
        md.parser.blockprocessors.register(_ChartBlock(md.parser, self), "site_chart", 105)
        md.treeprocessors.register(_Links(md, self), "site_links", 15)
        md.treeprocessors.register(_FactHeadingIds(md, self), "site_fact_heading_ids", 7)  # attr_list 8, toc 5
        md.treeprocessors.register(_CollectIds(md, self), "site_ids", 1)

    def begin(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.result = Result()
        self.fact_keys: dict[etree.Element, str] = {}  # the elements the fact pattern made, this page


class Converter:
    """One reusable Markdown instance (reset between pages), as each worker process keeps one."""

    def __init__(self) -> None:
        self.ext = SiteExtension()
        self.md = markdown.Markdown(extensions=[*EXTENSIONS, self.ext], extension_configs=EXTENSION_CONFIG,
                                    output_format="html")
        # Prettifying only adds newlines between elements, and costs about 7% of every conversion.
        self.md.treeprocessors.deregister("prettify")

    def convert(self, body: str, ctx: PageContext) -> tuple[str, Result]:
        """Return the HTML of a Markdown body and what it referenced."""
        self.md.reset()
        self.ext.begin(ctx)
        html = self.md.convert(body)
        result = self.ext.result
        result.toc = getattr(self.md, "toc_tokens", [])
        return html, result
