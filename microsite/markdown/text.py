"""Plain-text helpers over Markdown source (no Markdown parsing)."""

from __future__ import annotations

import re

# a fence at the start of a line, in a list item (indented) or in a quote or alert ("> "), closed the same way
_FENCED_RE = re.compile(r"^((?:[ \t]*>)*[ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2", re.S | re.M)
_CODE_SPAN_RE = re.compile(r"`[^`\n]*`")


def blank_code(text: str) -> str:
    """Return Markdown with fenced blocks and code spans blanked out, keeping every line where it was."""
    for pattern in (_FENCED_RE, _CODE_SPAN_RE):
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text
