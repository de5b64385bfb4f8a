"""{{chart:key}} on a line of its own: the chart's <figure>, drawn by the renderer."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

import markdown
from markdown.blockprocessors import BlockProcessor

if TYPE_CHECKING:
    from .extension import SiteExtension

CHART_RE = re.compile(r"^\{\{chart:([A-Za-z0-9_]+)\}\}$")


class ChartBlock(BlockProcessor):
    """Replace a chart reference block with the chart's HTML (stashed, so Markdown leaves it alone)."""

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
