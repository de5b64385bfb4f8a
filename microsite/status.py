"""The translation-status table `check` prints: one row per page, within 100 columns; facts with --verbose."""

from __future__ import annotations

import textwrap

from .model import Site
from .translations import MISSING, all_statuses

WIDTH = 100  # columns: fits a terminal split in two, a CI log, an e-mail
DRAFT = "draft"


def status_rows(site: Site) -> dict[str, dict[str, str]]:
    """Return each slug's state per language: source, current, outdated, missing or draft."""
    rows: dict[str, dict[str, str]] = {}
    for status in all_statuses(site):
        rows.setdefault(status.slug, {})[status.lang] = status.state
    for page in site.drafts:
        rows.setdefault(page.slug, {code: MISSING for code in site.config.codes})[page.lang] = DRAFT
    return dict(sorted(rows.items()))


def facts_cell(states: dict[str, str], facts: dict[str, set[str]]) -> str:
    """Return the facts column: how many facts the page cites, per language when the languages differ."""
    cited = {code: facts.get(code, set()) for code, state in states.items() if state not in (MISSING, DRAFT)}
    if not cited:
        return ""
    sets = list(cited.values())
    if all(s == sets[0] for s in sets):
        return str(len(sets[0])) if sets[0] else "-"
    return " · ".join(f"{code} {len(s)}" for code, s in cited.items()) + " (differ)"


def fact_lines(states: dict[str, str], facts: dict[str, set[str]], indent: str = "    ") -> list[str]:
    """Return the facts a page cites, wrapped to the table's width: one block per distinct set."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for code, state in states.items():
        if state not in (MISSING, DRAFT):
            groups.setdefault(tuple(sorted(facts.get(code, set()))), []).append(code)
    lines = []
    for keys, codes in groups.items():
        if not keys:
            continue
        head = f"{indent}{', '.join(codes)}: "
        lines.extend(textwrap.wrap(", ".join(keys), WIDTH, initial_indent=head, subsequent_indent=" " * len(head),
                                   break_on_hyphens=False))
    return lines


def render_status_table(site: Site, refs: dict[tuple[str, str], set[str]], verbose: bool = False) -> str:
    """Return the table: page, each language's state, the number of facts cited (the facts themselves if verbose)."""
    codes = site.config.codes
    rows = status_rows(site)
    table = [["page", *codes, "facts"]]
    extra: list[list[str]] = [[]]
    for slug, states in rows.items():
        facts = {code: refs.get((code, slug), set()) for code in codes}
        table.append([slug or "(home)", *(states[code] for code in codes), facts_cell(states, facts)])
        extra.append(fact_lines(states, facts) if verbose else [])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for row, more in zip(table, extra):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        lines.extend(more)
    return "\n".join(lines)
