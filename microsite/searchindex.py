"""The Pagefind bundle, made one unit at a time: only units whose pages changed are indexed again.

Pagefind keeps a separate index per `<html lang>` (its files are named after the language and a hash of the
index) and has no incremental mode, so this module runs it once per unit of indexing and merges the runs'
entry files. A unit is a language, or one shard of a large language (searchshards.py). A one-page edit
re-indexes that page's unit; the other units' files stay as published. Which files belong to which unit is
in each file's outcome key (`unit:hash of its pages`); the runtime files every run writes alike
(pagefind.js, its worker, wasm.unknown.pagefind) are shared. Whatever the reused parts, the bundle is
checked whole before it is kept: every language in the entry file has its metadata and its wasm, every
shard its entry file and metadata, or every unit is indexed again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .errors import BuildError, BuildFailed
from .model import digest
from .searchshards import SHARDS_FILE, group_pages, is_shard, shard_publishes, shards_manifest, unit_folder

if TYPE_CHECKING:
    from .jobs import Outcome, RenderState

BUNDLE = "pagefind/"  # the bundle's folder in the output; static/search.js loads BUNDLE + "pagefind.js"
ENTRY = BUNDLE + "pagefind-entry.json"  # names every other index file: published last
SHARDS = BUNDLE + SHARDS_FILE  # the shards search.js merges into the index (searchshards.py)
# Pagefind's ready-made interfaces and highlighter: the site uses the JS API with its own small UI instead.
UNUSED = re.compile(r"pagefind-(ui|component-ui|modular-ui|highlight)\.(js|css)$")
SHARED = {BUNDLE + name for name in ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")}
META = re.compile(re.escape(BUNDLE) + r"pagefind\.(.+)\.pf_meta")  # one per indexed language: its hash
TIMEOUT_SECONDS = 900
PARALLEL_RUNS = 1  # Pagefind processes at once (make_bundles): each takes 70-125 MB at 256 pages
BINARY_ENV = "PAGEFIND_BINARY_PATH"  # Pagefind's own variable: run another binary than the wheel's
HINT = "install it with pip install 'pagefind[extended]', or build without search: --no-search"
BODY_ATTRIBUTE = b"data-pagefind-body"
# What Pagefind may read outside the body elements: its attributes, and the first h1 and img as metadata.
_READ_ANYWHERE = (re.compile(rb"<h1[\s>]"), re.compile(rb"<img[\s/>]"), re.compile(rb"data-pagefind-(?!body|ignore)"))
_HTML_TAG = re.compile(rb"<html[^>]*>", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>.*?</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Page:
    """One page to index: its output path, its <html lang>, the hash of what the index reads and its file."""

    out_path: str
    html_lang: str
    hash: str
    file: Path


@dataclass(frozen=True)
class IndexPlan:
    """What indexing must do: the units to index (unit -> pages) and the published parts to keep."""

    key: str  # the whole index's key: the entry file's
    keys: dict[str, str]  # unit -> key of its pages
    todo: dict[str, list[Page]]
    kept: dict[str, "Outcome"] = field(default_factory=dict)  # files of the units not indexed again
    entries: dict[str, Any] = field(default_factory=dict)  # unit -> its part of the entry's "languages" ({}: a shard)
    rest: dict[str, Any] = field(default_factory=dict)  # the published entry's other keys (version, ...)


def indexed_digest(html: bytes) -> str:
    """Return a hash of every part of a page its search index may depend on; a change elsewhere leaves it as is.

    On a page with `data-pagefind-body`, Pagefind indexes those elements and reads metadata from the page's
    language, title and any other data-pagefind- attributes. So the hash covers the <html> tag, the <title>
    and everything from the first body element on; a notice or navigation before it does not count (an
    English edit puts an 'outdated' notice on its Chinese translation, and Chinese need not be indexed
    again). Where anything before the first body element could be read (an h1, an img, an attribute),
    or there is none, the whole page counts.
    """
    start = _body_start(html)
    head = html[:start]
    lowered = head.lower()  # then searched for literals: a case-insensitive alternation took ten times as long
    if start < 0 or any(pattern.search(lowered) for pattern in _READ_ANYWHERE):
        return digest(html)
    parts = [match.group(0) if match else b"" for match in (_HTML_TAG.search(head), _TITLE.search(head))]
    return digest(b"\0".join([*parts, html[start:]]))


def _body_start(html: bytes) -> int:
    """Return where the first tag with a data-pagefind-body attribute starts, or -1 (text naming it is no tag)."""
    at = html.find(BODY_ATTRIBUTE)
    while at > 0:
        tag = html.rfind(b"<", 0, at)
        after = html[at + len(BODY_ATTRIBUTE):at + len(BODY_ATTRIBUTE) + 1]
        if (tag >= 0 and html.find(b">", tag, at) < 0 and html[tag + 1:tag + 2].isalpha()
                and html[at - 1:at].isspace() and (after.isspace() or after in (b"=", b"/", b">"))):
            return tag
        at = html.find(BODY_ATTRIBUTE, at + 1)
    return -1


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


def canonical_entry(entry: dict[str, Any]) -> bytes:
    """Return pagefind-entry.json with its keys sorted (Pagefind writes its languages in a varying order)."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def tool_key() -> tuple[str, int, int]:
    """Return what identifies the Pagefind that indexes: its path, size and time."""
    binary = pagefind_binary()
    try:
        st = binary.stat()
        return str(binary), st.st_size, st.st_mtime_ns
    except OSError:
        return str(binary), 0, 0


