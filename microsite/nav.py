"""Navigation per language: a tree of sections of any depth, built once per build.

Every slug of the site appears in every language's tree: a page not translated yet links to its
'not translated yet' page under its original title (marked with that language). A folder is a
section; its page is its index.md or README.md, or a generated listing. Children are ordered by
their folder's _section.yaml `order`, then weight, then title.

What a page shows of it: the header's top-level entries; a sidebar with its top-level section's
tree (the whole tree for sections up to SIDEBAR_FULL entries, else only the branches leading to
the page, so a page never carries the whole site); breadcrumbs; previous and next in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .model import Page, Site, digest, page_url_path
from .sections import humanize, parent_of

SIDEBAR_FULL = 120  # up to this many entries, a section's sidebar shows every branch (closed ones collapsed)


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation: a page, or a section with its children."""

    title: str
    url_path: str
    slug: str
    url: str  # under base_url's path, made once per build rather than once per page that shows it
    lang: str = ""  # the title's HTML lang when it is not the page's language (a page not translated yet)
    children: tuple["NavItem", ...] = ()
    folder: bool = False

    def key(self) -> tuple[str, str, str, bool]:
        """Return what a page shows of this entry when it lists it."""
        return (self.title, self.url, self.lang, self.folder)


@dataclass(frozen=True)
class Nav:
    """The navigation of one language."""

    top: tuple[NavItem, ...]  # the home page, then the top-level pages and sections
    items: dict[str, NavItem]  # every slug (page or folder) -> its entry, hidden ones included
    reading: dict[str, tuple[str | None, str | None]]  # slug -> (previous, next) within its top-level section
    sizes: dict[str, int]  # top-level folder -> entries below it
    hidden: frozenset[str] = frozenset()
    _prints: dict[str, str] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def item(self, slug: str) -> NavItem | None:
        """Return the entry of a slug."""
        return self.items.get(slug)

    def section_root(self, slug: str) -> NavItem | None:
        """Return the top-level section a slug belongs to (itself when it is one), or None at the top level."""
        first = slug.split("/", 1)[0]
        root = self.items.get(first) if first else None
        return root if root is not None and root.folder else None

    def sidebar(self, slug: str) -> tuple[NavItem | None, bool]:
        """Return the sidebar's root entry for a slug and whether every branch is shown (False: only its path)."""
        root = self.section_root(slug)
        return root, root is not None and self.sizes.get(root.slug, 0) <= SIDEBAR_FULL

    def crumbs(self, slug: str) -> tuple[NavItem, ...]:
        """Return the sections above a slug, outermost first (the home page not included)."""
        parts = slug.split("/")
        return tuple(self.items["/".join(parts[:depth])] for depth in range(1, len(parts))
                     if "/".join(parts[:depth]) in self.items)

    def neighbours(self, slug: str) -> tuple[NavItem | None, NavItem | None]:
        """Return the previous and next entries in reading order."""
        before, after = self.reading.get(slug, (None, None))
        return (self.items[before] if before is not None else None,
                self.items[after] if after is not None else None)

    def fingerprint(self, slug: str) -> str:
        """Return a hash of everything the page of `slug` shows of the navigation, and nothing else."""
        prints = self._prints
        if slug in prints:
            return prints[slug]
        if "\0top" not in prints:
            prints["\0top"] = digest(repr([item.key() for item in self.top]))
        root, full = self.sidebar(slug)
        parts: list[Any] = [prints["\0top"]]
        if root is not None:
            if full:
                tree = "\0tree:" + root.slug
                if tree not in prints:
                    prints[tree] = digest(repr(root))
                parts.append(prints[tree])
            else:  # only the branches leading to the page are shown
                parts.extend(self._level_print(folder) for folder in self._path(slug))
            parts.append([item.key() for item in self.crumbs(slug)])
            parts.append([item.key() if item else None for item in self.neighbours(slug)])
        prints[slug] = digest(repr(parts))
        return prints[slug]

    def _path(self, slug: str) -> list[str]:
        """Return the folders from the top-level section down to the slug (itself included when a folder)."""
        parts = slug.split("/")
        folders = ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
        return [folder for folder in folders if folder in self.items and self.items[folder].folder]

    def _level_print(self, folder: str) -> str:
        key = "\0level:" + folder
        if key not in self._prints:
            item = self.items[folder]
            self._prints[key] = digest(repr((item.key(), [child.key() for child in item.children])))
        return self._prints[key]


