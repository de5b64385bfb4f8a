"""The no-change shortcut: if no input file changed size or mtime since the last good build, skip it.

Only the standard library is imported here, so an up-to-date check costs a few milliseconds.
Like git's index, a file changed within a second of being recorded is not trusted: the next
build then takes the full path, which compares content hashes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import time
from pathlib import Path
from typing import Any

INPUTS = ("site.yaml", "content", "templates", "static")
DEPENDENCIES = ("markdown", "jinja2", "yaml", "babel", "pagefind_bin_extended")
CACHE_DIR = ".cache"
_RACY_NS = 1_000_000_000


def _walk(top: Path) -> list[tuple[str, int, int]]:
    """Return (path, size, mtime_ns) of every file under `top` (or of `top` itself), sorted."""
    if top.is_file():
        st = top.stat()
        return [(top.as_posix(), st.st_size, st.st_mtime_ns)]
    found: list[tuple[str, int, int]] = []
    _scan(str(top), found)
    return found


def _scan(folder: str, found: list[tuple[str, int, int]]) -> None:
    """Add the files under `folder` to `found`, depth first in name order (os.walk's order, sorted)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        try:
            if entry.is_dir():
                if not entry.is_symlink():  # like os.walk: a linked folder is not entered
                    folders.append(entry.path)
                continue
            st = entry.stat()
        except OSError:
            continue
        found.append((entry.path, st.st_size, st.st_mtime_ns))
    for path in folders:
        _scan(path, found)


def snapshot(root: Path, code: bool = True) -> list[tuple[str, int, int]]:
    """Return the stat of every input file and (with `code`) of the generator and the libraries it runs."""
    stats = []
    for name in INPUTS:
        stats.extend(_walk(root / name))
    if not code:
        return stats
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
    """Return whether every file the last build wrote is still there with its size and mtime."""
    if not isinstance(outputs, dict) or not outputs:
        return False
    for rel, recorded in outputs.items():
        try:
            st = os.stat(os.path.join(out, rel))
        except OSError:
            return False
        if [st.st_size, st.st_mtime_ns] != recorded:
            return False
    return True


def up_to_date(root: Path, out: Path, settings: str) -> dict[str, Any] | None:
    """Return the last build's summary if nothing it read has changed and its output is intact."""
    try:
        memo = json.loads(_memo_path(root, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
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
        memo = {"key": _key(stats, settings), "outputs": outputs, "summary": summary}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(memo), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def settings(base_url: str | None, strict: bool, search: bool = True) -> str:
    """Return the build options that change the output, as part of the key."""
    return repr((base_url, strict)) if search else repr((base_url, strict, "no search"))


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
