"""Site-wide checks: problems that need more than one file to see. Each returns BuildErrors."""

from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import unquote

from .errors import BuildError
from .model import Site, page_url_path
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


def check_anchors(site: Site, outputs: dict[str, Any], slugs: set[str] | None = None) -> list[BuildError]:
    """Return an error for each link to a #fragment that the target page does not have.

    `outputs` maps output paths to records with `links` and `ids`; with `slugs`, only links from
    or to those pages are checked (the preview's partial rebuilds).
    """
    errors = []
    for page in site.pages:
        record = outputs.get(page.out_path)
        if record is None:
            continue
        links = record.links
        if slugs is not None and page.slug not in slugs:  # the preview: only links to the edited pages
            links = [link for link in links if link[1] in slugs]
        for lang, slug, fragment in sorted(links):
            if not fragment:
                continue
            target = outputs.get(page_url_path(lang, slug) + "index.html")
            if target is None or unquote(fragment) not in target.ids:
                missing = "not translated yet" if site.page(lang, slug) is None else "has no such heading or id"
                line = None
                for line_no, text in enumerate(page.body.split("\n"), page.body_line):
                    if "#" + fragment in text:
                        line = line_no
                        break
                errors.append(BuildError(page.source, line, f"link to '#{fragment}' on /{page_url_path(lang, slug)}: "
                                                            f"the page {missing}"))
    return errors
