"""The on-disk cache in .cache/: rendered Markdown bodies and the manifest of the last build.

Everything here is safe to delete. Every file carries a checksum of its own payload; a file
that does not match, or that an older generator wrote, is ignored and rebuilt, never served.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .model import digest
from .safeio import read_cache_file

CACHE_DIR = ".cache"
CACHE_VERSION = f"{__version__}/3"
# Libraries whose output ends up in pages: a new version may write different HTML or numbers.
LIBRARIES = ("Markdown", "Babel", "Jinja2", "MarkupSafe", "PyYAML", "Pygments", "pymdown-extensions", "rcssmin", "rjsmin")


@functools.cache
def code_digest() -> str:
    """Return a hash of the generator's own source and the versions of the libraries it renders with.

    Part of every cache key, so editing the generator (or upgrading a library) never serves output
    an older one made. Read once per process: about 40 small files.
    """
    package = Path(__file__).parent
    parts = [f"{path.relative_to(package).as_posix()}:{digest(path.read_bytes())}"
             for path in sorted(package.rglob("*.py"))]
    installed = installed_distributions(LIBRARIES)
    parts.extend(f"{name}={installed.get(name, '-')}" for name in LIBRARIES)
    return digest("|".join(parts))


_DIST_INFO = re.compile(r"(?P<name>[^-]+)-(?P<version>[^-]+?)(-py[^-]*)?\.(dist|egg)-info")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_distributions(names: tuple[str, ...]) -> dict[str, str]:
    """Return the version of each named distribution that is installed, from the first match on sys.path.

    Read from the names of the .dist-info (or .egg-info) folders, as importlib.metadata finds them,
    without importing importlib.metadata, which costs every command about 10 ms more.
    """
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in sorted(listing):
            match = _DIST_INFO.fullmatch(item)
            name = wanted.get(_normal(match["name"])) if match else None
            if name is not None and name not in found:
                found[name] = match["version"]
        if len(found) == len(wanted):
            break
    return found


def pack_json(payload: Any) -> bytes:
    """Return a cache file: version line, checksum line, JSON payload."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return f"{CACHE_VERSION}\n{digest(body)}\n".encode() + body


def unpack_json(data: bytes) -> Any | None:
    """Return the payload of a cache file, or None if it is from another version or damaged."""
    try:
        version, check, body = data.split(b"\n", 2)
        if version.decode() != CACHE_VERSION or check.decode() != digest(body):
            return None
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def write_atomic(path: Path, data: bytes | list[bytes | bytearray]) -> None:
    """Replace the file at `path` with `data` (bytes, or a list of parts written one after another) in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.writelines([data] if isinstance(data, bytes) else data)
    os.replace(tmp, path)


class BodyCache:
    """Converted Markdown by body key, in one SQLite file: what a body produced and what it depended on.

    Worker processes each open their own connection (after the fork) and write in one transaction
    per batch; SQLite serialises the writers.
    """

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / "bodies.sqlite"
        self.enabled = enabled
        self.memory: dict[str, dict[str, Any]] = {}  # kept by the preview server between rebuilds
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._pending: list[tuple[str, bytes]] = []

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None or self._pid != os.getpid():  # never share a connection across a fork
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS body (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
            except sqlite3.Error:
                self._reset()
                return None
            self._db, self._pid = db, os.getpid()
        return self._db

    def _reset(self) -> None:
        """Throw away a cache file SQLite cannot read; it is rebuilt as pages are converted.

        Where even that fails (a read-only .cache/), the cache is off for the rest of this build.
        """
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError:
            self.enabled = False
        self._db = None

    def get(self, key: str) -> dict[str, Any] | None:
        """Return the cached conversion for `key`, or None when absent or unreadable."""
        if not self.enabled:
            return None
        if key in self.memory:
            return self.memory[key]
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM body WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._reset()
            return None
        entry = unpack_json(row[0]) if row else None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None

    def put(self, key: str, entry: dict[str, Any], keep: bool = False) -> None:
        """Queue one conversion for writing (and keep it in memory when `keep`)."""
        if not self.enabled:
            return
        entry = dict(entry, key=key)
        if keep:
            self.memory[key] = entry
        self._pending.append((key, pack_json(entry)))

    def flush(self) -> None:
        """Write queued conversions in one transaction; a cache that cannot be written only costs time."""
        pending, self._pending = self._pending, []
        db = self._connect() if pending else None
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO body (key, data) VALUES (?, ?)", pending)
            db.execute("COMMIT")
        except sqlite3.Error:
            self._reset()


def manifest_path(root: Path, out: Path) -> Path:
    """Return where the manifest of builds into `out` lives."""
    return root / CACHE_DIR / f"manifest-{digest(str(out.resolve()))}.json"


def load_manifest(root: Path, out: Path) -> dict[str, dict[str, Any]]:
    """Return the last build's outputs (path -> key, hash, stat, deps), or {} when unusable."""
    raw = read_cache_file(manifest_path(root, out))
    data = unpack_json(raw) if raw is not None else None
    return data if isinstance(data, dict) else {}


def save_manifest(root: Path, out: Path, outputs: dict[str, dict[str, Any]]) -> None:
    """Record what the build wrote, for the next one."""
    try:
        write_atomic(manifest_path(root, out), pack_json(outputs))
    except OSError:
        pass
