"""sitemap.xml and robots.txt."""

from __future__ import annotations

from html import escape

from ..model import Site


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
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{escape(lang.html_lang)}" href="{href}"/>')
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
