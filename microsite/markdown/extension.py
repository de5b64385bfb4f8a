"""Our Python-Markdown extension: registers the site's processors, set up per page with begin()."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .anchors import HeadingLinks
from .chartblock import ChartBlock
from .context import PageContext, Result
from .facts import FactHeadingIds, FactPattern
from .links import Links


class CollectIds(Treeprocessor):
    """Record every id in the page, for the anchor check."""

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
        md.inlinePatterns.register(FactPattern(self), "site_fact", 175)
        md.parser.blockprocessors.register(ChartBlock(md.parser, self), "site_chart", 105)
        md.treeprocessors.register(Links(md, self), "site_links", 15)
        md.treeprocessors.register(FactHeadingIds(md, self), "site_fact_heading_ids", 7)  # attr_list 8, toc 5
        md.treeprocessors.register(HeadingLinks(md, self), "site_heading_links", 4)  # after toc gave the ids
        md.treeprocessors.register(CollectIds(md, self), "site_ids", 1)

    def begin(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self.result = Result()
        self.fact_keys = {}  # the elements the fact pattern made, this page
