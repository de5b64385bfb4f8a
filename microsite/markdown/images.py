"""Images: the file must exist (beside the page, in content/assets/ or static/); width, height and lazy loading.

`![map](map.png)` in content/en/plan/talent.md is content/en/plan/map.png, published at en/plan/map.png;
`![map](../assets/map.svg)` is content/assets/map.svg; `/static/logo.svg` is static/logo.svg. The src
becomes a site-absolute URL (pages live in folders: /en/plan/talent/), with base_url's path.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    from .extension import SiteExtension

_SVG_TAG_RE = re.compile(rb"<svg\b[^>]*>", re.S | re.I)
_SVG_ATTR_RE = re.compile(rb"""\s(width|height|viewBox)\s*=\s*["']([^"']*)["']""", re.I)
_LENGTH_RE = re.compile(rb"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$")


def image_size(path: Path) -> tuple[int, int] | None:
    """Return an image's (width, height) in CSS pixels from its file header, or None if unreadable."""
    try:
        if path.suffix.lower() == ".svg":
            return _svg_size(path)
        from PIL import Image  # only pages with images pay for the import

        with warnings.catch_warnings():  # only the header is read, so a huge image is no decompression bomb here
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
        return (width, height) if width > 0 and height > 0 else None
    except Exception:  # noqa: BLE001 -- any unreadable image just gets no size, never a traceback
        return None


def _svg_size(path: Path) -> tuple[int, int] | None:
    """Return an SVG's size from its root element's width and height, else its viewBox (no XML parsing)."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    tag = _SVG_TAG_RE.search(head)
    if tag is None:
        return None
    attrs = {name.lower(): value for name, value in _SVG_ATTR_RE.findall(tag.group(0))}
    width, height = (_LENGTH_RE.match(attrs.get(key, b"")) for key in (b"width", b"height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = attrs.get(b"viewbox", b"").replace(b",", b" ").split()
    if len(box) == 4:
        try:
            w, h = float(box[2]), float(box[3])
        except ValueError:
            return None
        return (round(w), round(h)) if w > 0 and h > 0 else None
    return None


def image_site_path(src: str, lang: str, rel: str) -> str | None:
    """Return the site path an image src names ('en/plan/map.png'), or None when it is not a local file."""
    parts = urlsplit(src)
    if parts.scheme or src.startswith(("//", "#")) or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        return path.lstrip("/")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(f"{lang}/{rel}"), path))
    return "" if target.startswith("../") or target == ".." else target


class Images(Treeprocessor):
    """Check each image's file, point src at where it is published, add width, height and lazy loading."""

    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        ctx, result = self.ext.ctx, self.ext.result
        first = True
        for img in root.iter("img"):
            src = img.get("src") or ""
            site_path = image_site_path(src, ctx.lang, ctx.rel)
            if site_path is None:
                continue
            path = ctx.find_file(site_path) if site_path else None
            if path is None:
                result.unknown.append(("image", src))
                continue
            result.refs.add("file:" + site_path)
            query = urlsplit(src).query
            img.set("src", ctx.url(quote(site_path, safe="/")) + (f"?{query}" if query else ""))
            if "width" not in img.attrib and "height" not in img.attrib:
                size = image_size(path)
                if size:
                    img.set("width", str(size[0]))
                    img.set("height", str(size[1]))
            if not first and "loading" not in img.attrib:
                img.set("loading", "lazy")  # below the first image, most readers have not scrolled there yet
            first = False
