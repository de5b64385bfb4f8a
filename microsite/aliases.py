"""`aliases:` in front matter: the old addresses of a moved page, each to become a small redirect page.

Aliases are paths under the site root, as they were before the move, without the base path:
`/en/old-name/` (a folder address) or `/en/old-name.html` (a file address).
"""

from __future__ import annotations

import posixpath

from .write import safe_output_path

ALIAS_HINT = "an alias must be an old path on this site, like /en/old-page/"


def alias_out_path(alias: str) -> str | None:
    """Return the output file answering an old address ('/en/old/' -> 'en/old/index.html'), None if it is not one."""
    path = alias.strip()
    if not path or any(mark in path for mark in ("?", "#", "\\", "\0", " ")) or "//" in path or ":" in path:
        return None
    path = path.lstrip("/")
    if not path:
        return None
    if path.endswith("/"):
        out = path + "index.html"
    elif posixpath.splitext(path)[1] in (".html", ".htm"):
        out = path
    else:
        out = path + "/index.html"
    return safe_output_path(out)


def parse_aliases(value: object) -> tuple[tuple[str, ...], str | None]:
    """Return a page's aliases from front matter (a path or a list of paths), or an error message."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        return (), f"front matter: 'aliases' must be a list of old paths ({ALIAS_HINT})"
    bad = [item for item in items if alias_out_path(item) is None]
    if bad:
        return (), f"front matter: alias '{bad[0]}' is not a path: {ALIAS_HINT}"
    return tuple(item.strip() for item in items), None