def unit_keys(units: Mapping[str, Iterable[Page]]) -> dict[str, str]:
    """Return each unit's key: Pagefind itself and the output path and hash of each of its pages."""
    tool = tool_key()
    return {unit: f"{unit}:{digest(repr((tool, UNUSED.pattern, sorted((p.out_path, p.hash) for p in group))))}"
            for unit, group in units.items()}


def page_to_index(out_path: str, html_lang: str, outcome: "Outcome", folder: Path) -> Page:
    """Return a built page as the index sees it: what counts as a change is what the index reads."""
    return Page(out_path, html_lang, outcome.indexed or outcome.hash, folder / out_path)


def published_bundle(previous: Mapping[str, "Outcome"], out: Path) -> dict[str, "Outcome"]:
    """Return the last build's bundle if its entry file and every other file are in `out` as written, else {}."""
    bundle = {path: o for path, o in previous.items() if path.startswith(BUNDLE)}
    return bundle if ENTRY in bundle and all(o.still_there(out) for o in bundle.values()) else {}


def full_plan(pages: list[Page], shard_pages: int) -> IndexPlan:
    """Return the plan that indexes every unit afresh."""
    units = group_pages(pages, shard_pages)
    keys = unit_keys(units)
    todo = units or {"": []}  # no pages: Pagefind says so, as a build always reported
    return IndexPlan(digest(repr(sorted(keys.values()))), keys, todo)


def plan_index(previous: Mapping[str, "Outcome"], out: Path, pages: list[Page], shard_pages: int) -> IndexPlan | None:
    """Return what to index for `pages`, or None when the published bundle was made from exactly these pages."""
    full = full_plan(pages, shard_pages)
    bundle = published_bundle(previous, out)
    if not bundle:
        return full
    if bundle[ENTRY].key == full.key:
        return None
    kept, entries, rest = _reusable(bundle, out, full.keys)
    todo = {unit: group for unit, group in full.todo.items() if unit not in entries}
    if not todo and not all(path in kept for path in SHARED):  # the runtime files come from a fresh run only
        return full
    return IndexPlan(full.key, full.keys, todo, kept, entries, rest)


def _reusable(bundle: Mapping[str, "Outcome"], out: Path, keys: dict[str, str]) -> tuple[dict, dict, dict]:
    """Return the published files and entry parts of the units whose pages are unchanged."""
    try:
        published = json.loads((out / ENTRY).read_bytes())
        languages = published["languages"]
        rest = {k: v for k, v in published.items() if k != "languages"}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}, {}
    if not isinstance(languages, dict):
        return {}, {}, {}
    kept: dict[str, Outcome] = {path: o for path, o in bundle.items() if path in SHARED}
    entries: dict[str, Any] = {}
    for unit, key in keys.items():
        files = {path: o for path, o in bundle.items() if o.key == key}
        if is_shard(unit):  # a folder of its own, entry file and all
            if unit_folder(BUNDLE, unit) + "pagefind-entry.json" in files:
                kept.update(files)
                entries[unit] = {}
            continue
        hashes = {m.group(1) for m in map(META.fullmatch, files) if m}
        found = {name: data for name, data in languages.items()
                 if isinstance(data, dict) and data.get("hash") in hashes}
        if hashes and len(found) == len(hashes):
            kept.update(files)
            entries[unit] = found
    return kept, entries, rest


