"""Python-Markdown's inline pass, without the bookkeeping for patterns that cannot match.

The inline pass tries every inline pattern, in priority order, on every piece of text: about fourteen
with the default extensions, so well over a million tries on a thousand pages. For a pattern that does
not occur in the text, the library still pays a method call, the ancestor checks, a registry lookup
and an iterator before finding nothing. Here one regular-expression search answers that first, and the
library's own code runs only where the pattern occurs. The result is the library's, exactly: a pattern
that does not occur would have matched nothing (the library then also starts the next pattern from the
beginning of the text, as here). Patterns of the old kind (`Pattern`, matched from the start of the
rest of the text) always take the library's path.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown import util
from markdown.inlinepatterns import InlineProcessor as NewStylePattern
from markdown.treeprocessors import InlineProcessor


class QuickInline(InlineProcessor):
    """The inline pass, skipping patterns whose expression does not occur in the text."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self._quick = [(pattern, pattern.getCompiledRegExp() if isinstance(pattern, NewStylePattern) else None)
                       for pattern in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if isinstance(data, util.AtomicString):
            return data
        patterns = self._quick
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start, count = 0, len(patterns)
        while patternIndex < count:
            pattern, expression = patterns[patternIndex]
            if expression is not None and expression.search(data, start) is None:
                start = 0
                patternIndex += 1
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def use_quick_inline(md: markdown.Markdown) -> None:
    """Replace the main inline pass with QuickInline, keeping its patterns and priority."""
    if "inline" in md.treeprocessors and type(md.treeprocessors["inline"]) is InlineProcessor:
        md.treeprocessors.register(QuickInline(md), "inline", 20)  # the library's priority for it
