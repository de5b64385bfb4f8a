"""Abbreviations that also work inside Chinese text.

Python-Markdown's abbr extension finds `HTML` between regex word boundaries (`\\b`), and a Chinese
character counts as a word character, so `HTML规范` (Chinese written without a space before Latin, as
this site does) never matched. Here an abbreviation only needs no Latin letter or digit on either side.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions.abbr import AbbrTreeprocessor


class LatinBoundAbbr(AbbrTreeprocessor):
    """The abbr treeprocessor, with boundaries that are Latin letters and digits, not any word character."""

    def run(self, root: etree.Element) -> etree.Element | None:
        if not self.abbrs:
            return None
        names = sorted(self.abbrs, key=len, reverse=True)
        self.RE = re.compile(f"(?<![A-Za-z0-9_])(?:{'|'.join(re.escape(name) for name in names)})(?![A-Za-z0-9_])")
        self.iter_element(root)
        return None


def use_latin_bounds(md: markdown.Markdown) -> None:
    """Replace the abbr extension's treeprocessor (when the extension is on) with LatinBoundAbbr."""
    if "abbr" in md.treeprocessors:
        original = md.treeprocessors["abbr"]
        md.treeprocessors.register(LatinBoundAbbr(md, original.abbrs), "abbr", 7)
