"""Our Python-Markdown extension: registers the site's processors, set up per page with begin()."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .anchors import HeadingLinks
from .blocks import Blocks, FocusableCode
from .chartblock import ChartBlock
from .containers import Containers
from .context import PageContext, Result
from .facts import FactHeadingIds, FactPattern
from .fences import FenceHeaders
from .images import Images
from .links import Links
from .lists import ListIndents


class CollectIds(Treeprocessor):
    """Record every id in the page, for the anchor check."""

    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        self.ext.result.ids.update(el.get("id") for el in root.iter() if el.get("id"))


class SiteExtension(Extension):
    """Fact references, chart blocks, page links, images, notes and id collection, set up per page with begin()."""

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.names = names  # the other extensions, so we rewrite only into syntax that one of them reads
        self.ctx: PageContext
        self.result = Result()
        self.fact_keys: dict[etree.Element, str] = {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        if "admonition" in self.names:  # after whitespace normalising (30), before fences (superfences: 25)
            md.preprocessors.register(Containers(md, details="md_in_html" in self.names), "site_containers", 29)
        md.preprocessors.register(ListIndents(md), "site_list_indents", 28)  # after the notes are rewritten
        if "pymdownx.superfences" in self.names:
            md.preprocessors.register(FenceHeaders(md), "site_fence_headers", 27)
        md.treeprocessors.register(Images(md, self), "site_images", 16)
        md.treeprocessors.register(Blocks(md, self), "site_blocks", 12)
        md.postprocessors.register(FocusableCode(md, self), "site_code_focus", 5)  # after raw HTML is restored (30)
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
