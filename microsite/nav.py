"""Navigation per language: the top-level pages and sections, and each section's own pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .model import Page, digest


@dataclass(frozen=True)
class NavItem:
    """One link in a navigation list."""

    title: str
    url_path: str
    slug: str
    url: str  # under base_url's path, made once per build rather than once per page that shows it


@dataclass(frozen=True)
class Nav:
    """The navigation of one language: `top` on every page, `sections` on the pages inside each folder."""

    top: tuple[NavItem, ...]
    sections: dict[str, tuple[NavItem, ...]]  # section slug -> its pages, index first

    def section(self, name: str) -> tuple[NavItem, ...]:
        """Return the pages of one section ('' has none: top-level pages use the top nav)."""
        return self.sections.get(name, ()) if name else ()

    def fingerprint(self, section: str) -> str:
        """Return a hash of what a page in `section` shows of the navigation."""
        prints = self.__dict__.setdefault("_prints", {})
        if section not in prints:
            prints[section] = digest(repr((self.top, self.section(section))))
        return prints[section]


def build_nav(pages: list[Page], url: Callable[[str], str] = lambda path: "/" + path,
              title: Callable[[Page], str] = lambda page: page.title) -> Nav:
    """Return the navigation of one language's pages (ordered by weight, then title).

    `url` makes links; `title` gives the title shown (the renderer's fills in fact references).
    """
    def _order(page: Page) -> tuple[int, str, str]:
        return (page.weight, title(page).casefold(), page.slug)

    top = [p for p in pages if p.section == "" or p.is_section_index]
    members: dict[str, list[Page]] = {}
    for page in pages:
        if page.section:
            members.setdefault(page.section, []).append(page)
    sections = {
        name: tuple(NavItem(title(p), p.url_path, p.slug, url(p.url_path))
                    for p in sorted(group, key=lambda p: (not p.is_section_index, *_order(p))))
        for name, group in sorted(members.items())
    }
    top_items = tuple(NavItem(title(p), p.url_path, p.slug, url(p.url_path)) for p in sorted(top, key=_order) if "/" not in p.slug)
    return Nav(top_items, sections)
