"""The preview's builds: the last good build kept, and after an edit only what it affects rebuilt.

`Preview` is a Builder that remembers what it saw: the stat of every input at the last good build,
the site and renderer it made. An edit of page bodies re-renders those pages and their translations;
anything else takes a full build, which the caches still make cheap. Which files changed comes from a
scan of every input, or from the operating system's notifications (watch.py) as a hint.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import time
from pathlib import Path
from typing import Callable, TypeVar

from . import memo
from .check import check_translations
from .config import load_config
from .content import load_page
from .errors import BuildError, BuildFailed, raise_if, unexpected_error
from .jobs import plan_jobs
from .model import Page
from .pipeline import Builder, BuildOptions, BuildResult, build_lock

T = TypeVar("T")


class Preview(Builder):
    """A Builder that remembers the last good build and rebuilds only what changed since."""

    def __init__(self, root: Path, options: BuildOptions) -> None:
        super().__init__(root, dataclasses.replace(options, preview=True, progress=False))
        self.good: dict[str, tuple[int, int]] = {}  # input file -> (size, mtime) at the last good build
        self.seen: dict[str, tuple[int, int]] = {}  # ... as the last build or rebuild found them
        self.errors: list[BuildError] = []  # of the last build; empty when it succeeded
        self.changed: list[str] = []  # the input files the last rebuild found changed

    @property
    def base_path(self) -> str:
        """Return the path the site is served under, even before a first good build."""
        if self.site is not None:
            return self.site.config.base_path
        try:
            return load_config(self.root, self.options.base_url).base_path
        except BuildFailed:
            return "/"

    def build(self, stats: dict[str, tuple[int, int]] | None = None) -> BuildResult:
        """Build everything (reusing what is unchanged) and remember the inputs it saw."""
        stats = _stats(self.root) if stats is None else stats
        self.seen = stats
        result = self._attempt(super().build)
        self.good, self.errors = stats, []
        return result

    def _attempt(self, step: Callable[[], T]) -> T:
        """Run a build step; any failure, expected or not, is kept in `errors` (the browser shows them)."""
        try:
            return step()
        except BuildFailed as exc:
            self.errors = exc.errors
            raise
        except Exception as exc:  # noqa: BLE001 -- a bug must reach the error page too, not just the terminal
            self.errors = [unexpected_error(exc)]
            raise BuildFailed(self.errors) from exc

    def changes(self, now: dict[str, tuple[int, int]] | None = None) -> list[str]:
        """Return the input files added, removed or modified since the last good build."""
        now = _stats(self.root) if now is None else now
        return sorted({path for path, _ in now.items() ^ self.good.items()})

    def has_links(self) -> bool:
        """Return whether the inputs, as last seen, include a symlink (file notifications may not follow it)."""
        return any(" -> " in path for path in self.seen)

    def stale(self) -> bool:
        """Return whether any input differs from what the last build or rebuild saw (a look at every file)."""
        return _stats(self.root) != self.seen

    def rebuild(self, hint: set[str] | None = None) -> BuildResult | None:
        """Rebuild after edits: just the edited pages when that is enough, else a full (cached) build.

        `hint` names the files the operating system says changed (microsite/watch.py): then only those
        are stat-ed, unless they may not tell the whole story; without it every input file is.
        """
        stats = self._restat(hint) if hint is not None else None
        stats = _stats(self.root) if stats is None else stats
        self.seen = stats
        self.changed = changed = self.changes(stats)
        if not changed and not self.errors:
            return None
        pages = self._attempt(lambda: self._page_only_edit(changed))  # re-reading an edited page can fail, too
        if pages is None:
            return self.build(stats)
        result = self._attempt(lambda: self._rebuild_pages(pages))
        self.good, self.errors = stats, []
        return result

    def _restat(self, paths: set[str]) -> dict[str, tuple[int, int]] | None:
        """Return the inputs' stats with just `paths` looked at again; None when a full scan is needed.

        That is when a folder appeared or went (what is inside it is not named), when a named path is not a
        regular file, or when the project has symlinks (notifications may not follow them).
        """
        if not self.seen or self.has_links():
            return None
        stats = dict(self.seen)
        for path in paths:
            if _scratch(path):
                continue
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                if f"{path}/" in stats:  # a folder went, with whatever it held
                    return None
                stats.pop(path, None)
                continue
            except OSError:
                return None
            if not stat.S_ISREG(st.st_mode) or f"{os.path.dirname(path)}/" not in stats:
                return None
            stats[path] = (st.st_size, st.st_mtime_ns)
        return stats

    def _page_only_edit(self, changed: list[str]) -> list[Page] | None:
        """Return the re-read pages when only page bodies (or their own front matter) changed, else None.

        A changed title, weight, date, description or alias shows elsewhere (navigation, sitemap, feeds,
        search pages, redirects), and an added or removed file changes links and translations: those take
        the full build.
        """
        if self.site is None or self.errors or not changed:
            return None
        known = self.site.by_source
        content = self.root / "content"
        pages = []
        for path in changed:
            rel = Path(path).relative_to(self.root).as_posix() if Path(path).is_absolute() else path
            old = known.get(rel)
            if old is None or not Path(path).is_file():
                return None
            page = load_page(self.site.config, old.lang, old.rel, content / old.lang / old.rel)
            if _shown_elsewhere(page) != _shown_elsewhere(old):
                return None
            pages.append(page)
        return pages

    def _rebuild_pages(self, pages: list[Page]) -> BuildResult:
        """Re-render the edited pages and their translations; everything else stays as it is."""
        started = time.perf_counter()
        assert self.site is not None and self.renderer is not None
        site = self.site.with_edited(pages)
        renderer = self.renderer.derive(site, {p.slug for p in pages})
        warnings = check_translations(site, renderer.statuses.values())
        raise_if(warnings if self.options.strict else [])
        slugs = sorted({p.slug for p in pages})
        for page in pages:
            path = self.root / page.source
            st = path.stat()
            self.loaded[str(path)] = (st.st_size, st.st_mtime_ns, page)
        with build_lock(self.root):  # as a full build does: a CLI build may be writing the same folder
            return self.render_and_write(site, renderer, plan_jobs(site, renderer, slugs), warnings, started,
                                         extras=False)


def _shown_elsewhere(page: Page) -> tuple[object, ...]:
    """Return what of a page other outputs show: navigation, sitemap, feeds, search pages, redirects."""
    return page.title, page.weight, page.date, page.description, page.aliases, page.draft


def _stats(root: Path) -> dict[str, tuple[int, int]]:
    """Return the stat of every input file, leaving out editors' swap, backup and lock files."""
    return {path: (size, mtime) for path, size, mtime in memo.snapshot(root, code=False) if not _scratch(path)}


def _scratch(path: str) -> bool:
    """Return whether a file is an editor's temporary file (.page.md.swp, page.md~, .#page.md)."""
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".#") or name.endswith(("~", ".swp", ".swx", ".tmp")) or (
        name.startswith(".") and "/content/" in path)
