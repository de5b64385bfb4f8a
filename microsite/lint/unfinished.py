"""Pages that would be published unfinished: placeholder text left in, a translation's title not translated."""

from __future__ import annotations

import re

from ..errors import BuildError
from ..markdown import FACT_RE
from ..model import Page, Site
from ..translations import source_page
from .figures import prose

# Markers editors leave for themselves, in prose (code is left alone): English and Chinese.
_MARKER_RE = re.compile(r"\b(?:TODO|TBD|FIXME)\b|(?i:lorem ipsum)|待补充|待完善|此处填写")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s|(?<=[。！？])")
_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_NAME_RE = re.compile(r"^.+[A-Z]|\d")  # FastAPI, GraphQL, WebSockets, CLI, 5G: names, kept as they are


def placeholders(strings: dict[str, dict[str, str]]) -> list[str]:
    """Return the first sentence of the body `python build.py new` writes, in every language."""
    found = []
    for texts in strings.values():
        body = texts.get("new_page_body", "").strip()
        first = _SENTENCE_END_RE.split(body, maxsplit=1)[0].strip() if body else ""
        if first and first not in found:
            found.append(first)
    return found


def check_placeholders(page: Page, stock: list[str]) -> list[BuildError]:
    """Return a warning for each line of a page that still holds placeholder text or a TODO marker."""
    problems = []
    texts = [(page.title, page.lines.get("title", 1)), (page.description, page.lines.get("description", 1))]
    for offset, line in enumerate(prose(page.body).split("\n")):
        texts.append((line, page.body_line + offset))
    for text, line in texts:
        found = next((s for s in stock if s in text), None)
        marker = _MARKER_RE.search(text) if found is None else None
        if found:
            problems.append(BuildError(page.source, line, f"placeholder text '{found}' is still here; "
                                                          "write the page, or mark it draft: true"))
        elif marker:
            problems.append(BuildError(page.source, line, f"'{marker.group(0)}' left in the text; "
                                                          "finish it, or mark the page draft: true"))
    return problems


def looks_untranslated(title: str) -> bool:
    """Return whether a title kept word for word looks like ordinary words ('Example'), not a name ('FastAPI CLI')."""
    words = _WORD_RE.findall(title)
    return any(len(word) >= 3 for word in words) and not any(_NAME_RE.search(word) for word in words)


def untranslated_title(site: Site, page: Page) -> Page | None:
    """Return the source page when `page` is a translation whose title is still the source's, word for word."""
    source = source_page(site, page.slug)
    if page is not source and page.title == source.title and looks_untranslated(re.sub(FACT_RE, "", page.title)):
        return source
    return None


def check_untranslated_titles(site: Site) -> list[BuildError]:
    """Return a warning for each translation whose title is still its source's, word for word."""
    problems = []
    for page in site.pages:
        source = untranslated_title(site, page)
        if source is not None:
            problems.append(BuildError(page.source, page.lines.get("title"),
                                       f"title '{page.title}' is the same as in {source.source}; translate it"))
    return problems


def check_unfinished(site: Site) -> list[BuildError]:
    """Return every warning about pages that would be published unfinished."""
    stock = placeholders(site.strings)
    problems = [problem for page in site.pages for problem in check_placeholders(page, stock)]
    return problems + check_untranslated_titles(site)
