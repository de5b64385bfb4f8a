"""`check`'s rules: warnings about content that builds but that a careful editor would fix.

One module per family of rules; lint_site() runs them all and returns BuildErrors (as warnings).
"""

from __future__ import annotations

from ..errors import BuildError
from ..model import Site
from .figures import check_bare_numbers, check_fact_sets
from .orphans import check_orphans, check_titles


def lint_site(site: Site, refs: dict[tuple[str, str], set[str]],
              graph: dict[tuple[str, str], set[tuple[str, str]]] | None = None) -> list[BuildError]:
    """Return every lint warning of a built site; `refs` are the facts and charts each page cites.

    `graph` (each page's links to other pages) turns on the orphan check.
    """
    warnings = []
    for page in site.pages:
        warnings.extend(check_bare_numbers(page, site.facts))
    warnings.extend(check_fact_sets(site, refs))
    warnings.extend(check_titles(site))
    if graph is not None:
        warnings.extend(check_orphans(site, graph))
    return warnings


__all__ = ["check_bare_numbers", "check_fact_sets", "check_orphans", "check_titles", "lint_site"]
