"""Each language's view of the fact sheet: facts formatted with Babel, the fact and source lists templates show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .config import Language
from .i18n import (
    fact_date,
    fact_title,
    format_as_of,
    format_data_dates,
    format_dated,
    format_fact,
    formula_text,
    source_credit,
)
from .markdown import FactView
from .model import Site, page_url_path
from .sources import Source


@dataclass(frozen=True)
class LangData:
    """Per-language values computed once per build: nav, fact views, formatted facts."""

    language: Language
    facts_list: list[dict[str, Any]]
    fact_views: dict[str, FactView]
    sources: list[dict[str, Any]]
    data_as_of: str  # the latest as_of of any fact, formatted
    data_dates: str  # the footer's sentence on what the figures date from, derived from their dates


def facts_href(site: Site, lang: str) -> str:
    """Return the URL of the page listing every fact: in `lang`, else in a language that has it."""
    slug = site.config.facts_page
    if slug is None:
        return ""
    for code in (lang, site.config.default_lang, *site.config.codes):
        if site.page(code, slug) is not None:
            return site.config.url(page_url_path(code, slug))
    return ""



def lang_data(site: Site, language: Language) -> LangData:
    """Return one language's fact views, fact list and source list, formatted with Babel."""
    code = language.code
    strings = site.strings[code]
    href = facts_href(site, code)
    views, listing = {}, []
    for key, fact in site.facts.facts.items():
        text = format_fact(fact, site.facts, language, strings)
        title = fact_title(fact, site.facts, language, strings)
        views[key] = FactView(text, title, f"{href}#fact-{key}", fact.is_statement)
        source = site.facts.sources[fact.source]
        comparison = None
        if fact.comparison:
            kind, other = fact.comparison
            other_text = format_fact(site.facts.facts[other], site.facts, language, strings)
            comparison = {"kind": kind, "key": other, "text": other_text}
        credit = source_credit(fact, site.facts, language, strings)
        as_of_html = _date_html(fact.as_of, fact.as_of_assumed, language, strings)
        listing.append({
            "key": key, "id": f"fact-{key}", "label": fact.label[code], "text": text, "value": fact.value,
            "unit": fact.unit, "as_of": fact_date(fact, language, strings), "as_of_iso": fact.as_of,
            "as_of_assumed": fact.as_of_assumed, "as_of_html": as_of_html,
            # 'As of October 2022' for a month or a day; a yearly count reads 'In 2022' (zh: '2022年')
            "as_of_phrase": Markup(escape(strings["as_of" if "-" in fact.as_of else "as_of_year"])).format(
                date=as_of_html),
            "note": fact.note.get(code, ""), "estimate": fact.is_estimate, "derived": fact.derived,
            "statement": fact.is_statement, "bound": fact.bound, "comparison": comparison,
            "formula": formula_text(fact, site.facts, language) if fact.derived else "",
            # `publisher` is the name shown as the source (this site, for a derived figure)
            "source": {"key": source.key, "title": source.title[code], "publisher": credit, "credit": credit,
                       "short": source_credit(fact, site.facts, language, strings, short=True),
                       "kind": source.kind, "url": source.url, "date": source.date,
                       "note": source.note.get(code, "")},
        })
    sources = [_source_entry(site, s, language) for s in site.facts.sources.values()]
    latest = latest_as_of(site)
    return LangData(language, listing, views, sources, format_as_of(latest, language) if latest else "",
                    format_data_dates(site.facts, language, strings))

def _source_entry(site: Site, source: Source, language: Language) -> dict[str, Any]:
    """Return one entry of the source list: title, what is known of author, publisher, date and link."""
    code, strings, sources = language.code, site.strings[language.code], site.facts.sources
    meta = []
    for name, label in sorted((("author", "source_author"), ("publisher", "source_publisher")),
                              key=lambda item: not getattr(source, item[0])):  # the one that is known first
        value = getattr(source, name).get(code)
        if value or name in source.unknown:
            meta.append({"label": strings[label], "value": value or strings["not_known"]})
    if source.date or "date" in source.unknown:
        date = format_dated(source.date, source.date_assumed, language, strings) if source.date else ""
        meta.append({"label": strings["source_date"], "value": date or strings["not_known"]})
    if "url" in source.unknown:
        meta.append({"label": strings["source_link"], "value": strings["not_known"]})
    via = sources.get(source.via) if source.via else None
    return {"key": source.key, "id": f"source-{source.key}", "title": source.title[code],
            "title_lang": _title_lang(site, source, code), "kind": source.kind, "computed": source.is_computed,
            "publisher": source.reporter(code), "url": source.url, "date": source.date, "meta": meta,
            "note": source.note.get(code, ""), "via": source.via, "via_title": via.title[code] if via else "",
            "via_title_lang": _title_lang(site, via, code) if via else ""}

def _title_lang(site: Site, source: Source, code: str) -> str:
    """Return the lang attribute a source's title needs on a page in `code` ('' when it is in that language)."""
    if not source.original_title or not source.language:
        return ""
    page_lang = site.config.language(code).html_lang
    same = page_lang.split("-")[0].lower() == source.language.split("-")[0].lower()
    return "" if same else source.language


def latest_as_of(site: Site) -> str:
    """Return the most recent as_of of any fact ('' without facts): the site's 'data as of' date."""
    return max((f.as_of for f in site.facts.facts.values()), default="")


def data_dates_key(site: Site) -> str:
    """Return what the footer's dates depend on: every fact's date and whether it is assumed."""
    return repr(sorted((f.as_of, f.as_of_assumed) for f in site.facts.facts.values()))


def _date_html(iso: str, assumed: bool, language: Language, strings: dict[str, str]) -> Markup:
    """Return a date as a <time> element, followed by the language's 'assumed' mark if this site assumed it."""
    time = Markup('<time datetime="{}">{}</time>').format(iso, format_as_of(iso, language))
    return Markup(escape(strings["date_assumed"])).format(date=time) if assumed else time
