"""The values a page conversion takes in and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..model import slug_of


@dataclass(frozen=True)
class FactView:
    """How a fact reference reads in one language."""

    text: str
    title: str
    href: str


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
    file_exists: Callable[[str], bool] = lambda path: False  # site path -> whether the build publishes that file
    heading_link: str = ""  # the accessible name of a heading's link, with {heading}; "" for no heading links

    @property
    def slug(self) -> str:
        """Return the slug of the page being converted."""
        return slug_of(self.rel)


@dataclass
class Result:
    """What converting one page produced besides its HTML."""

    toc: list = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)  # "fact:key" and "chart:key"
    links: set[tuple[str, str, str, str]] = field(default_factory=set)  # (lang, slug, fragment, href as written)
    files: set[str] = field(default_factory=set)  # site paths of the published files it links to
    broken: set[tuple[str, str, str, str]] = field(default_factory=set)  # (kind, href, lang, best guess)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (kind, text as written): facts and charts
