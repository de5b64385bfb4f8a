"""The prose the lints read: page titles, descriptions and bodies, and the texts of the fact sheet and UI strings.

Each Text keeps its file and first line, and its lines where they were, so a lint can point at
`path:line`. Code, link targets and attribute lists are blanked; a {{fact:key}} reference is written
as the reader sees it ('1,048家'), since that is what the sentence says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from ..i18n import format_fact
from ..markdown import FACT_RE
from ..model import Page, Site
from ..yamlio import LineMap, parse_yaml
from .figures import prose

_FACT_REF = re.compile(FACT_RE)
_PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")  # {date}, {number} in UI strings
# text marked as English: an HTML element with lang="en…", or a link with {lang=en} (attr_list)
FOREIGN_RE = re.compile(
    r"<(?P<tag>[A-Za-z][\w-]*)\b[^>]*\blang\s*=\s*[\"']?en(?:-[\w-]+)?[\"']?[^>]*>.*?</(?P=tag)\s*>"
    r"|\[(?:[^\]\\\n]|\\.)*\](?:\([^)\n]*\))?\{:?[^}\n]*\blang\s*=\s*[\"']?en(?:-[\w-]+)?[\"']?[^}\n]*\}",
    re.S | re.I)
_CODE_SPAN_RE = re.compile(r"`[^`\n]*`")
_INDENTED_FENCE_RE = re.compile(r"^([ \t]+)(```|~~~).*?^\1\2", re.S | re.M)  # a code block inside a list item
# the fields of facts.yaml written in readers' words (titles, publishers and authors are names, not prose)
_PROSE_FIELDS = {"label", "note", "statement"}


@dataclass(frozen=True)
class Text:
    """Prose from one place of one file, in one language."""

    path: str
    line: int  # the file line on which `text` starts
    lang: str
    text: str
    page: bool = True  # a page (which can cite facts) rather than the fact sheet or UI strings

    def line_at(self, offset: int) -> int:
        """Return the file line of a character offset in `text`."""
        return self.line + self.text.count("\n", 0, offset)


def blank(match: re.Match[str]) -> str:
    """Return a match's text with everything but newlines turned into spaces (so lines stay where they were)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def page_texts(page: Page, site: Site, drop_english: bool = False) -> list[Text]:
    """Return a page's title, description and body as prose, each fact reference written as readers see it.

    With `drop_english`, text marked as English (lang="en") is blanked too, for the Chinese typography lint.
    """
    language = site.config.language(page.lang)
    strings = site.strings[page.lang]

    def facts_written(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            fact = site.facts.facts.get(match.group(1))
            return format_fact(fact, site.facts, language, strings) if fact else " "
        return _FACT_REF.sub(value, text)

    def english_dropped(text: str) -> str:
        return FOREIGN_RE.sub(blank, text) if drop_english else text

    return [Text(page.source, line, page.lang, prose(facts_written(english_dropped(_INDENTED_FENCE_RE.sub(blank, text)))))
            for text, line in ((page.title, page.lines.get("title", 1)),
                               (page.description, page.lines.get("description", 1)),
                               (page.body, page.body_line)) if text]


def data_texts(path: str, text: str, codes: tuple[str, ...]) -> list[Text]:
    """Return the per-language labels, notes and statements of a fact sheet, each at its line."""
    data, errors = parse_yaml(text, path)
    if errors or not isinstance(data, LineMap):
        return []  # the build has reported it
    found = []
    for section in ("facts", "sources"):
        entries = data.get(section)
        if not isinstance(entries, LineMap):
            continue
        for entry in entries.values():
            if not isinstance(entry, LineMap):
                continue
            for name in sorted(_PROSE_FIELDS & set(entry)):
                found.extend(_per_language(path, entry, name, codes))
    return found


def strings_texts(path: str, text: str, lang: str) -> list[Text]:
    """Return the UI strings of one language, each at its line, placeholders and code left out."""
    data, errors = parse_yaml(text, path)
    if errors or not isinstance(data, LineMap):
        return []
    found = []
    for key, value in data.items():
        if isinstance(value, str):
            value = _CODE_SPAN_RE.sub(blank, _PLACEHOLDER_RE.sub(blank, value))
            found.append(Text(path, data.line_of(key), lang, value, page=False))
    return found


def _per_language(path: str, entry: LineMap, name: str, codes: tuple[str, ...]) -> Iterator[Text]:
    value: Any = entry[name]
    if not isinstance(value, LineMap):
        return
    for code in codes:
        if isinstance(value.get(code), str):
            yield Text(path, value.line_of(code), code, value[code], page=False)
