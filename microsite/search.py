"""Search: index the built pages with Pagefind after a successful render, one index per <html lang>.

Pagefind's extended build (the `pagefind[extended]` wheel ships the binary, so nothing is downloaded at
build time) segments Chinese into words, which the plain build cannot. It indexes a folder of hard links
to this build's pages, so the root chooser, the 404 page, redirects, search pages and 'not translated yet'
stubs never reach the index, and the bundle is written through the staging folder like every other output:
published atomically with the pages it describes, or not at all. Templates mark what to index with
`data-pagefind-body` and leave out notices and tables of contents with `data-pagefind-ignore`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterable

from .errors import BuildError, BuildFailed
from .model import digest

if TYPE_CHECKING:
    from .jobs import Outcome, RenderState
    from .pipeline import Builder

BUNDLE = "pagefind/"  # the bundle's folder in the output; static/search.js loads BUNDLE + "pagefind.js"
ENTRY = BUNDLE + "pagefind-entry.json"  # names every other index file: published last
# Pagefind's ready-made interfaces and highlighter: the site uses the JS API with its own small UI instead.
UNUSED = re.compile(r"pagefind-(ui|component-ui|modular-ui|highlight)\.(js|css)$")
TIMEOUT_SECONDS = 900
BINARY_ENV = "PAGEFIND_BINARY_PATH"  # Pagefind's own variable: run another binary than the wheel's
IDLE_SECONDS = 0.8  # the preview re-indexes once rebuilds have paused this long
HINT = "install it with pip install 'pagefind[extended]', or build without search: --no-search"


@dataclass(frozen=True)
class IndexRun:
    """What one indexing did: the bundle's outcomes and the seconds Pagefind took (0 when reused)."""

    outcomes: dict[str, "Outcome"]
    seconds: float = 0.0


def pagefind_binary() -> Path:
    """Return the Pagefind extended binary; raise BuildFailed with one line when there is none."""
    override = os.environ.get(BINARY_ENV)
    if override:
        return Path(override)
    try:
        from pagefind_bin_extended import get_executable
        return Path(get_executable())
    except (ImportError, OSError) as exc:
        message = f"Pagefind's extended binary is missing ({exc}); {HINT}"
        raise BuildFailed([BuildError("search", None, message)]) from None


