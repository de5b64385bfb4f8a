"""The values passed between pipeline stages."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from .config import SiteConfig
from .facts import Facts


def digest(data: bytes | str) -> str:
    """Return a short, stable content hash."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def body_stamp(body: str) -> str:
    """Return the short hash a translation records of its source's Markdown body.

    Trailing spaces and blank lines at either end do not count, so re-saving a file
    in another editor does not make its translations outdated.
    """
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Page:
    """One Markdown file in one language."""

    lang: str
    rel: str  # path under content/<lang>/, e.g. "plan/talent.md"
    source: str  # as shown in messages, e.g. "content/en/plan/talent.md"
    title: str
    # the Markdown after the front matter; None once release_bodies() ran (the file's digest stands for it in ==)
    body: str = field(hash=False, compare=False)
    body_line: int  # file line on which the Markdown body starts
    digest: str  # hash of the whole file
    description: str = ""
    date: datetime.date | None = None
    weight: int = 0
    template: str = "page.html"
    translation_of: str | None = None
    draft: bool = False  # `draft: true`: left out of builds, shown by the preview with a banner
    aliases: tuple[str, ...] = ()  # old addresses that redirect here, e.g. ("/en/old-name/",)
    lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)  # site.yaml's extra_front_matter
    title_from_name: bool = False  # no title in front matter nor a '# heading': the file name stands in

    @cached_property
    def slug(self) -> str:
        """Return the language-independent page key: 'plan/talent'; 'plan' for plan/index.md or plan/README.md."""
        return slug_of(self.rel)

    @cached_property
    def url_path(self) -> str:
        """Return the path under the site root, e.g. 'zh/plan/talent/'."""
        return page_url_path(self.lang, self.slug)

    @cached_property
    def out_path(self) -> str:
        """Return the output file under the site root, e.g. 'zh/plan/talent/index.html'."""
        return self.url_path + "index.html"

    @property
    def is_folder_page(self) -> bool:
        """Return whether this is a folder's own page (index.md or README.md)."""
        return self.slug != self.rel[:-3]


def release_bodies(pages: tuple[Page, ...]) -> None:
    """Drop the pages' Markdown once nothing will read it: a command-line build, before Pagefind runs.

    It is 31 MiB of the 117 MiB this process holds at 4,000 pages per language while Pagefind's process takes
    its own 126 MiB (issue 18's budget: 250 MB for all). Pages are frozen for every stage that reads them; this
    is the one write, after the last one, and `body` is None afterwards so a late reader fails at once.
    """
    for page in pages:
        object.__setattr__(page, "body", None)


SECTION_PAGES = ("index", "readme")  # file stems (any case for README) that are their folder's page


def slug_of(rel: str) -> str:
    """Return the slug of a page file: 'a/b.md' -> 'a/b', 'a/index.md' and 'a/README.md' -> 'a', 'index.md' -> ''."""
    stem = rel[:-3]
    folder, _, name = stem.rpartition("/")
    if name == "index" or name.casefold() == "readme":
        return folder
    return stem


def page_url_path(lang: str, slug: str) -> str:
    """Return the URL path of a page from its language and slug."""
    return f"{lang}/{slug}/" if slug else f"{lang}/"


@dataclass(frozen=True)
class Site:
    """Everything loaded from the project: the input to checking and rendering."""

    config: SiteConfig
    pages: tuple[Page, ...]  # sorted by (slug, lang)
    facts: Facts
    strings: dict[str, dict[str, str]] = field(hash=False)  # lang -> key -> text
    templates: dict[str, str] = field(hash=False)  # template name -> digest of its source closure
    drafts: tuple[Page, ...] = ()  # draft pages left out of this build (the preview keeps them in `pages`)
    sections: dict[tuple[str, str], Any] = field(default_factory=dict, hash=False)  # (lang, folder) -> SectionMeta
    dates: dict[str, datetime.date] = field(default_factory=dict, hash=False)  # page source -> last commit's date

    def page(self, lang: str, slug: str) -> Page | None:
        """Return the page with this language and slug, if it exists."""
        return self._index.get((lang, slug))

    def pages_of(self, slug: str) -> list[Page]:
        """Return the page of `slug` in every language that has it, in the order of the languages."""
        return [page for code in self.config.codes if (page := self._index.get((code, slug))) is not None]

    def twin(self, page: Page, lang: str) -> Page | None:
        """Return the same page in another language."""
        return self._index.get((lang, page.slug))

    @cached_property
    def _index(self) -> dict[tuple[str, str], Page]:
        return {(p.lang, p.slug): p for p in self.pages}

    @cached_property
    def by_source(self) -> dict[str, Page]:
        """Return the pages by source file ('content/en/plan.md')."""
        return {p.source: p for p in self.pages}

    @cached_property
    def slugs(self) -> tuple[str, ...]:
        """Return every slug that exists in at least one language, sorted."""
        return tuple(sorted({p.slug for p in self.pages}))

    @cached_property
    def folders(self) -> tuple[str, ...]:
        """Return every folder holding a page at any depth, in any language ('' for the root), sorted."""
        folders = {""} if self.pages else set()
        for slug in self.slugs:
            parts = slug.split("/")
            folders.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
        return tuple(sorted(folders))

    @cached_property
    def listings(self) -> tuple[str, ...]:
        """Return the folders with no page of their own in any language: each gets a generated listing."""
        slugs = set(self.slugs)
        return tuple(folder for folder in self.folders if folder not in slugs)

    def with_edited(self, pages: list[Page]) -> "Site":
        """Return this site with `pages` in place of the pages of the same language and slug.

        No page comes or goes, so what is derived from the set of pages (slugs, folders) is carried over.
        """
        edited = {(p.lang, p.slug): p for p in pages}
        site = replace(self, pages=tuple(edited.get((p.lang, p.slug), p) for p in self.pages))
        for name in ("slugs", "folders", "listings"):
            if name in self.__dict__:
                site.__dict__[name] = self.__dict__[name]
        if "_index" in self.__dict__:
            site.__dict__["_index"] = {**self._index, **edited}
        if "by_source" in self.__dict__:
            site.__dict__["by_source"] = {**self.by_source, **{p.source: p for p in pages}}
        return site

    def updated(self, page: Page) -> datetime.date | None:
        """Return when a page last changed: its last commit's date, else its front-matter date."""
        return self.dates.get(page.source) or page.date
