"""Stylesheets and scripts are published minified (comments and spaces out), so every page loads less.

The sources in static/ keep their comments; rcssmin and rjsmin (small, regex-based, the same author's
well-kept pair) do the work. A file that does not decode as UTF-8 is published as it is.
"""

from __future__ import annotations

import rcssmin
import rjsmin

MINIFIER = f"rcssmin {rcssmin.__version__}, rjsmin {rjsmin.__version__}"  # part of the static files' keys


def minify(rel: str, data: bytes) -> bytes:
    """Return a file's bytes as published: .css and .js minified, everything else as it is."""
    if not rel.endswith((".css", ".js")):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    small = rcssmin.cssmin(text) if rel.endswith(".css") else rjsmin.jsmin(text)
    return small.encode("utf-8")