def run_pagefind(site_dir: Path, bundle_dir: Path) -> None:
    """Index the HTML under `site_dir` into `bundle_dir`; raise BuildFailed with one line when Pagefind fails."""
    binary = pagefind_binary()
    command = [str(binary), "--site", str(site_dir), "--output-path", str(bundle_dir), "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        message = f"Pagefind took more than {TIMEOUT_SECONDS} s; {HINT}"
        raise BuildFailed([BuildError("search", None, message)]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise BuildFailed([BuildError("search", None, f"cannot run Pagefind at {binary}: {reason}; {HINT}")]) from None
    if done.returncode != 0 or not (bundle_dir / "pagefind-entry.json").is_file():
        said = (done.stderr or done.stdout).decode("utf-8", errors="replace").strip().splitlines()
        last = said[-1].strip() if said else f"exit status {done.returncode}"
        raise BuildFailed([BuildError("search", None, f"Pagefind failed: {last}; {HINT}")])


def bundle_files(bundle_dir: Path) -> list[str]:
    """Return the files of a Pagefind bundle that the site publishes, relative and sorted."""
    files = []
    for folder, dirs, names in os.walk(bundle_dir):
        dirs.sort()
        for name in sorted(names):
            rel = Path(folder, name).relative_to(bundle_dir).as_posix()
            if not UNUSED.fullmatch(rel):
                files.append(rel)
    return files


def canonical_entry(data: bytes) -> bytes:
    """Return pagefind-entry.json with its keys sorted: Pagefind writes its languages in a varying order."""
    return json.dumps(json.loads(data), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def index_key(pages: Iterable[tuple[str, str]]) -> str:
    """Return what an index is made from: Pagefind itself and each page's output path and content hash."""
    binary = pagefind_binary()
    try:
        st = binary.stat()
        tool = (str(binary), st.st_size, st.st_mtime_ns)
    except OSError:
        tool = (str(binary), 0, 0)
    return digest(repr((tool, UNUSED.pattern, sorted(pages))))


def link_pages(view: Path, sources: dict[str, Path]) -> None:
    """Make `view` a folder of the given pages (hard links; copies where links are impossible)."""
    for rel, source in sorted(sources.items()):
        target = view / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def publish_order(path: str) -> tuple[bool, str]:
    """Sort key for publishing: the index's entry file moves in last, after every file it names."""
    return path == ENTRY, path


def make_bundle(out: Path, sources: dict[str, Path]) -> Path:
    """Run Pagefind over `sources` (output path -> file) in a work folder beside `out`; return the folder.

    The bundle is in its 'bundle/' subfolder; the caller removes the folder when done with it.
    """
    work = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-search-", dir=out.parent))
    try:
        link_pages(work / "site", sources)
        run_pagefind(work / "site", work / "bundle")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return work


def stage_bundle(state: "RenderState", work: Path, key: str) -> dict[str, "Outcome"]:
    """Write a made bundle into the staging folder (unchanged files are kept); return its outcomes."""
    from .jobs import store
    fresh = {}
    for rel in bundle_files(work / "bundle"):
        path = BUNDLE + rel
        data = (work / "bundle" / rel).read_bytes()
        fresh[path] = store(state, path, canonical_entry(data) if path == ENTRY else data, key)
    return fresh


def current_bundle(previous: dict[str, "Outcome"], out: Path, key: str | None = None) -> dict[str, "Outcome"]:
    """Return the last bundle's outcomes if its files are intact (and it was made from `key`, if given), else {}."""
    old = {path: o for path, o in previous.items() if path.startswith(BUNDLE)}
    if ENTRY not in old or not all(o.still_there(out) and (key is None or o.key == key) for o in old.values()):
        return {}
    return old


def index_outputs(state: "RenderState", outcomes: dict[str, "Outcome"], pages: list[str]) -> IndexRun:
    """Index `pages` (output paths of this build) and stage the bundle; reuse the last one if no page changed."""
    key = index_key((path, outcomes[path].hash) for path in pages)
    reused = current_bundle(state.previous, state.out, key)
    if reused:
        return IndexRun(reused)
    started = time.perf_counter()
    sources = {path: (state.writer.staging if outcomes[path].written else state.out) / path for path in pages}
    work = make_bundle(state.out, sources)
    try:
        fresh = stage_bundle(state, work, key)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return IndexRun(fresh, time.perf_counter() - started)


def search_outputs(state: "RenderState", outcomes: dict[str, "Outcome"], pages: list[str], enabled: bool,
                   preview: bool) -> IndexRun:
    """Return the bundle a full build publishes: none without search, the last one in the preview, else fresh."""
    if not enabled:
        return IndexRun({})
    if preview:  # the preview server re-indexes on idle (IdleIndexer); until then the last bundle stays
        return IndexRun(current_bundle(state.previous, state.out))
    return index_outputs(state, outcomes, pages)


class IdleIndexer:
    """Keeps the preview server's search index current: re-indexes in a thread once rebuilds pause.

    Pagefind indexes the whole site every time (about 0.3 s of CPU for a small site, most of it loading the
    Chinese dictionary), too slow to run after every save; so it runs IDLE_SECONDS after the last rebuild,
    off the server's loop, and the bundle is swapped in under the build lock like any build's files. An index
    made from pages that a newer build replaced meanwhile is thrown away and made again.
    """

    def __init__(self, builder: "Builder", loop: Any, lock: Callable[[], ContextManager[None]],
                 report: Callable[[str], None]) -> None:
        self.builder, self.loop, self.lock, self.report = builder, loop, lock, report
        self.timer: Any = None
        self.running = False
        self.generation = 0  # counts builds: an index started before the latest one is stale

    def after_build(self) -> None:
        """Note a successful build; re-index once no other build follows within IDLE_SECONDS."""
        if not self.builder.options.search:
            return
        self.generation += 1
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
        self.timer = self.loop.call_later(IDLE_SECONDS, self.start)

    def start(self) -> None:
        """Start indexing the pages of the last build in a thread, unless the index already matches them."""
        self.timer = None
        builder, records = self.builder, self.builder.records
        if self.running or builder.site is None or records is None:
            return  # when running, finish() starts again for the build that came in meanwhile
        pages = [page.out_path for page in builder.site.pages if page.out_path in records]
        key = index_key((path, records[path].hash) for path in pages)
        if current_bundle(records, builder.out, key):
            return
        self.running = True
        generation, started = self.generation, time.perf_counter()
        future = self.loop.run_in_executor(None, make_bundle, builder.out, {p: builder.out / p for p in pages})
        self.loop.add_future(future, lambda done: self.finish(done, generation, key, started))

    def finish(self, done: Any, generation: int, key: str, started: float) -> None:
        """Publish a finished index, or start again if a build replaced pages while it ran."""
        self.running = False
        try:
            work = done.result()
        except BuildFailed as exc:
            self.report("; ".join(str(error) for error in exc.errors))
            return
        except OSError:  # a page vanished while being linked: a newer build will have scheduled another run
            work = None
        try:
            if work is None or generation != self.generation:
                if self.timer is None:
                    self.timer = self.loop.call_later(0, self.start)
                return
            self.publish(work, key)
            self.report(f"search index updated in {time.perf_counter() - started:.2f} s")
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)

    def publish(self, work: Path, key: str) -> None:
        """Publish the new bundle the way every build publishes: a complete staged site swapped in whole."""
        from .jobs import RenderState
        from .write import Writer
        builder = self.builder
        with self.lock():
            records = builder.records or {}
            staging = builder.output.prepare()
            state = RenderState(builder.site, builder.renderer, builder.cache, Writer(staging), records,
                                builder.out)
            try:
                fresh = stage_bundle(state, work, key)
                outputs = {path: o for path, o in records.items() if not path.startswith(BUNDLE)}
                outputs.update(fresh)
                builder.output.publish({path: o.written for path, o in outputs.items()})
            except BaseException:
                builder.output.failed()
                raise
            builder.records = {path: replace(o, written=False) if o.written else o
                               for path, o in sorted(outputs.items())}
