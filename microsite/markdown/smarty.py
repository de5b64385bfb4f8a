"""Smarty's curly quotes, dashes and ellipses, without the cost on text that has none.

Python-Markdown's smarty extension runs a second inline pass over every text node of the page, trying
its sixteen patterns one after another; that pass was 40% of converting a typical page. Every one of
those patterns needs a quote (' or "), `--` or `...` in the text, so text without them is left as it is
before any pattern is tried; in the rest, patterns that do not occur are skipped as in the main pass
(inline.py). The output is the same, byte for byte. The first-character shortcut is smarty's alone:
the main pass cannot know which characters the patterns of extensions a site enables start with.
"""

from __future__ import annotations

import re

import markdown

from .inline import QuickInline

# What any of smarty's patterns needs (markdown/extensions/smarty.py: quotes, en and em dashes, ellipses;
# angled quotes, when enabled, need << or >>).
_TRIGGER = re.compile(r"['\"]|--|\.\.\.|<<|>>")


class QuickSmarty(QuickInline):
    """Smarty's inline pass: text without a quote, dash pair or ellipsis is returned untouched at once."""

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if not _TRIGGER.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]


def use_quick_smarty(md: markdown.Markdown) -> None:
    """Replace smarty's inline pass (when the extension is on) with QuickSmarty, keeping its patterns."""
    if "smarty" in md.treeprocessors:
        original = md.treeprocessors["smarty"]
        quick = QuickSmarty(md)
        quick.inlinePatterns = original.inlinePatterns
        md.treeprocessors.register(quick, "smarty", 6)  # smarty's own priority
