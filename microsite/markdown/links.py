"""Links between pages: .md targets become page URLs; site-absolute links get base_url's path."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from .context import PageContext

if TYPE_CHECKING:
    from .extension import SiteExtension


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


class Links(Treeprocessor):
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
            attr = "href" if el.tag == "a" else None  # images: see images.py
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
