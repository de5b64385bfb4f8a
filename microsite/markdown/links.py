"""Links as editors write them, resolved to pages and files, rewritten to URLs, and every one checked.

Forms understood, for a page content/<lang>/guide/install.md:
- relative to the file, as GitHub, MkDocs and VitePress read them: `configure.md`, `./configure`,
  `configure.html`, `../reference/` (a folder: its index.md, README.md or generated listing),
  `../reference/README.md`, `../../zh/guide/install.md` (another language);
- site-absolute: `/en/guide/configure/`, or without the language prefix (`/guide/configure`),
  which means the page's own language; `/static/...`, `/data/...` and other published files;
- `#anchor` on the same page; files beside pages (`diagram.pdf`, `../../assets/map.svg`).
What does not resolve is recorded in Result.broken, with its best guess, for check.py to report.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from .context import PageContext

if TYPE_CHECKING:
    from .extension import SiteExtension

PAGE_SUFFIXES = (".md", ".html")
SHARED_ASSETS = "assets"


@dataclass(frozen=True)
class Target:
    """Where a link leads: a page (lang, slug) or a published file (path under the site root)."""

    kind: str  # "page", "file"; for broken links: "page", "file" or "outside"
    lang: str = ""
    path: str = ""  # the slug of a page, the site path of a file (for broken ones: the best guess)
    fragment: str = ""


def page_slug(path: str) -> str:
    """Return the slug a path under a language folder names: 'a/b.md', 'a/b', 'a/b/', 'a/b/README.md' -> 'a/b'."""
    path = path.strip("/")
    for suffix in PAGE_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    folder, _, name = path.rpartition("/")
    return folder if name == "index" or name.casefold() == "readme" else path


def _looks_like_page(path: str) -> bool:
    name = path.rstrip("/").rpartition("/")[2]
    return path.endswith("/") or "." not in name or name.endswith(PAGE_SUFFIXES)


def resolve_link(href: str, ctx: PageContext) -> tuple[Target, bool] | None:
    """Return where a link leads and whether it exists; None for links to other sites (and mailto: etc.)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    path, fragment = unquote(parts.path), parts.fragment
    if not path:  # '#anchor' on this page
        return Target("page", ctx.lang, ctx.slug, fragment), True
    if path.startswith("/"):
        return _resolve_absolute(path, fragment, ctx)
    found = _resolve_relative(path, fragment, posixpath.dirname(f"{ctx.lang}/{ctx.rel}"), ctx)
    page_folder = f"{ctx.lang}/{ctx.slug}".rstrip("/")
    if not found[1] and page_folder != posixpath.dirname(f"{ctx.lang}/{ctx.rel}"):
        # Written relative to the page's URL (/en/a/b/ is a folder), as Hugo and MkDocs' directory URLs
        # let authors do: '../other/' from a/b.md. Accepted when that is what leads somewhere.
        by_url = _resolve_relative(path, fragment, page_folder, ctx)
        if by_url[1]:
            return by_url
    return found


def _resolve_relative(path: str, fragment: str, base: str, ctx: PageContext) -> tuple[Target, bool]:
    """Resolve a relative link from the folder `base` ('en/guide'): a page, a published file, or nothing."""
    target = posixpath.normpath(posixpath.join(base, path))
    first, _, rest = target.partition("/")
    if target == ".." or target.startswith("../") or first not in (*ctx.langs, SHARED_ASSETS):
        return Target("outside", ctx.lang, target, fragment), False
    if first != SHARED_ASSETS:
        slug = page_slug(rest)
        if ctx.resolve(first, slug) is not None:
            return Target("page", first, slug, fragment), True
    if ctx.file_exists(target):
        return Target("file", first, target, fragment), True
    if _looks_like_page(path) and first != SHARED_ASSETS:
        return Target("page", first, page_slug(rest), fragment), False
    return Target("file", first, target, fragment), False


def _resolve_absolute(path: str, fragment: str, ctx: PageContext) -> tuple[Target, bool]:
    """Resolve '/en/guide/x/', '/guide/x' (the page's own language), '/static/...', '/data/...'."""
    site_path = path.strip("/")
    first, _, rest = site_path.partition("/")
    lang, rest = (first, rest) if first in ctx.langs else (ctx.lang, site_path)
    slug = page_slug(rest)
    if ctx.resolve(lang, slug) is not None:
        return Target("page", lang, slug, fragment), True
    for candidate in (site_path, f"{ctx.lang}/{site_path}"):
        if ctx.file_exists(candidate):
            return Target("file", candidate.partition("/")[0], candidate, fragment), True
    if _looks_like_page(path):
        return Target("page", lang, slug, fragment), False
    return Target("file", lang, site_path, fragment), False


class Links(Treeprocessor):
    """Rewrite links to pages and files into URLs under base_url's path; record links and broken ones."""

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
            resolved = resolve_link(href, ctx)
            if resolved is None:
                continue
            target, found = resolved
            if not found:
                result.broken.add((target.kind, href, target.lang, target.path))
                continue
            query = urlsplit(href).query
            suffix = (f"?{query}" if query else "") + (f"#{target.fragment}" if target.fragment else "")
            if target.kind == "page":
                result.links.add((target.lang, target.path, target.fragment, href))
                if not href.startswith("#"):  # an anchor on this page stays as written
                    el.set(attr, ctx.url(ctx.resolve(target.lang, target.path) or "") + suffix)
            else:
                result.files.add(target.path)
                el.set(attr, ctx.url(target.path) + suffix)
