"""'Did you mean': the closest page path, heading id or file name to one that does not exist."""

from __future__ import annotations

import difflib
from typing import Iterable

from markdown.extensions.toc import slugify_unicode

LIMIT = 2000  # beyond this many candidates, compare only those in the same top-level folder (keeps it cheap)


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the candidate most like `word` (ignoring case), or None when nothing is close."""
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(candidate.casefold(), candidate)
    folded = word.casefold()
    if folded in by_fold:
        return by_fold[folded]
    found = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=cutoff)
    return by_fold[found[0]] if found else None


def closest_path(path: str, candidates: Iterable[str]) -> str | None:
    """Return the existing path `path` most likely meant: another case, a typo in its name, the same name moved."""
    pool = sorted(candidates)
    folded = {c.casefold(): c for c in pool}
    if path.casefold() in folded:
        return folded[path.casefold()]
    folder, _, name = path.rpartition("/")
    siblings = {c.rpartition("/")[2]: c for c in pool if c.rpartition("/")[0] == folder and c != folder}
    found = closest(name, siblings)
    if found is not None:
        return siblings[found]
    moved = [c for c in pool if c.rpartition("/")[2].casefold() == name.casefold()]
    if moved:
        return closest(path, moved, cutoff=0) or moved[0]
    if len(pool) > LIMIT:  # compare whole paths only within the same top-level folder, to stay cheap
        top = path.split("/", 1)[0]
        pool = [c for c in pool if c.split("/", 1)[0] == top][:LIMIT]
    return closest(path, pool, cutoff=0.8)


def closest_id(fragment: str, ids: Iterable[str]) -> str | None:
    """Return the id a fragment most likely meant: case-insensitively, after slugifying, or a close one."""
    known = sorted(ids)
    for guess in (fragment, slugify_unicode(fragment, "-")):
        found = closest(guess, known, cutoff=1.0)
        if found is not None:
            return found
    by_slug = {slugify_unicode(i, "-"): i for i in known}
    found = closest(slugify_unicode(fragment, "-"), by_slug, cutoff=0.6)
    return by_slug[found] if found is not None else None