def build_nav(site: Site, lang: str, url: Callable[[str], str] = lambda path: "/" + path,
              title: Callable[[Page], str] = lambda page: page.title) -> Nav:
    """Return the navigation of one language (every slug of the site; ordered by `order`, weight, then title).

    `url` makes links; `title` gives the title shown (the renderer's fills in fact references).
    """
    entries = _entries(site, lang, title)
    folders = set(site.folders)
    children: dict[str, list[str]] = {}
    for slug in entries:
        parent = parent_of(slug)
        if parent is not None:
            children.setdefault(parent, []).append(slug)
    hidden: set[str] = set()
    ordered: dict[str, list[str]] = {}
    for folder, members in children.items():
        order, hide = _folder_rules(site, lang, folder)
        hidden.update(slug for slug in members if slug.rpartition("/")[2] in hide)
        position = {name: index for index, name in enumerate(order)}
        ordered[folder] = sorted(
            (slug for slug in members if slug not in hidden),
            key=lambda slug: (position.get(slug.rpartition("/")[2], len(order)), entries[slug][2],
                              entries[slug][0].casefold(), slug))
    items: dict[str, NavItem] = {}
    for slug in sorted(entries, key=lambda s: (-s.count("/") if s else 1, s)):  # children before their folder
        shown, tag, _ = entries[slug]
        url_path = page_url_path(lang, slug)
        kids = tuple(items[child] for child in ordered.get(slug, ()))
        items[slug] = NavItem(shown, url_path, slug, url(url_path), tag, kids, slug in folders and slug != "")
    top = tuple([items[""]] if "" in items else []) + tuple(items[slug] for slug in ordered.get("", ()))
    reading, sizes = _reading_order(items, ordered)
    blocked = _below(hidden, entries)
    return Nav(top, items, {s: r for s, r in reading.items() if s not in blocked}, sizes, frozenset(blocked))


def _entries(site: Site, lang: str, title: Callable[[Page], str]) -> dict[str, tuple[str, str, int]]:
    """Return slug -> (title shown, its HTML lang if another language's, weight) for every slug of the site.

    The title is the first of: this language's _section.yaml title, this language's page, the default
    language's _section.yaml title, the page in the language it was written in, the folder's name.
    """
    config = site.config
    default = config.default_lang
    order = [lang, default, *(code for code in config.codes if code not in (lang, default))]
    html_lang = {language.code: language.html_lang for language in config.languages}
    entries = {}
    for slug in sorted(set(site.slugs) | set(site.folders)):
        pages = [page for page in (site.page(code, slug) for code in order) if page is not None]
        own, fallback = site.sections.get((lang, slug)), site.sections.get((default, slug)) if lang != default else None
        if own and own.title:
            shown, tag = own.title, ""
        elif pages and pages[0].lang == lang:
            shown, tag = title(pages[0]), ""
        elif fallback and fallback.title:
            shown, tag = fallback.title, html_lang[default]
        elif pages:
            shown, tag = title(pages[0]), html_lang[pages[0].lang]
        else:
            shown, tag = (humanize(slug.rpartition("/")[2]) if slug else config.title[lang]), ""
        weights = [meta.weight for meta in (own, fallback) if meta and meta.weight is not None]
        entries[slug] = (shown, tag, weights[0] if weights else pages[0].weight if pages else 0)
    return entries


def _folder_rules(site: Site, lang: str, folder: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return a folder's (order, hidden) from its _section.yaml in this language, else the default language's."""
    own, default = site.sections.get((lang, folder)), site.sections.get((site.config.default_lang, folder))
    order = (own.order if own and own.order else default.order if default else ())
    hidden = (own.hidden if own and own.hidden else default.hidden if default else ())
    return order, hidden


def _reading_order(items: dict[str, NavItem], ordered: dict[str, list[str]]
                   ) -> tuple[dict[str, tuple[str | None, str | None]], dict[str, int]]:
    """Return each entry's (previous, next) in depth-first order within its top-level section, and section sizes."""
    reading: dict[str, tuple[str | None, str | None]] = {}
    sizes: dict[str, int] = {}
    for top in ordered.get("", ()):
        if not items[top].folder:
            continue
        sequence, stack = [], [items[top]]
        while stack:
            item = stack.pop()
            sequence.append(item.slug)
            stack.extend(reversed(item.children))
        sizes[top] = len(sequence) - 1
        for index, slug in enumerate(sequence):
            reading[slug] = (sequence[index - 1] if index else None,
                             sequence[index + 1] if index + 1 < len(sequence) else None)
    return reading, sizes


def _below(hidden: set[str], entries: dict[str, Any]) -> set[str]:
    """Return the hidden slugs and everything inside hidden folders."""
    if not hidden:
        return set()
    prefixes = tuple(slug + "/" for slug in hidden)
    return hidden | {slug for slug in entries if slug.startswith(prefixes)}


def nav_context(nav: Nav, slug: str) -> dict[str, Any]:
    """Return what templates get as `nav` on the page of `slug`."""
    root, full = nav.sidebar(slug)
    before, after = nav.neighbours(slug)
    return {"top": nav.top, "sidebar": root, "full": full, "crumbs": nav.crumbs(slug) if "/" in slug or root else (),
            "prev": before, "next": after}
