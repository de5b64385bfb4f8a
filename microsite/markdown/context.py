"""The values a page conversion takes in and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..model import slug_of

# UI words the Markdown blocks show, in English, for a site whose strings files do not have them.
DEFAULT_WORDS = {
    "md_note": "Note", "md_abstract": "Summary", "md_info": "Info", "md_tip": "Tip", "md_important": "Important",
    "md_success": "Success", "md_question": "Question", "md_warning": "Warning", "md_caution": "Caution",
    "md_failure": "Failure", "md_danger": "Danger", "md_bug": "Bug", "md_example": "Example", "md_quote": "Quote",
    "md_details": "Details", "md_footnotes": "Footnotes", "md_footnote_back": "Back to reference {number}",
    "md_task_done": "Done", "md_task_open": "Not done", "md_scroll_table": "Table {number} (scrolls sideways)",
    "md_copy": "Copy", "md_copied": "Copied",
}


@dataclass(frozen=True)
class FactView:
    """How a fact reference reads in one language."""

    text: str
    title: str
    href: str
    statement: bool = False  # a finding in words: wraps like prose, where a figure is kept whole


@dataclass(frozen=True)
class PageContext:
    """What converting one page needs to know about the rest of the site."""

    lang: str
    rel: str  # path under content/<lang>/
    facts: dict[str, FactView]
    chart_html: Callable[[str], str | None]  # chart key -> <figure> HTML, None if unknown
    resolve: Callable[[str, str], str | None]  # (lang, slug) -> URL path of an existing page
    url: Callable[[str], str]  # site path -> URL under base_url's path
    langs: tuple[str, ...]
    words: dict[str, str] = field(default_factory=dict)  # the page language's UI strings
    find_file: Callable[[str], Path | None] = lambda site_path: None  # 'en/plan/map.png' -> the file published there

    file_exists: Callable[[str], bool] = lambda path: False  # site path -> whether the build publishes that file
    heading_link: str = ""  # the accessible name of a heading's link, with {heading}; "" for no heading links

    @property
    def slug(self) -> str:
        """Return the slug of the page being converted."""
        return slug_of(self.rel)

    def word(self, key: str) -> str:
        """Return a UI word in the page's language (English when the strings files lack it)."""
        return self.words.get(key) or DEFAULT_WORDS[key]


@dataclass
class Result:
    """What converting one page produced besides its HTML."""

    toc: list = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)  # "fact:key", "chart:key", "file:content/en/map.png"
    links: set[tuple[str, str, str, str]] = field(default_factory=set)  # (lang, slug, fragment, href as written)
    files: set[str] = field(default_factory=set)  # site paths of the published files it links to
    broken: set[tuple[str, str, str, str]] = field(default_factory=set)  # (kind, href, lang, best guess)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (kind, text as written): facts and charts
