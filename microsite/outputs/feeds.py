"""An Atom feed per language (<lang>/feed.xml): the pages of that language, most recently updated first."""

from __future__ import annotations

import datetime
from html import escape
from typing import TYPE_CHECKING

from ..model import page_url_path
from ..sharing import FEED, last_updated

if TYPE_CHECKING:
    from ..render import Renderer

ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 50  # entries per feed: readers want what changed lately, not a second sitemap
UNKNOWN = datetime.date(1970, 1, 1)  # a page without a date on a site without data dates: still deterministic


def timestamp(date: datetime.date) -> str:
    """Return a date as an Atom (RFC 3339) timestamp, at midnight UTC."""
    return f"{date.isoformat()}T00:00:00Z"


def render_feed(renderer: "Renderer", lang: str) -> str:
    """Return the Atom feed of one language: title, summary, link and update date of each page."""
    site, config = renderer.site, renderer.config
    language = config.language(lang)
    pages = [(last_updated(site, page) or UNKNOWN, page) for page in site.pages if page.lang == lang]
    pages.sort(key=lambda item: (-item[0].toordinal(), item[1].url_path))
    pages = pages[:FEED_LIMIT]
    home = config.absolute_url(page_url_path(lang, ""))
    feed_url = config.absolute_url(f"{lang}/{FEED}")
    updated = max((date for date, _ in pages), default=UNKNOWN)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="{ATOM}" xml:lang="{escape(language.html_lang)}">',
             f"  <title>{escape(config.title[lang])}</title>",
             f"  <subtitle>{escape(config.description[lang])}</subtitle>",
             f'  <link rel="self" type="application/atom+xml" href="{escape(feed_url)}"/>',
             f'  <link rel="alternate" type="text/html" hreflang="{escape(language.html_lang)}"'
             f' href="{escape(home)}"/>',
             f"  <id>{escape(feed_url)}</id>",
             f"  <updated>{timestamp(updated)}</updated>",
             f"  <author><name>{escape(config.title[lang])}</name><uri>{escape(home)}</uri></author>"]
    for date, page in pages:
        url = escape(config.absolute_url(page.url_path))
        lines += ["  <entry>",
                  f"    <title>{escape(renderer.title(page))}</title>",
                  f'    <link rel="alternate" type="text/html" href="{url}"/>',
                  f"    <id>{url}</id>",
                  f"    <updated>{timestamp(date)}</updated>"]
        summary = renderer.description(page)
        if summary:
            lines.append(f"    <summary>{escape(summary)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def render_feeds(renderer: "Renderer") -> dict[str, str]:
    """Return every language's feed by output path."""
    return {f"{lang}/{FEED}": render_feed(renderer, lang) for lang in renderer.config.codes}
