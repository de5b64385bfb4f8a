"""The no-change shortcut: if no input file changed size or mtime since the last good build, skip it.

Only the standard library (and safeio's reader) is imported here, so an up-to-date check costs a few
milliseconds. Like git's index, a file changed within a second of being recorded is not trusted: the next
build then takes the full path, which compares content hashes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from .gitdates import head_files
from .safeio import read_cache_file

INPUTS = ("site.yaml", "content", "templates", "static")
DEPENDENCIES = ("markdown", "jinja2", "yaml", "babel", "pymdownx", "pygments", "PIL", "pagefind_bin_extended", "rcssmin",
                "rjsmin")
CACHE_DIR = ".cache"
_RACY_NS = 1_000_000_000


FOLDER, UNREADABLE = -1, -2  # sizes recorded for a folder, and for anything that cannot be read


def _walk(top: Path) -> list[tuple[str, int, int]]:
    """Return (path, size, mtime_ns) of every file, folder and symlink under `top` (or of `top`), sorted.

    Everything a build could notice counts: an empty folder (an unknown language), a symlink and
    where it points (a new linked folder, a dangling link), a folder that cannot be listed.
    """
    found: list[tuple[str, int, int]] = []
    try:
        st = os.lstat(top)
    except FileNotFoundError:
        return found
    except OSError:
        return [(top.as_posix(), UNREADABLE, 0)]
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        _add(str(top), st, found)
    if os.path.isdir(top):
        _scan(str(top), found, frozenset())
    return found


def _add(path: str, st: os.stat_result, found: list[tuple[str, int, int]]) -> None:
    """Record one entry: a symlink with its target, anything else with its size and mtime."""
    if stat.S_ISLNK(st.st_mode):
        try:
            path = f"{path} -> {os.readlink(path)}"
        except OSError:
            pass
    found.append((path, st.st_size, st.st_mtime_ns))


def _scan(folder: str, found: list[tuple[str, int, int]], seen: frozenset[tuple[int, int]]) -> None:
    """Add what is under `folder` to `found`, depth first in name order; linked folders once (no loops)."""
    try:
        st = os.stat(folder)
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        found.append((folder + "/", UNREADABLE, 0))
        return
    if (st.st_dev, st.st_ino) in seen:
        return  # a symlink loop: the link itself is recorded, and the build reports it
    seen = seen | {(st.st_dev, st.st_ino)}
    found.append((folder + "/", FOLDER, 0))
    folders = []
    for entry in entries:
        try:
            entry_stat = entry.stat(follow_symlinks=False)
            if entry.is_symlink():
                _add(entry.path, entry_stat, found)
            if entry.is_dir():
                folders.append(entry.path)
            elif not entry.is_symlink():
                _add(entry.path, entry_stat, found)
        except OSError:
            found.append((entry.path, UNREADABLE, 0))
    for path in folders:
        _scan(path, found, seen)


def snapshot(root: Path, code: bool = True) -> list[tuple[str, int, int]]:
    """Return the stat of every input file and (with `code`) of the generator and the libraries it runs."""
    stats = []
    for name in INPUTS:
        stats.extend(_walk(root / name))
    if not code:
        return stats
    for path in head_files(root):  # a commit changes pages' last-updated dates, not their files
        stats.extend(_walk(path))
    stats.extend(_walk(Path(__file__).parent))
    for package in DEPENDENCIES:  # an upgrade changes their files (find_spec does not import them)
        spec = importlib.util.find_spec(package)
        if spec and spec.origin:
            stats.extend(_walk(Path(spec.origin)))
    return stats


def _key(stats: list[tuple[str, int, int]], settings: str) -> str:
    return hashlib.blake2b(repr((settings, stats)).encode(), digest_size=16).hexdigest()


def _memo_path(root: Path, out: Path) -> Path:
    name = hashlib.blake2b(str(out.resolve()).encode(), digest_size=12).hexdigest()
    return root / CACHE_DIR / f"memo-{name}.json"


def _intact(out: Path, outputs: Any) -> bool:
    """Return whether every file the last build wrote is still there with its size and mtime, and nothing else.

    Folders are recorded with their mtime, which changes when a file is added to them or removed.
    """
    if not isinstance(outputs, dict) or not outputs:
        return False
    for rel, recorded in outputs.items():
        try:
            st = os.stat(os.path.join(out, rel))
        except OSError:
            return False
        if [0 if rel.endswith("/") else st.st_size, st.st_mtime_ns] != recorded:
            return False
    return True


def output_stats(out: Path, files: dict[str, list[int]]) -> dict[str, list[int]]:
    """Return `files` (path -> size, mtime) with every folder holding them (path/ -> 0, mtime)."""
    folders = {""}
    for rel in files:
        while "/" in rel:
            rel = rel.rsplit("/", 1)[0]
            folders.add(rel)
    stats = dict(files)
    for folder in sorted(folders):
        try:
            stats[(folder or ".") + "/"] = [0, os.stat(os.path.join(out, folder)).st_mtime_ns]
        except OSError:
            pass
    return stats


def up_to_date(root: Path, out: Path, settings: str) -> dict[str, Any] | None:
    """Return the last build's summary if nothing it read has changed and its output is intact."""
    raw = read_cache_file(_memo_path(root, out))
    try:
        memo = json.loads(raw.decode("utf-8")) if raw is not None else None
    except ValueError:  # UnicodeDecodeError too
        return None
    if not isinstance(memo, dict) or memo.get("key") != _key(snapshot(root), settings):
        return None
    if not _intact(out, memo.get("outputs")):
        return None
    return memo.get("summary")


def save(root: Path, out: Path, settings: str, stats: list[tuple[str, int, int]], summary: dict[str, Any],
         outputs: dict[str, list[int]]) -> None:
    """Record a successful build: `stats` taken before it read its inputs, `outputs` what it left in `out`."""
    path = _memo_path(root, out)
    racy = any(mtime > time.time_ns() - _RACY_NS for _, _, mtime in stats)
    try:
        if racy:  # a file written just now may change again within the same timestamp
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        memo = {"key": _key(stats, settings), "outputs": output_stats(out, outputs), "summary": summary}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(memo), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def settings(base_url: str | None, strict: bool, links: str | None = None, search: bool = True) -> str:
    """Return the build options that change the output, as part of the key."""
    return repr((base_url, strict, links) if search else (base_url, strict, links, "no search"))


def summary_line(counts: dict[str, Any], seconds: float, work: str, out: Path) -> str:
    """Return the line a build ends with: 'built 12 en, 12 zh pages (…) in 0.41 s (…) -> site/'."""
    pages = ", ".join(f"{n} {code}" for code, n in counts["pages"].items())
    extra = []
    if counts["outdated"]:
        extra.append(f"{counts['outdated']} outdated translation{'s' if counts['outdated'] != 1 else ''}")
    if counts["missing"]:
        extra.append(f"{counts['missing']} untranslated")
    note = f" ({'; '.join(extra)})" if extra else ""
    return f"built {pages} pages{note} in {seconds:.2f} s ({work}) -> {out}/"
