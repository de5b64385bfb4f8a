"""The page of a folder without index.md or README.md: a list of what the section holds, in every language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .model import page_url_path
from .nav import nav_context

if TYPE_CHECKING:
    from .render import Renderer


def section_children(renderer: "Renderer", slug: str, lang: str) -> list[dict[str, Any]]:
    """Return the entries a section's listing shows: title, URL and description of each child (none for a page)."""
    item = renderer.navs[lang].item(slug)
    if item is None or not item.folder:
        return []
    site, listed = renderer.site, []
    for child in item.children:
        page = site.page(lang, child.slug)
        if page is None and child.lang:  # not translated yet: describe it in its original language
            page = next((p for p in (site.page(code, child.slug) for code in site.config.codes) if p), None)
        listed.append({"title": child.title, "url": child.url, "lang": child.lang, "folder": child.folder,
                       "description": renderer.description(page) if page else "",
                       "lang_code": page.lang if page and child.lang else ""})
    return listed


def listing_context(renderer: "Renderer", slug: str, lang: str) -> dict[str, Any]:
    """Return the template variables of a folder's generated page."""
    config = renderer.config
    url_path = page_url_path(lang, slug)
    context = renderer._base_context(lang, url_path, listing_alternates(renderer, slug))
    nav = renderer.navs[lang]
    context["nav"] = nav_context(nav, slug)
    item = nav.item(slug)
    assert item is not None
    context["page"] = {
        "title": item.title, "title_lang": item.lang, "description": config.description[lang], "slug": slug,
        "lang": lang, "url_path": url_path, "url": config.url(url_path), "date": "", "date_iso": "",
        "updated": "", "updated_iso": "", "edit_url": "", "extra": renderer.no_extra,
        "children": section_children(renderer, slug, lang), "content": Markup(""), "toc": [],
        "template": "page.html", "source": f"content/{lang}/{slug}", "untranslated": False, "noindex": False,
        "outdated": False, "listing": True,
    }
    return context


def listing_alternates(renderer: "Renderer", slug: str) -> list[dict[str, str]]:
    """Return the hreflang alternates of a generated listing: it exists in every language."""
    config = renderer.config
    if len(config.languages) < 2:
        return []
    items = [{"hreflang": language.html_lang, "href": config.absolute_url(page_url_path(language.code, slug))}
             for language in config.languages]
    x_default = "" if slug == "" else page_url_path(config.default_lang, slug)
    return items + [{"hreflang": "x-default", "href": config.absolute_url(x_default)}]
