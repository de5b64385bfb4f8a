"""`check`'s rules: warnings about content that builds but that a careful editor would fix.

One module per family of rules; lint_site() runs them all and returns BuildErrors (as warnings).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import BuildError
from ..model import Site
from .figures import check_bare_numbers, check_fact_sets
from .markup import check_markup


def lint_site(site: Site, refs: dict[tuple[str, str], set[str]], out: Path | None = None) -> list[BuildError]:
    """Return every lint warning of a built site; `refs` are the facts and charts each page cites.

    With `out` (the folder the site was just built into), the built pages are checked too.
    """
    warnings = []
    for page in site.pages:
        warnings.extend(check_bare_numbers(page, site.facts))
    warnings.extend(check_fact_sets(site, refs))
    if out is not None:
        warnings.extend(check_markup(site, out))
    return warnings


__all__ = ["check_bare_numbers", "check_fact_sets", "check_markup", "lint_site"]
