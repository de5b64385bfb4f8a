"""Site-wide checks: problems that need more than one file to see. Each returns BuildErrors."""

from __future__ import annotations

import posixpath
import re
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

from .errors import BuildError
from .markdown.text import blank_code
from .model import Page, Site, page_url_path
from .sections import check_section_names
from .suggest import closest_id, closest_path
from .targets import FileTargets
from .translations import MISSING, OUTDATED, Status, all_statuses


def check_templates(site: Site) -> list[BuildError]:
    """Return an error for each page whose template does not exist."""
    known = ", ".join(sorted(site.templates))
    return [BuildError(p.source, p.lines.get("template"), f"unknown template '{p.template}' (templates/ has: {known})")
            for p in site.pages if p.template not in site.templates]


def check_facts_page(site: Site) -> list[BuildError]:
    """Return an error when site.yaml's facts_page names no page."""
    slug = site.config.facts_page
    if slug is None or any(site.page(code, slug) for code in site.config.codes):
        return []
    return [BuildError("site.yaml", None, f"facts_page '{slug}' is not a page (expected content/<lang>/{slug}.md)")]


def check_translations(site: Site, statuses: Iterable[Status] | None = None) -> list[BuildError]:
    """Return a warning for every missing and every outdated translation (drafts are not translations yet)."""
    problems = []
    drafted = {page.source for page in site.drafts}
    for status in all_statuses(site) if statuses is None else statuses:
        if status.source.draft or (status.page is not None and status.page.draft):
            continue  # the preview shows drafts; their translations are not due yet
        if status.state == MISSING:
            expected = f"content/{status.lang}/{status.source.rel}"
            why = f"{expected} is a draft" if expected in drafted else f"expected {expected}"
            problems.append(BuildError(status.source.source, None, f"no {status.lang} version ({why})"))
        elif status.state == OUTDATED and status.page is not None:
            page, source = status.page, status.source.source
            if page.translation_of:
                message = f"translation is outdated: {source} changed; update it, then run: "
            else:
                message = f"translation has no translation_of stamp; once it matches {source}, run: "
            problems.append(BuildError(page.source, page.lines.get("translation_of"),
                                       message + f"python build.py translated {page.source}"))
    return problems


def check_sections(site: Site) -> list[BuildError]:
    """Return an error for each name in a _section.yaml `order` or `hidden` list that is not in its folder."""
    children: dict[str, set[str]] = {}
    for slug in (*site.slugs, *site.folders):
        if slug:
            folder, _, name = slug.rpartition("/")
            children.setdefault(folder, set()).add(name)
    return check_section_names(site.sections, children)


def check_links(site: Site, outputs: dict[str, Any], files: FileTargets | None = None,
                slugs: set[str] | None = None, pages: Iterable[Page] | None = None) -> list[BuildError]:
    """Return an error at every line where a link leads to no page or file, with the closest one that exists.

    `outputs` maps output paths to records with `broken` links; with `slugs`, only those pages are checked
    (looked for among `pages`, when given, instead of every page).
    """
    errors: list[BuildError] = []
    known: list[str] = []  # every page and section, made only when a link is broken
    for page in site.pages if pages is None else pages:
        record = outputs.get(page.out_path)
        if record is None or (slugs is not None and page.slug not in slugs):
            continue
        for kind, href, lang, guess in sorted(getattr(record, "broken", ())):
            known = known or sorted({*site.slugs, *site.folders})
            if kind == "outside":
                message = f"link '{href}' points outside content/"
            elif kind == "page":
                found = closest_path(guess, known)
                if found is not None:
                    hint = f"; did you mean '{link_like(href, site, page, lang, found)}'?"
                else:
                    above = nearest_section(guess, known)
                    if above == (page.slug if page.is_folder_page else page.slug.rpartition("/")[0]):
                        above = None  # the folder the link is written in: no news to its editor
                    section = link_like(href.partition("#")[0], site, page, lang, above) if above else ""
                    hint = "; no page has a similar path" + (
                        f" (the nearest section above it is '{section}')" if above else "")
                message = f"link to a missing page '{href}'{hint}"
            else:
                found = closest_path(guess, files.siblings(guess)) if files is not None else None
                hint = f"; did you mean '{file_link_like(href, guess, found)}'?" if found is not None else ""
                message = f"link to a missing file '{href}'{hint}"
            errors.extend(BuildError(page.source, line, message) for line in link_lines(page, href))
    return errors