def return_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc only), so Pagefind's runs add to less.

    Rendering leaves several MB free but held by this process (about 12 MB at 8,000 pages); a collection
    finds no garbage then, so none is run.
    """
    import ctypes  # only here: a build without search never needs it
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def make_bundles(out: Path, todo: Mapping[str, list[Page]]) -> Path:
    """Run Pagefind once per unit of `todo`, PARALLEL_RUNS at a time, in a work folder beside `out`.

    Unit number i is indexed from work/site-i into work/bundle-i; the caller removes the folder. A shard of
    a few hundred pages leaves the second core idle much of the time: two side by side took 75-85% of the
    time of one after the other (make_bundles at 4,000 pages per language: 18-19 s instead of 28-30 s), but
    both hold their peak (a Chinese shard: 126 MiB) at once, beside our own process (117 MiB then): 357 MiB in
    all against 243 MiB (255 MB) one at a time, and issue 18's budget is 250 MB. So one at a time; the next
    unit's pages are linked into its folder meanwhile. After a failure no other run starts. (A command-line
    build now releases the pages' Markdown before this runs: our process then holds 85 MiB.)
    """
    work = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-search-", dir=out.parent))
    runs, failed = threading.Semaphore(PARALLEL_RUNS), threading.Event()

    def index(number: int, group: list[Page]) -> None:
        link_pages(work / f"site-{number}", {page.out_path: page.file for page in group})
        with runs:
            if failed.is_set():
                return
            try:
                run_pagefind(work / f"site-{number}", work / f"bundle-{number}")
            except BaseException:
                failed.set()
                raise

    pool = ThreadPoolExecutor(max_workers=max(1, min(PARALLEL_RUNS + 1, len(todo))))
    try:
        try:
            for done in [pool.submit(index, number, group) for number, group in enumerate(todo.values())]:
                done.result()  # the first failure, in unit order
        finally:
            failed.set()  # after a failure, no unit not yet started starts (nor one waiting for its turn)
            pool.shutdown(cancel_futures=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return work


def link_pages(view: Path, sources: dict[str, Path]) -> None:
    """Make `view` a folder of the given pages (hard links; copies where links are impossible)."""
    view.mkdir()
    for rel, source in sorted(sources.items()):
        target = view / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def stage_bundles(state: "RenderState", plan: IndexPlan, work: Path) -> dict[str, "Outcome"] | None:
    """Write the made bundles and the merged entry into the staging folder; return the bundle's outcomes.

    Return None, having written nothing, when the kept parts and the new ones do not make a whole bundle.
    """
    from .jobs import store
    made: dict[str, tuple[bytes, str]] = {}
    entry: dict[str, Any] = {**plan.rest, "languages": {}}
    for found in plan.entries.values():
        entry["languages"].update(found)
    for number, unit in enumerate(plan.todo):
        folder, key = work / f"bundle-{number}", plan.keys.get(unit, "")
        if is_shard(unit):
            made.update(_shard_files(folder, unit_folder(BUNDLE, unit), key))
            continue
        for rel in bundle_files(folder):
            path, data = BUNDLE + rel, (folder / rel).read_bytes()
            if path == ENTRY:
                part = _read_entry(data)
                entry.update({k: v for k, v in part.items() if k != "languages"})
                entry["languages"].update(part["languages"])
            elif made.setdefault(path, (data, key))[0] != data:
                return None  # two languages wrote one file differently: index them together
    paths = set(plan.kept) | set(made)
    if not all(BUNDLE + f"pagefind.{data.get('hash')}.pf_meta" in paths
               and (not data.get("wasm") or BUNDLE + f"wasm.{data['wasm']}.pagefind" in paths)
               for data in entry["languages"].values()):
        return None
    if not all(_whole_shard(paths, unit_folder(BUNDLE, unit)) for unit in plan.keys if is_shard(unit)):
        return None
    outcomes = {path: o for path, o in plan.kept.items() if path not in made}
    for path, (data, key) in sorted(made.items()):
        outcomes[path] = store(state, path, data, "" if path in SHARED else key)
    outcomes[SHARDS] = store(state, SHARDS, shards_manifest(plan.keys), plan.key)
    outcomes[ENTRY] = store(state, ENTRY, canonical_entry(entry), plan.key)
    return outcomes


def _read_entry(data: bytes) -> dict[str, Any]:
    """Return an entry file Pagefind wrote; raise BuildFailed with one line when it is not one."""
    try:
        entry = json.loads(data)
        if isinstance(entry, dict) and isinstance(entry["languages"], dict):
            return entry
    except (ValueError, KeyError, TypeError):
        pass
    raise BuildFailed([BuildError("search", None, f"Pagefind wrote an entry file this build cannot read; {HINT}")])


def _shard_files(folder: Path, prefix: str, key: str) -> dict[str, tuple[bytes, str]]:
    """Return what a shard publishes (under `prefix`) of the bundle Pagefind made in `folder`."""
    files = {}
    for rel in filter(shard_publishes, bundle_files(folder)):
        data = (folder / rel).read_bytes()
        files[prefix + rel] = (canonical_entry(_read_entry(data)) if rel == "pagefind-entry.json" else data, key)
    return files


def _whole_shard(paths: set[str], prefix: str) -> bool:
    """Return whether a shard's folder has its entry file and its metadata."""
    return prefix + "pagefind-entry.json" in paths and any(
        path.startswith(prefix) and path.endswith(".pf_meta") for path in paths)


def index_pages(state: "RenderState", pages: list[Page], shard_pages: int) -> tuple[dict[str, "Outcome"], float]:
    """Index `pages` into the staging folder (reusing what is unchanged); return the bundle and Pagefind's time."""
    plan = plan_index(state.previous, state.out, pages, shard_pages)
    if plan is None:
        return published_bundle(state.previous, state.out), 0.0
    started = time.perf_counter()
    return_free_memory()
    attempts = [plan, full_plan(pages, shard_pages)] if plan.kept else [plan]
    for attempt in attempts:  # what was kept may not fit what was made: then index everything
        work = make_bundles(state.out, attempt.todo)
        try:
            outcomes = stage_bundles(state, attempt, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if outcomes is not None:
            return outcomes, time.perf_counter() - started
    raise BuildFailed([BuildError("search", None, f"Pagefind's indexes of two languages disagree; {HINT}")])
