"""{{fact:key}} references, and heading ids that name the fact rather than its value."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

import markdown
from markdown.extensions.toc import slugify_unicode, unique
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    from .extension import SiteExtension

FACT_RE = r"\{\{fact:([A-Za-z0-9_]+)\}\}"
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class FactPattern(InlineProcessor):
    """Turn {{fact:key}} into a link to the fact's entry, titled with its source and date."""

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
        if view.statement:  # a sentence wraps like prose; a figure is kept whole (see style.css)
            el.set("data-statement", "")
        el.text = view.text
        self.ext.fact_keys[el] = key
        return el, m.start(0), m.end(0)


class FactHeadingIds(Treeprocessor):
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


def _text_with_fact_keys(el: etree.Element, keys: dict[etree.Element, str]) -> str:
    """Return an element's text with each fact reference replaced by its key."""
    parts = [el.text or ""]
    for child in el:
        parts.append(f" {keys[child]} " if child in keys else _text_with_fact_keys(child, keys))
        parts.append(child.tail or "")
    return "".join(parts)