def check_anchors(site: Site, outputs: dict[str, Any], slugs: set[str] | None = None,
                  pages: Iterable[Page] | None = None) -> list[BuildError]:
    """Return an error at every line linking to a #fragment the target page does not have, with the closest id.

    `outputs` maps output paths to records with `links` and `ids`; with `slugs`, only links from
    or to those pages are checked (the preview's partial rebuilds), looked for among `pages` when given
    (the pages of `slugs` and those linking to them: linkindex.py) instead of every page.
    """
    errors: list[BuildError] = []
    chrome: list[set[str]] = []  # ids every page has (the templates': #main, the search box), found when needed
    for page in site.pages if pages is None else pages:
        record = outputs.get(page.out_path)
        if record is None:
            continue
        links = record.links
        if slugs is not None and page.slug not in slugs:  # the preview: only links to the edited pages
            links = [link for link in links if link[1] in slugs]
        for lang, slug, fragment, href in sorted(links):
            if not fragment:
                continue
            target = outputs.get(page_url_path(lang, slug) + "index.html")
            if target is None or getattr(target, "errors", ()) or unquote(fragment) in target.ids:
                continue  # a target that failed to render has its own error
            if site.page(lang, slug) is None and slug not in site.folders:
                missing, hint = "not translated yet", ""
            else:
                if not chrome:
                    chrome.append(template_ids(site, outputs))
                missing, hint = "has no such heading or id", anchor_hint(site, outputs, lang, slug, unquote(fragment),
                                                                          set(target.ids) - chrome[0])
            where = "this page" if (lang, slug) == (page.lang, page.slug) else f"/{page_url_path(lang, slug)}"
            message = f"link to '#{fragment}' on {where}: the page {missing}{hint}"
            errors.extend(BuildError(page.source, line, message) for line in link_lines(page, href))
    return errors


def template_ids(site: Site, outputs: dict[str, Any]) -> set[str]:
    """Return the ids every page has: the templates' (#main, a search box's), never what a link to a heading meant."""
    records = [outputs[page.out_path] for page in site.pages if page.out_path in outputs]
    return set.intersection(*(set(record.ids) for record in records)) if len(records) > 1 else set()


def nearest_section(slug: str, known: list[str]) -> str | None:
    """Return the deepest existing section above a missing slug (None when only the home page is)."""
    parts, existing = slug.split("/"), set(known)
    for depth in range(len(parts) - 1, 0, -1):
        if "/".join(parts[:depth]) in existing:
            return "/".join(parts[:depth])
    return None


def anchor_hint(site: Site, outputs: dict[str, Any], lang: str, slug: str, fragment: str, ids: Iterable[str]) -> str:
    """Return what to suggest for a missing #fragment: the closest id, the source page's id, or the ids there are."""
    found = closest_id(fragment, ids)
    if found is not None:
        return f"; did you mean '#{found}'?"
    default = site.config.default_lang
    twin = outputs.get(page_url_path(default, slug) + "index.html")
    if lang != default and twin is not None and fragment in twin.ids:
        return (f"; the {default} page has it: give the heading here the same id, "
                f"e.g. '## … {{#{fragment}}}'")
    shown = sorted(ids)
    more = ", …" if len(shown) > 5 else ""
    return f"; its ids: {', '.join('#' + i for i in shown[:5])}{more}" if shown else ""


def link_lines(page: Page, href: str) -> list[int | None]:
    """Return every line of a page's body where `href` is written as a link target (outside code)."""
    body = blank_code(page.body)
    pattern = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|href=[\"']|<)" + re.escape(href) + r"(?=[\s)>\"']|$)", re.M)
    lines = sorted({body.count("\n", 0, match.start()) + page.body_line for match in pattern.finditer(body)})
    if not lines:
        index = body.find(href)
        lines = [body.count("\n", 0, index) + page.body_line] if index >= 0 else []
    return lines or [None]  # type: ignore[list-item]


def link_like(href: str, site: Site, page: Page, lang: str, slug: str) -> str:
    """Return a link to `slug` written the way `href` was: absolute or relative, .md file, folder or bare path."""
    parts = urlsplit(href)
    path, fragment = parts.path, f"#{parts.fragment}" if parts.fragment else ""
    if path.startswith("/"):
        prefix = f"/{lang}/" if path.strip("/").split("/")[0] in site.config.codes else "/"
        return prefix + (f"{slug}/" if slug else "") + fragment
    here = posixpath.dirname(f"{page.lang}/{page.rel}")
    if path.endswith(".md"):
        target = next((p for p in (site.page(code, slug) for code in (lang, *site.config.codes)) if p), None)
        if target is not None:
            return posixpath.relpath(f"{lang}/{target.rel}", here) + fragment
    relative = posixpath.relpath(f"{lang}/{slug}".rstrip("/"), here)
    if relative == ".":
        relative = "./"
    elif path.endswith("/") or slug in site.folders:
        relative += "/"
    return relative + fragment


def file_link_like(href: str, guess: str, found: str) -> str:
    """Return `href` with its file name replaced by the one that exists."""
    path = urlsplit(href).path
    written = posixpath.dirname(path)
    name = found.rpartition("/")[2]
    return f"{written}/{name}" if written else name
