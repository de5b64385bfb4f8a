"""The values a page conversion takes in and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


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


@dataclass
class Result:
    """What converting one page produced besides its HTML."""

    toc: list = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)  # "fact:key" and "chart:key"
    links: set[tuple[str, str, str]] = field(default_factory=set)  # (lang, slug, fragment)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (kind, text as written)
