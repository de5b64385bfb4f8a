"""The search page of each language (<lang>/search/): results with JavaScript, every page listed without it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import BuildError
from ..model import Site, page_url_path
from ..sharing import SEARCH_SLUG as SLUG

if TYPE_CHECKING:
    from ..render import Renderer

TEMPLATE = "search.html"


def search_url_path(lang: str) -> str:
    """Return the URL path of a language's search page, e.g. 'zh/search/'."""
    return page_url_path(lang, SLUG)


def check_search_pages(site: Site) -> list[BuildError]:
    """Return an error for a page whose address is a search page's (content/<lang>/search.md)."""
    if TEMPLATE not in site.templates:
        return []
    return [BuildError(page.source, None, f"same URL /{page.url_path} as the search page; rename the file")
            for page in site.pages if page.slug == SLUG]


def page_entries(renderer: "Renderer", lang: str) -> list[dict[str, Any]]:
    """Return every page of one language in navigation order: title, URL, summary, depth (0 top, 1 in a section)."""
    site, nav = renderer.site, renderer.navs[lang]
    pages = {p.slug: p for p in site.pages if p.lang == lang}
    order: dict[str, int] = {}  # slug -> depth, in navigation order

    def walk(items: tuple, depth: int) -> None:
        for item in items:
            order.setdefault(item.slug, min(depth, 1))  # a folder lists its own page among its children too
            walk(item.children, depth + 1)

    walk(nav.top, 0)
    for slug in sorted(pages):
        order.setdefault(slug, 1 if "/" in slug else 0)
    return [{"title": renderer.title(pages[slug]), "url": renderer.config.url(pages[slug].url_path),
             "description": renderer.description(pages[slug]), "depth": depth}
            for slug, depth in order.items() if slug in pages]


def search_context(renderer: "Renderer", lang: str) -> dict[str, Any]:
    """Return the template variables of one language's search page."""
    config, strings = renderer.config, renderer.site.strings[lang]
    url_path = search_url_path(lang)
    context = renderer.special_context(lang, TEMPLATE)
    context["languages"] = [dict(item, url=config.url(search_url_path(item["code"])))
                            for item in context["languages"]]
    context["page"] = {"title": strings["search_title"], "description": strings["search_description"],
                       "template": TEMPLATE, "noindex": True, "untranslated": False, "outdated": False,
                       "url_path": url_path, "url": config.url(url_path), "lang": lang, "slug": SLUG}
    context["entries"] = page_entries(renderer, lang)
    return context


def render_search_pages(renderer: "Renderer") -> dict[str, str]:
    """Return each language's search page by output path (none when templates/ has no search.html)."""
    if TEMPLATE not in renderer.site.templates:
        return {}
    return {search_url_path(lang) + "index.html":
            renderer.render_template(TEMPLATE, search_context(renderer, lang), f"templates/{TEMPLATE}")
            for lang in renderer.config.codes}
