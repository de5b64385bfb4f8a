"""What every worker process would otherwise do for itself, done once in the parent before it forks.

Pygments imports a lexer's module and compiles its token expressions the first time a language is
highlighted; Babel loads a locale's data the first time a number is formatted. Done in the parent,
the forked workers inherit the result instead of each paying for it (about 0.1 s per worker on a
site whose pages highlight a few languages).
"""

from __future__ import annotations

from typing import Iterable

from .fences import FENCE_RE, LANG_RE


def fence_languages(bodies: Iterable[str]) -> set[str]:
    """Return the languages named on the fence lines of Markdown bodies (```python, ~~~ js{4})."""
    found = set()
    for body in bodies:
        if "```" not in body and "~~~" not in body:
            continue
        for line in body.splitlines():
            match = FENCE_RE.match(line)
            if match and (lang := LANG_RE.match(match.group("info"))):
                found.add(lang.group("lang"))
    return found


def load_lexers(languages: Iterable[str], limit: int = 64) -> None:
    """Make the lexer of each language Pygments knows once (at most `limit`), so its module is imported and its
    token tables compiled; names it does not know are left alone (looking them up walks every plugin)."""
    from pygments.lexers import get_all_lexers, get_lexer_by_name

    known = {alias for _, aliases, _, _ in get_all_lexers(plugins=False) for alias in aliases}
    for language in sorted({lang.lower() for lang in languages} & known | {"text"})[:limit]:
        get_lexer_by_name(language)
