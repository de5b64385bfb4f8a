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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .errors import BuildError, BuildFailed
from .model import digest

if TYPE_CHECKING:
    from .jobs import Outcome, RenderState

BUNDLE = "pagefind/"  # the bundle's folder in the output; static/search.js loads BUNDLE + "pagefind.js"
ENTRY = BUNDLE + "pagefind-entry.json"  # names every other index file: published last
# Pagefind's ready-made interfaces and highlighter: the site uses the JS API with its own small UI instead.
UNUSED = re.compile(r"pagefind-(ui|component-ui|modular-ui|highlight)\.(js|css)$")
TIMEOUT_SECONDS = 900
BINARY_ENV = "PAGEFIND_BINARY_PATH"  # Pagefind's own variable: run another binary than the wheel's
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
        raise BuildFailed([BuildError("search", None, f"Pagefind's extended binary is missing ({exc}); {HINT}")]) from None


def run_pagefind(site_dir: Path, bundle_dir: Path) -> None:
    """Index the HTML under `site_dir` into `bundle_dir`; raise BuildFailed with one line when Pagefind fails."""
    binary = pagefind_binary()
    command = [str(binary), "--site", str(site_dir), "--output-path", str(bundle_dir), "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise BuildFailed([BuildError("search", None, f"Pagefind took more than {TIMEOUT_SECONDS} s; {HINT}")]) from None
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


def index_outputs(state: "RenderState", outcomes: dict[str, "Outcome"], pages: list[str]) -> IndexRun:
    """Index `pages` (output paths of this build) and stage the bundle; reuse the last one if no page changed."""
    from .jobs import store
    key = index_key((path, outcomes[path].hash) for path in pages)
    old = {path: o for path, o in state.previous.items() if path.startswith(BUNDLE)}
    if old and ENTRY in old and all(o.key == key and o.still_there(state.out) for o in old.values()):
        return IndexRun(old)
    sources = {path: (state.writer.staging if outcomes[path].written else state.out) / path for path in pages}
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f"{state.out.name}.tmp-search-", dir=state.out.parent))
    try:
        link_pages(work / "site", sources)
        run_pagefind(work / "site", work / "bundle")
        fresh = {}
        for rel in bundle_files(work / "bundle"):
            path = BUNDLE + rel
            data = (work / "bundle" / rel).read_bytes()
            fresh[path] = store(state, path, canonical_entry(data) if path == ENTRY else data, key)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return IndexRun(fresh, time.perf_counter() - started)


def carried_over(previous: dict[str, "Outcome"], out: Path) -> dict[str, "Outcome"]:
    """Return the last bundle's outcomes while its files are intact (the preview re-indexes later, on idle)."""
    old = {path: o for path, o in previous.items() if path.startswith(BUNDLE)}
    return old if old and all(o.still_there(out) for o in old.values()) else {}


def search_outputs(state: "RenderState", outcomes: dict[str, "Outcome"], pages: list[str], enabled: bool,
                   preview: bool) -> IndexRun:
    """Return the bundle a full build publishes: none without search, the last one in the preview, else fresh."""
    if not enabled:
        return IndexRun({})
    if preview:
        return IndexRun(carried_over(state.previous, state.out))
    return index_outputs(state, outcomes, pages)
