"""The files every site gets besides its pages: sitemap, robots.txt, open data, .nojekyll, CNAME."""

from __future__ import annotations

import csv
import io
import json
from html import escape

from .facts import Facts
from .model import Site
from .write import MARKER


def render_sitemap(site: Site) -> str:
    """Return sitemap.xml: every real page with xhtml:link alternates for its existing translations."""
    config = site.config
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for page in sorted(site.pages, key=lambda p: p.url_path):
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(config.absolute_url(page.url_path))}</loc>")
        if page.date:
            lines.append(f"    <lastmod>{page.date.isoformat()}</lastmod>")
        translations = [(lang, site.page(lang.code, page.slug)) for lang in config.languages]
        translations = [(lang, other) for lang, other in translations if other is not None]
        if len(translations) > 1:
            for lang, other in translations:
                href = escape(config.absolute_url(other.url_path))
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{lang.html_lang}" href="{href}"/>')
            default = site.page(config.default_lang, page.slug)
            if default is not None:
                href = escape(config.absolute_url("" if page.slug == "" else default.url_path))
                lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href="{href}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(site: Site) -> str:
    """Return robots.txt: everything may be crawled; the sitemap is named with its full URL."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.config.absolute_url('sitemap.xml')}\n"


def fact_records(facts: Facts, langs: tuple[str, ...]) -> list[dict[str, object]]:
    """Return one flat record per fact, for the open data files."""
    records = []
    for fact in facts.facts.values():
        source = facts.sources[fact.source]
        record: dict[str, object] = {"key": fact.key, "value": fact.value, "unit": fact.unit, "as_of": fact.as_of,
                                     "estimate": fact.is_estimate, "formula": fact.derived or "",
                                     "lower_bound": fact.bound == "over"}
        for lang in langs:
            record[f"label_{lang}"] = fact.label[lang]
        for lang in langs:
            record[f"statement_{lang}"] = fact.statement.get(lang, "")
        for lang in langs:
            record[f"note_{lang}"] = fact.note.get(lang, "")
        record["source"] = source.key
        for lang in langs:
            record[f"source_publisher_{lang}"] = source.publisher[lang]
        for lang in langs:
            record[f"source_title_{lang}"] = source.title[lang]
        record["source_url"] = source.url or ""
        records.append(record)
    return records


def render_facts_json(site: Site) -> str:
    """Return data/facts.json: every fact with its source."""
    facts = site.facts
    data = {
        "facts": fact_records(facts, site.config.codes),
        "sources": [{"key": s.key, "title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date}
                    for s in facts.sources.values()],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render_facts_csv(site: Site) -> str:
    """Return data/facts.csv: UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    records = fact_records(site.facts, site.config.codes)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\r\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: _csv_cell(v) for k, v in record.items()})
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    """Return a value as a spreadsheet reads it: empty for none, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def render_extras(site: Site) -> dict[str, str]:
    """Return the non-page files by output path."""
    files = {
        "sitemap.xml": render_sitemap(site),
        "robots.txt": render_robots(site),
        MARKER: "",
        "data/facts.json": render_facts_json(site),
        "data/facts.csv": render_facts_csv(site),
    }
    if site.config.cname:
        files["CNAME"] = site.config.cname.strip() + "\n"
    return files
