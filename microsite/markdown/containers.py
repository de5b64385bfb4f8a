"""Notes as GitHub, VitePress and Docusaurus write them, rewritten into admonition syntax before parsing.

`> [!NOTE]` (GitHub alerts; Obsidian's `> [!tip]- Title` folds), `::: tip Title` ... `:::` (VitePress,
Docusaurus `:::tip[Title]`, nested with more colons), `::: details` and `::: code-group` (tabs) become
`!!! note`, `??? note "Title"` and `=== "label"` blocks, so they render exactly like MkDocs notes.
A raw `<details>` block gets `markdown="1"`, so the Markdown inside it is rendered, as on GitHub.
"""

from __future__ import annotations

import re

from markdown.preprocessors import Preprocessor

from .fences import BODY, CLOSE, FENCE_RE, OPEN, TEXT, fence_lines

# Types of notes the site styles, with the names other tools use for them.
NOTE_TYPES = {
    "note": "note", "abstract": "abstract", "summary": "abstract", "tldr": "abstract", "info": "info",
    "todo": "info", "tip": "tip", "hint": "tip", "important": "important", "success": "success",
    "check": "success", "done": "success", "question": "question", "help": "question", "faq": "question",
    "warning": "warning", "attention": "warning", "caution": "caution", "failure": "failure", "fail": "failure",
    "missing": "failure", "danger": "danger", "error": "danger", "bug": "bug", "example": "example",
    "quote": "quote", "cite": "quote", "details": "details",
}
_ALERT_RE = re.compile(r"^(?P<indent>[ \t]*)>[ \t]?\[!(?P<type>[A-Za-z]+)\](?P<fold>[-+]?)[ \t]*(?P<title>.*)$")
_QUOTE_RE = re.compile(r"^(?P<indent>[ \t]*)>[ \t]?(?P<rest>.*)$")
_OPEN_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<colons>:{3,})[ \t]*(?P<type>[A-Za-z][\w-]*)"
                      r"(?:\[(?P<bracket>[^\]]*)\])?[ \t]*(?P<title>.*?)[ \t]*$")
_CLOSE_RE = re.compile(r"^[ \t]*(?P<colons>:{3,})[ \t]*$")
_DETAILS_RE = re.compile(r"^(?P<indent>[ \t]*)<details(?P<attrs>(?:\s[^>]*)?)>", re.I)
_PASS_THROUGH = {"raw", "v-pre"}  # VitePress rendering hints: the content stays, the markers go
INDENT = "    "


def _quoted(title: str) -> str:
    return ' "' + title.replace('"', "&quot;") + '"' if title else ""


def alert_lines(lines: list[str]) -> list[str]:
    """Return lines with each GitHub alert blockquote rewritten as an admonition."""
    out: list[str] = []
    kinds = {index: kind for index, _, kind in fence_lines(lines)}
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _ALERT_RE.match(line) if kinds[index] == TEXT else None
        kind = NOTE_TYPES.get(match["type"].lower()) if match else None
        if match is None or kind is None:
            out.append(line)
            index += 1
            continue
        indent = match["indent"]
        marker = {"-": "???", "+": "???+"}.get(match["fold"], "!!!")
        out.append(f"{indent}{marker} {kind}{_quoted(match['title'].strip())}")
        index += 1
        while index < len(lines):
            quoted = _QUOTE_RE.match(lines[index])
            if quoted is None or quoted["indent"] != indent:
                break
            out.append(f"{indent}{INDENT}{quoted['rest']}" if quoted["rest"].strip() else "")
            index += 1
        out.append("")
    return out


def container_lines(lines: list[str]) -> list[str]:
    """Return lines with `:::` containers rewritten as admonitions, details and tabs."""
    out: list[str] = []
    stack: list[tuple[int, str, str]] = []  # (colons, type, indent of the outermost) of each open container
    for _, line, kind in fence_lines(lines):
        base = stack[0][2] if stack else ""  # a container inside a list item keeps the item's indent
        depth = INDENT * sum(1 for _, name, _ in stack if name not in _PASS_THROUGH)
        closing = _CLOSE_RE.match(line) if kind == TEXT and stack else None
        if closing:
            colons = len(closing["colons"])
            while len(stack) > 1 and stack[-1][0] != colons and any(c == colons for c, _, _ in stack):
                stack.pop()  # an inner container left open: the outer one's closing line closes it too
            stack.pop()
            out.append("")
            continue
        opening = _OPEN_RE.match(line) if kind == TEXT else None
        if opening and (opening["type"].lower() in NOTE_TYPES or opening["type"] in ("code-group", *_PASS_THROUGH)):
            name = opening["type"].lower()
            indent = base if stack else opening["indent"]
            title = (opening["bracket"] if opening["bracket"] is not None else opening["title"]).strip()
            title = re.sub(r"\s*\{[^}]*\}$", "", title)  # VitePress `::: tip Title {attrs}`
            if name == "details":
                out.append(f"{indent}{depth}??? details{_quoted(title)}")
            elif name not in _PASS_THROUGH and name != "code-group":
                out.append(f"{indent}{depth}!!! {NOTE_TYPES[name]}{_quoted(title)}")
            stack.append((len(opening["colons"]), name, indent))
            continue
        text = line[len(base):] if line.startswith(base) else line.lstrip(" \t")
        if stack and stack[-1][1] == "code-group" and kind in (OPEN, BODY, CLOSE):
            if kind == OPEN:  # the label names the tab, so it is not shown again as the block's title
                out.extend([f"{base}{depth[len(INDENT):]}=== {_quoted(_tab_label(text)).strip()}", ""])
                text = re.sub(r"[ \t]*\[[^\]]*\]", "", text, count=1)
            out.append(f"{base}{depth}{text}")
            continue
        if stack and stack[-1][1] == "code-group":  # text between the tabs (VitePress' `<<< file` imports)
            depth = depth[len(INDENT):]
        out.append(f"{base}{depth}{text}" if text.strip() else "")
    return out


def _tab_label(fence_line: str) -> str:
    """Return the label of a code-group tab: its [label] or title, else its language."""
    match = FENCE_RE.match(fence_line)
    info = match["info"] if match else ""
    label = re.search(r"\[([^\]]+)\]|title=[\"']([^\"']+)", info)
    if label:
        return label.group(1) or label.group(2)
    return info.strip().split(" ")[0].split("{")[0] or "code"


def details_lines(lines: list[str]) -> list[str]:
    """Return lines with `markdown="1"` added to raw <details> blocks, so their Markdown is rendered."""
    out = list(lines)
    for index, line, kind in fence_lines(lines):
        match = _DETAILS_RE.match(line) if kind == TEXT else None
        if match and "markdown" not in match["attrs"]:
            out[index] = f'{match["indent"]}<details{match["attrs"]} markdown="1">' + line[match.end():]
    return out


class Containers(Preprocessor):
    """Rewrite GitHub alerts, `:::` containers and raw <details> into what the block extensions read."""

    def __init__(self, md, details: bool) -> None:  # type: ignore[no-untyped-def]
        super().__init__(md)
        self.details = details

    def run(self, lines: list[str]) -> list[str]:
        if any(":::" in line for line in lines):
            lines = container_lines(lines)
        if any("[!" in line for line in lines):
            lines = alert_lines(lines)
        if self.details and any("<details" in line for line in lines):
            lines = details_lines(lines)
        return lines
