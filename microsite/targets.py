"""What a link may point to besides pages: the files a build publishes.

A path here is one under the site root, as a link writes it: 'static/style.css', 'data/facts.csv',
'en/guide/diagram.pdf' (a file beside pages under content/en/), 'assets/map.svg' (content/assets/,
shared by every language). Files beside pages are published at the same path under the site root.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Callable

from .model import Site

SHARED_ASSETS = "assets"  # content/assets/: files every language links to
SPECIAL_OUTPUTS = ("", "index.html", "404.html")  # the root language chooser and the not-found page


class FileTargets:
    """Answers whether a site path is a file the build publishes; generated outputs are listed lazily."""

    def __init__(self, site: Site, extras: Callable[[], set[str]]) -> None:
        self.site = site
        self._extras = extras

    @cached_property
    def extras(self) -> set[str]:
        """Return the generated files (sitemap, data files...): computed only if a link needs them."""
        return self._extras()

    def exists(self, path: str) -> bool:
        """Return whether `path` (under the site root, no leading '/') names a published file."""
        config = self.site.config
        if path in SPECIAL_OUTPUTS:
            return True
        if ".." in path.split("/") or "\\" in path or "\0" in path:
            return False
        first, _, rest = path.partition("/")
        if first == "static":
            return os.path.isfile(config.static_dir / rest)
        if first in config.codes or first == SHARED_ASSETS:
            return not path.endswith(".md") and os.path.isfile(config.content_dir / path)
        return path in self.extras

    def siblings(self, path: str) -> list[str]:
        """Return the published files in the folder of `path`, as site paths (for 'did you mean')."""
        config = self.site.config
        folder, _, _ = path.rpartition("/")
        first, _, rest = folder.partition("/")
        disk = (config.static_dir / rest if first == "static" else
                config.content_dir / folder if first in config.codes or first == SHARED_ASSETS else None)
        names: list[str] = []
        if disk is not None and disk.is_dir():
            names = [entry.name for entry in os.scandir(disk) if entry.is_file() and not entry.name.endswith(".md")]
        else:
            names = [extra.rpartition("/")[2] for extra in self.extras if extra.rpartition("/")[0] == folder]
        return sorted(f"{folder}/{name}" if folder else name for name in names)
