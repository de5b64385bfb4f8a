"""sitemap.xml and robots.txt."""

from __future__ import annotations

import datetime
from html import escape

from ..model import Site, page_url_path


def render_sitemap(site: Site) -> str:
    """Return sitemap.xml: every real page and section listing, with alternates for its translations.

    `lastmod` is when the page last changed (its last commit, else its front-matter date).
    """
    config = site.config
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    entries: list[tuple[str, str, datetime.date | None, list[tuple[str, str]]]] = []
    for page in (p for p in site.pages if not p.draft):  # the preview's site has drafts
        translations = [(lang.html_lang, other.url_path) for lang in config.languages
                        if (other := site.page(lang.code, page.slug)) is not None]
        entries.append((page.url_path, page.slug, site.updated(page), translations))
    for slug in site.listings:  # generated in every language
        translations = [(lang.html_lang, page_url_path(lang.code, slug)) for lang in config.languages]
        entries.extend((page_url_path(lang.code, slug), slug, None, translations) for lang in config.languages)
    for url_path, slug, updated, translations in sorted(entries, key=lambda entry: entry[0]):
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(config.absolute_url(url_path))}</loc>")
        if updated:
            lines.append(f"    <lastmod>{updated.isoformat()}</lastmod>")
        if len(translations) > 1:
            for html_lang, other in translations:
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{escape(html_lang)}" '
                             f'href="{escape(config.absolute_url(other))}"/>')
            default = site.page(config.default_lang, slug)
            x_default = "" if slug == "" else default.url_path if default else page_url_path(config.default_lang, slug)
            if default is not None or slug in site.listings:
                lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" '
                             f'href="{escape(config.absolute_url(x_default))}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(site: Site) -> str:
    """Return robots.txt: everything may be crawled; the sitemap is named with its full URL."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.config.absolute_url('sitemap.xml')}\n"
