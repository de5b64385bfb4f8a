"""Hand-typed figures and translations that cite other facts: warnings, with path:line."""

from __future__ import annotations

import re

from ..errors import BuildError
from ..facts import SHARE, Facts
from ..markdown import CHART_RE, FACT_RE, blank_code
from ..model import Page, Site

_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)|^\s*\[[^\]]+\]:.*$|\{[#.:][^}]*\}", re.M)
_NUMBER_RE = re.compile(r"(?<![\w.,/#-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s?[%％]|万|亿)?(?![\w])", re.ASCII)
_PERCENT = ("%", "％")


# Markdown block syntax that is not prose: the head of a note, details, tab or ::: container (its quoted
# title stays, without the quotes), an alert's [!NOTE], footnote references and labels, an abbreviation's
# *[HTML]: and a definition list's leading ':'.
_BLOCK_HEAD_RE = re.compile(r'^([ \t>]*(?:!!!|\?\?\?\+?|===\+?|:{3,})[ \t]*[\w-]*[ \t]*)(?:"([^"\n]*)")?', re.M)
_MARKERS_RE = re.compile(r"\[![A-Za-z]+\]|\[\^[^\]\s]+\]:?|^\*\[[^\]\n]+\]:|^[ \t]*:(?=[ \t])", re.M)


def prose(body: str) -> str:
    """Return a body without code, link targets, attribute lists, fact and chart references (lines kept)."""
    body = blank_code(body)
    for pattern in (_LINK_TARGET_RE, re.compile(FACT_RE), re.compile(CHART_RE.pattern[1:-1]), _MARKERS_RE):
        body = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    return _BLOCK_HEAD_RE.sub(lambda m: " " * (len(m.group(1)) + 1) + m.group(2) + " " if m.group(2) is not None
                              else " " * len(m.group(1)), body)


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
