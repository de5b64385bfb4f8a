"""Finding a code block's Pygments lexer by name: each name looked up once per process.

pymdownx.highlight asks Pygments for a lexer by name for every code block. For a name Pygments does not
know (mermaid, plantuml, a typo), Pygments walks its ~600 built-in lexers and then every installed
plugin (through importlib.metadata's entry points) before giving up: about 2 ms, on every such block of
every page. Here the class found for a name, or that there is none, is kept; each block still gets a
new lexer with its own options, exactly as from `pygments.lexers.get_lexer_by_name`.
"""

from __future__ import annotations

import functools
from typing import Any

import pymdownx.highlight
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound


@functools.lru_cache(maxsize=1024)
def _lexer_class(alias: str) -> type[Lexer] | None:
    try:
        return find_lexer_class_by_name(alias)
    except ClassNotFound:
        return None


def get_lexer_by_name(alias: str, **options: Any) -> Lexer:
    """Return a new lexer for `alias` with `options`; raise ClassNotFound as Pygments does."""
    cls = _lexer_class(alias.lower()) if alias else None
    if cls is None:
        raise ClassNotFound(f"no lexer for alias {alias!r} found")
    return cls(**options)


def use_lexer_cache() -> None:
    """Make pymdownx.highlight find lexers through get_lexer_by_name above."""
    pymdownx.highlight.get_lexer_by_name = get_lexer_by_name
