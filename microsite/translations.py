"""Which pages are translated, and which translations have fallen behind their source."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Page, Site, body_stamp

MISSING, CURRENT, OUTDATED, SOURCE = "missing", "current", "outdated", "source"


@dataclass(frozen=True)
class Status:
    """The translation state of one slug in one language."""

    slug: str
    lang: str
    state: str  # source, current, outdated or missing
    source: Page  # the page translations are made from
    page: Page | None  # this language's page (None when missing)


def source_page(site: Site, slug: str) -> Page:
    """Return the page translations of `slug` follow: the default language's, else the first that exists."""
    order = [site.config.default_lang] + [c for c in site.config.codes if c != site.config.default_lang]
    for lang in order:
        page = site.page(lang, slug)
        if page is not None:
            return page
    raise KeyError(slug)


def page_status(site: Site, slug: str, lang: str) -> Status:
    """Return whether the `lang` version of `slug` is the source, current, outdated or missing."""
    source = source_page(site, slug)
    page = site.page(lang, slug)
    if page is None:
        return Status(slug, lang, MISSING, source, None)
    if page is source:
        return Status(slug, lang, SOURCE, source, page)
    state = CURRENT if page.translation_of == body_stamp(source.body) else OUTDATED
    return Status(slug, lang, state, source, page)


def all_statuses(site: Site) -> list[Status]:
    """Return the status of every slug in every language, sorted by slug."""
    return [page_status(site, slug, lang) for slug in site.slugs for lang in site.config.codes]
