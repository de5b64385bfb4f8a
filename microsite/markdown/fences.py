"""Fence headers as VitePress, Docusaurus and GitHub write them, rewritten into superfences' options.

`js{4}` -> `js hl_lines="4"`; `ts:line-numbers {1,3-5}` -> `ts linenums="1" hl_lines="1 3-5"`;
`jsx title="app.js" showLineNumbers` -> `jsx title="app.js" linenums="1"`; `js [config.js]` -> `js title="config.js"`.
MkDocs Material's own form (`py title="x.py" hl_lines="2" linenums="1"`) passes unchanged.
"""

from __future__ import annotations

import re
from typing import Iterator

from markdown.preprocessors import Preprocessor

FENCE_RE = re.compile(r"^(?P<prefix>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_PLAIN_INFO = re.compile(r"^[ \t]*[\w#.+-]*[ \t]*$")
LANG_RE = re.compile(r"[ \t]*\.?(?P<lang>[\w#+-][\w#.+-]*)")  # a fence header's language
_TOKEN = re.compile(r"""[ \t]*(?:
      \{(?P<lines>[\d,\s-]*)\}                                   # {1,4-6}: highlighted lines
    | :(?P<numbers>line-numbers|no-line-numbers)(?:=(?P<start>\d+))?   # VitePress line numbers
    | \[(?P<label>[^\]]*)\]                                       # VitePress code-group label
    | (?P<key>[A-Za-z][\w-]*)(?:=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'{}]+)))?
    )""", re.X)


OPEN, BODY, CLOSE, TEXT = "open", "body", "close", "text"


def fence_lines(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    """Yield (index, line, kind) for each line: kind is OPEN, BODY or CLOSE inside a fence, else TEXT."""
    open_fence = ""
    for index, line in enumerate(lines):
        if open_fence:
            stripped = line.lstrip(" \t>")
            if stripped.startswith(open_fence) and not stripped.strip(open_fence[0]).strip():
                open_fence = ""
                yield index, line, CLOSE
            else:
                yield index, line, BODY
            continue
        match = FENCE_RE.match(line)
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            open_fence = match["fence"]
            yield index, line, OPEN
            continue
        yield index, line, TEXT


def rewrite_info(info: str) -> str:
    """Return a fence header's info string in superfences' form (unchanged when it already is)."""
    if _PLAIN_INFO.match(info) or info.lstrip().startswith("{"):
        return info
    lang_match = LANG_RE.match(info)
    lang = lang_match["lang"] if lang_match else ""
    rest = info[lang_match.end():] if lang_match else info
    options: dict[str, str] = {}
    pos = 0
    while pos < len(rest):
        match = _TOKEN.match(rest, pos)
        if not match or match.end() == pos:
            if rest[pos:].strip():
                return info  # something we do not understand: leave it to superfences' relaxed headers
            break
        pos = match.end()
        if match["lines"] is not None:
            hl = " ".join(part.strip() for part in match["lines"].split(",") if part.strip())
            if hl:
                options["hl_lines"] = hl
        elif match["numbers"] == "line-numbers":
            options["linenums"] = match["start"] or "1"
        elif match["label"] is not None:
            options.setdefault("title", match["label"])
        elif match["key"]:
            key = match["key"]
            value = next((v for v in (match["dq"], match["sq"], match["bare"]) if v is not None), None)
            if key == "showLineNumbers":
                options["linenums"] = value or "1"
            elif value is not None:
                options[key] = value
    head = f" {lang}" if lang else ""
    for key, value in options.items():
        quote = "'" if '"' in value else '"'
        head += f" {key}={quote}{value}{quote}"
    return head


class FenceHeaders(Preprocessor):
    """Rewrite VitePress and Docusaurus fence headers so superfences reads them (runs before it)."""

    def run(self, lines: list[str]) -> list[str]:
        out = list(lines)
        for index, line, kind in fence_lines(lines):
            if kind == OPEN:
                match = FENCE_RE.match(line)
                assert match is not None
                out[index] = match["prefix"] + match["fence"] + rewrite_info(match["info"])
        return out
