"""`check`'s rules: warnings about content that builds but that a careful editor would fix.

One module per family of rules; lint_site() runs them all and returns BuildErrors (as warnings):
figures.py (figures typed in digits, fact sets differing between translations), numbers.py (figures
written in words or Chinese numerals), copy.py (wording shared with a source text), typography.py
(Chinese typography), provenance.py (sources that leave a field unsaid).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import BuildError
from ..facts import FACTS_FILE
from ..i18n import strings_path
from ..model import Site
from .copy import check_copied, index_sources
from .figures import check_bare_numbers, check_fact_sets
from .markup import check_markup
from .numbers import check_number_words
from .orphans import check_orphans, check_titles
from .provenance import check_declared
from .settings import parse_lint_settings, resolve_sources
from .text import Text, data_texts, page_texts, strings_texts
from .typography import check_typography, is_chinese
from .unfinished import check_unfinished, untranslated_title


def lint_site(site: Site, refs: dict[tuple[str, str], set[str]], sources: Path | None = None,
              out: Path | None = None, graph: dict[tuple[str, str], set[tuple[str, str]]] | None = None
              ) -> list[BuildError]:
    """Return every lint warning of a built site; `refs` are the facts and charts each page cites.

    `sources` is a folder of source texts for the copy check (default: site.yaml's `lint: sources`).
    With `out` (the folder the site was just built into), the built pages are checked too;
    `graph` (each page's links to other pages) turns on the orphan check.
    Raises BuildFailed when the lint settings or the source texts cannot be read.
    Drafts are not linted: the preview shows them, builds leave them out.
    """
    site = replace(site, pages=tuple(page for page in site.pages if not page.draft))
    config = site.config
    settings = parse_lint_settings(config)
    texts = resolve_sources(config, settings, sources)
    index = index_sources(texts) if texts else None
    chinese = {lang.code for lang in config.languages if is_chinese(lang.html_lang)}
    warnings = []
    for page in site.pages:
        warnings.extend(check_bare_numbers(page, site.facts))
        prose = page_texts(page, site)
        for text in prose:
            warnings.extend(check_number_words(text, site.facts))
        if index is not None:
            warnings.extend(check_copied(prose, index))
        if page.lang in chinese:
            # a title left in the source language gets one warning (check_unfinished's), not one per word
            skip_title = untranslated_title(site, page) is not None
            for text in page_texts(page, site, drop_english=True):
                if not (skip_title and text.text == page.title):
                    warnings.extend(check_typography(text, settings.allow_latin, settings.spaced))
    data = _data_texts(site)
    for text in data:
        warnings.extend(check_number_words(text, site.facts) if text.path == FACTS_FILE else [])
        if text.lang in chinese:
            warnings.extend(check_typography(text, settings.allow_latin, settings.spaced))
    if index is not None:
        warnings.extend(check_copied([t for t in data if t.path == FACTS_FILE], index))
    warnings.extend(check_fact_sets(site, refs))
    warnings.extend(check_declared(site.facts))
    warnings.extend(check_unfinished(site))
    warnings.extend(check_titles(site))
    if graph is not None:
        warnings.extend(check_orphans(site, graph))
    if out is not None:
        warnings.extend(check_markup(site, out))
    return warnings


def _data_texts(site: Site) -> list[Text]:
    """Return the prose of the fact sheet and of the Chinese UI strings (read again, for their lines)."""
    config = site.config
    found = []
    facts = config.root / FACTS_FILE
    if facts.is_file():
        found.extend(data_texts(FACTS_FILE, facts.read_text(encoding="utf-8-sig"), config.codes))
    for lang in config.languages:
        path = strings_path(config, lang.code)
        if is_chinese(lang.html_lang) and path.is_file():
            found.extend(strings_texts(path.relative_to(config.root).as_posix(), path.read_text(encoding="utf-8-sig"),
                                       lang.code))
    return found


__all__ = ["check_bare_numbers", "check_fact_sets", "check_markup", "check_orphans", "check_titles", "check_unfinished",
           "lint_site"]
