"""The values passed between pipeline stages."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

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
    body: str
    body_line: int  # file line on which the Markdown body starts
    digest: str  # hash of the whole file
    description: str = ""
    date: datetime.date | None = None
    weight: int = 0
    template: str = "page.html"
    translation_of: str | None = None
    aliases: tuple[str, ...] = ()  # old addresses that redirect here, e.g. ("/en/old-name/",)
    lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False)

    @property
    def slug(self) -> str:
        """Return the language-independent page key: 'plan/talent', 'plan' for plan/index.md, '' for index.md."""
        stem = self.rel[:-3]
        if stem == "index":
            return ""
        return stem[: -len("/index")] if stem.endswith("/index") else stem

    @property
    def url_path(self) -> str:
        """Return the path under the site root, e.g. 'zh/plan/talent/'."""
        return page_url_path(self.lang, self.slug)

    @property
    def out_path(self) -> str:
        """Return the output file under the site root, e.g. 'zh/plan/talent/index.html'."""
        return self.url_path + "index.html"

    @property
    def section(self) -> str:
        """Return the folder whose pages share this page's section nav ('' for top-level pages)."""
        return self.slug.rpartition("/")[0] if not self.rel.endswith("index.md") else self.slug

    @property
    def is_section_index(self) -> bool:
        return self.rel.endswith("index.md") and self.slug != ""


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

    def page(self, lang: str, slug: str) -> Page | None:
        """Return the page with this language and slug, if it exists."""
        return self._index.get((lang, slug))

    def twin(self, page: Page, lang: str) -> Page | None:
        """Return the same page in another language."""
        return self._index.get((lang, page.slug))

    @cached_property
    def _index(self) -> dict[tuple[str, str], Page]:
        return {(p.lang, p.slug): p for p in self.pages}

    @cached_property
    def slugs(self) -> tuple[str, ...]:
        """Return every slug that exists in at least one language, sorted."""
        return tuple(sorted({p.slug for p in self.pages}))
