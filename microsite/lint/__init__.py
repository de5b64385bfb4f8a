"""`check`'s rules: warnings about content that builds but that a careful editor would fix.

One module per family of rules; lint_site() runs them all and returns BuildErrors (as warnings).
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import BuildError
from ..model import Site
from .figures import check_bare_numbers, check_fact_sets
from .unfinished import check_unfinished


def lint_site(site: Site, refs: dict[tuple[str, str], set[str]]) -> list[BuildError]:
    """Return every lint warning of a built site; `refs` are the facts and charts each page cites.

    Drafts are not linted: the preview shows them, builds leave them out.
    """
    site = replace(site, pages=tuple(page for page in site.pages if not page.draft))
    warnings = []
    for page in site.pages:
        warnings.extend(check_bare_numbers(page, site.facts))
    warnings.extend(check_fact_sets(site, refs))
    warnings.extend(check_unfinished(site))
    return warnings


__all__ = ["check_bare_numbers", "check_fact_sets", "check_unfinished", "lint_site"]
