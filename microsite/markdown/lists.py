"""List items indented as GitHub and VitePress write them, re-indented to the 4 spaces Python-Markdown needs.

CommonMark lets a list item's content line up with the text after its marker: 3 spaces after `1. `,
2 after `- `. Python-Markdown wants 4, so a fence, a note or a nested list indented the CommonMark way
falls out of its item and shows as text. Each item's style is read from its first indented line: lined up
with the text (CommonMark) or 4 spaces in (Python-Markdown); lines are then moved so the item's content
starts 4 spaces in. Fence bodies move with their opening line; lines in blockquotes are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown.preprocessors import Preprocessor

from .fences import FENCE_RE

_ITEM_RE = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap> {1,4})(?=\S)")


@dataclass
class _Item:
    indent: int  # column of the marker, as written
    content: int  # column of the text after the marker
    new_indent: int  # column of the marker after re-indenting
    base: int | None = None  # the column the item's indented lines count from (decided by the first one)


def _lead(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def normalize_list_indents(lines: list[str]) -> list[str]:
    """Return lines with list items' content re-indented to 4 spaces per level."""
    out: list[str] = []
    stack: list[_Item] = []  # the open items, outermost first
    fence, shift, fence_lead = "", 0, 0  # a fence open inside an item, how far its lines move, where it starts
    previous_blank = True
    for raw in lines:
        line = raw.expandtabs(4)
        if fence:  # a fence body moves with its opening line; its closing line lines up with the opening one
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                out.append(" " * fence_lead + stripped)
                fence = ""
            else:
                out.append(" " * max(0, _lead(line) + shift) + line.lstrip(" ") if stripped else "")
            continue
        if not line.strip() or line.lstrip().startswith(">"):
            out.append(raw if line.strip() else "")
            previous_blank = not line.strip()
            continue
        lead, item = _lead(line), _ITEM_RE.match(line)
        while stack and lead < stack[-1].content and (item or previous_blank):
            stack.pop()  # a new marker, or a line after a blank one, left of the item's text: the item ended
        if stack and (item or lead >= stack[-1].content):
            top = stack[-1]
            if top.base is None:  # the item's first indented line tells how it is written
                top.base = top.content if lead < top.indent + 4 else top.indent + 4
            new_lead = top.new_indent + 4 + max(0, lead - top.base)
        elif stack and not previous_blank:
            out.append(raw)  # a lazy continuation of the item's paragraph: Python-Markdown reads it as is
            continue
        else:
            stack.clear()
            new_lead = lead
        if item:
            stack.append(_Item(lead, lead + len(item["marker"]) + len(item["gap"]), new_lead))
            out.append(" " * new_lead + item["marker"] + " " + line[item.end():])
        else:
            out.append(" " * new_lead + line.lstrip(" ") if stack else raw)
            match = FENCE_RE.match(line)
            if stack and match and not (match["fence"][0] == "`" and "`" in match["info"]):
                fence, shift, fence_lead = match["fence"], new_lead - lead, new_lead
        previous_blank = False
    return out


class ListIndents(Preprocessor):
    """Re-indent CommonMark-style list items for Python-Markdown (runs after the note rewriting)."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(_ITEM_RE.match(line) for line in lines):
            return lines
        return normalize_list_indents(lines)
