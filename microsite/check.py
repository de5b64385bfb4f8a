"""Site-wide checks: problems that need more than one file to see. Each returns BuildErrors."""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import unquote

from .errors import BuildError
from .facts import SHARE, Facts
from .mdext import CHART_RE, FACT_RE, blank_code
from .model import Page, Site, page_url_path
from .translations import MISSING, OUTDATED, Status, all_statuses

_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)|^\s*\[[^\]]+\]:.*$|\{[#.:][^}]*\}", re.M)
_NUMBER_RE = re.compile(r"(?<![\w.,/#-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s?[%％]|万|亿)?(?![\w])", re.ASCII)
_PERCENT = ("%", "％")


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
    """Return a warning for every missing and every outdated translation."""
    problems = []
    for status in all_statuses(site) if statuses is None else statuses:
        if status.state == MISSING:
            expected = f"content/{status.lang}/{status.source.rel}"
            problems.append(BuildError(status.source.source, None, f"no {status.lang} version (expected {expected})"))
        elif status.state == OUTDATED and status.page is not None:
            page, source = status.page, status.source.source
            if page.translation_of:
                message = f"translation is outdated: {source} changed; update it, then run: "
            else:
                message = f"translation has no translation_of stamp; once it matches {source}, run: "
            problems.append(BuildError(page.source, page.lines.get("translation_of"),
                                       message + f"python build.py translated {page.source}"))
    return problems


def prose(body: str) -> str:
    """Return a body without code, link targets, attribute lists, fact and chart references (lines kept)."""
    body = blank_code(body)
    for pattern in (_LINK_TARGET_RE, re.compile(FACT_RE), re.compile(CHART_RE.pattern[1:-1])):
        body = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    return body


def number_value(text: str, suffix: str | None) -> float:
    """Return the value a number written in prose stands for: '1,048' -> 1048, '29%' -> 0.29, '4万' -> 40000."""
    value = float(text.replace(",", ""))
    scale = {"%": 0.01, "％": 0.01, "万": 1e4, "亿": 1e8}.get((suffix or "").strip(), 1)
    return value * scale


def typed_figures(text: str, values: dict[float, str], facts: Facts) -> list[tuple[int, str, str]]:
    """Return (line offset, number as written, fact key) for each number in `text` equal to a fact's value."""
    found = []
    for match in _NUMBER_RE.finditer(text):
        number, suffix = match.group(1), (match.group(2) or "").strip()
        if not suffix and "." not in number and "," not in number and len(number) == 4 and number.startswith(("19", "20")):
            continue  # a year
        key = values.get(round(number_value(number, suffix), 6))
        if key is not None and (facts.facts[key].unit == SHARE) == (suffix in _PERCENT):
            found.append((text.count("\n", 0, match.start()), match.group(0).strip(), key))
    return found


def check_bare_numbers(page: Page, facts: Facts) -> list[BuildError]:
    """Return a warning for each number typed in prose, title or description equal to a fact's value."""
    values: dict[float, str] = {}
    for key, fact in facts.facts.items():
        if fact.value is not None:
            values.setdefault(round(float(fact.value), 6), key)
    texts = [(prose(page.title), page.lines.get("title", 1)),
             (prose(page.description), page.lines.get("description", 1)), (prose(page.body), page.body_line)]
    return [BuildError(page.source, first + offset, f"number '{number}' is typed by hand; "
                                                    f"write {{{{fact:{key}}}}} so it follows content/facts.yaml")
            for text, first in texts for offset, number, key in typed_figures(text, values, facts)]


def check_fact_sets(site: Site, refs: dict[tuple[str, str], set[str]]) -> list[BuildError]:
    """Return a warning for each translation that cites a different set of facts than its source."""
    problems = []
    for slug in site.slugs:
        versions = [(code, site.page(code, slug)) for code in site.config.codes]
        versions = [(code, page) for code, page in versions if page is not None]
        if len(versions) < 2:
            continue
        first_code, first = versions[0]
        first_refs = refs.get((first_code, slug), set())
        for code, page in versions[1:]:
            other = refs.get((code, slug), set())
            if other != first_refs:
                only_first = ", ".join(sorted(first_refs - other)) or "-"
                only_other = ", ".join(sorted(other - first_refs)) or "-"
                problems.append(BuildError(page.source, None,
                                           f"cites different facts than {first.source} "
                                           f"(only in {first_code}: {only_first}; only in {code}: {only_other})"))
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
