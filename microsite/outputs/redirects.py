"""Redirect pages for moved pages: each alias of a page becomes a small HTML page at the old address.

GitHub Pages cannot answer with a real redirect, so the old address gets a page that forwards at once
(meta refresh), names the new address as canonical, keeps itself out of search engines (noindex) and
shows a link for anyone whose browser does not follow the refresh.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ..aliases import alias_out_path
from ..errors import BuildError
from ..model import Page, Site, page_url_path
from ..write import MARKER
from .searchpage import search_url_path

if TYPE_CHECKING:
    from ..render import Renderer

OWNED_FOLDERS = ("static/", "data/", "pagefind/")  # the build writes these; an old page cannot live there


def taken_paths(site: Site) -> dict[str, str]:
    """Return the HTML files the build writes besides redirects, each with what writes it."""
    taken = {"index.html": "the root language chooser", "404.html": "the 404 page", MARKER: "the build"}
    for lang in site.config.codes:
        taken[search_url_path(lang) + "index.html"] = f"the {lang} search page"
    for slug in site.slugs:
        for lang in site.config.codes:
            page = site.page(lang, slug)
            source = page.source if page else f"the 'not translated yet' page of /{page_url_path(lang, slug)}"
            taken[page_url_path(lang, slug) + "index.html"] = source
    return taken


def check_aliases(site: Site) -> list[BuildError]:
    """Return an error for each alias at the address of a page, another alias or a folder the build owns."""
    taken = taken_paths(site)
    errors = []
    for page in sorted(site.pages, key=lambda p: p.source):
        line = page.lines.get("aliases")
        for alias in page.aliases:
            out = alias_out_path(alias)
            assert out is not None  # content.py refuses anything else
            if out.startswith(OWNED_FOLDERS):
                errors.append(BuildError(page.source, line, f"alias '{alias}' is inside {out.split('/')[0]}/, "
                                                           "which the build writes"))
            elif out in taken:
                other = taken[out]
                what = "is the address of" if not other.startswith("alias of ") else "is also an"
                errors.append(BuildError(page.source, line, f"alias '{alias}' {what} {other}"))
            else:
                taken[out] = f"alias of {page.source}"
    return errors


def render_redirect(renderer: "Renderer", page: Page) -> str:
    """Return the redirect page that sends readers of an old address to `page`."""
    config = renderer.config
    language = config.language(page.lang)
    strings = renderer.site.strings[page.lang]
    title = escape(renderer.title(page))
    url = escape(config.url(page.url_path))
    return (f'<!DOCTYPE html>\n<html lang="{escape(language.html_lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f'<meta name="robots" content="noindex">\n'
            f'<link rel="canonical" href="{escape(config.absolute_url(page.url_path))}">\n'
            f'<meta http-equiv="refresh" content="0; url={url}">\n<meta name="color-scheme" content="light dark">\n'
            f'<link rel="icon" href="{escape(config.url("static/favicon.svg"))}" type="image/svg+xml">\n'
            f'<link rel="stylesheet" href="{escape(config.url("static/style.css"))}">\n</head>\n'
            f'<body>\n<main id="main" class="prose">\n<h1>{title}</h1>\n'
            f'<p>{escape(strings.get("moved", ""))} <a href="{url}">{title}</a></p>\n</main>\n</body>\n</html>\n')


def render_redirects(renderer: "Renderer") -> dict[str, str]:
    """Return a redirect page for every alias by output path."""
    files = {}
    for page in renderer.site.pages:
        for alias in page.aliases:
            out = alias_out_path(alias)
            assert out is not None
            files[out] = render_redirect(renderer, page)
    return files
