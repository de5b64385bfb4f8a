"""The page the preview shows while the last build failed."""

from __future__ import annotations

import html
from typing import Iterable

from .errors import BuildError


def error_page(errors: Iterable[BuildError]) -> bytes:
    """Return the page the browser shows while the last build failed."""
    items = "\n".join(f"<li><code>{html.escape(str(e))}</code></li>" for e in errors)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>Build failed</title>\n<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}"
        "li{margin:.5rem 0}code{white-space:pre-wrap}</style>\n</head>\n<body>\n"
        "<h1>Build failed</h1>\n<p>The site below was not updated. Fix the file and save: this page reloads by itself.</p>\n"
        f"<ul class=\"build-errors\">\n{items}\n</ul>\n</body>\n</html>\n"
    ).encode("utf-8")
