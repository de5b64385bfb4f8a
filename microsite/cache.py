"""The on-disk cache in .cache/: rendered Markdown bodies and the manifest of the last build.

Everything here is safe to delete. Every file carries a checksum of its own payload; a file
that does not match, or that an older generator wrote, is ignored and rebuilt, never served.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .model import digest

CACHE_DIR = ".cache"
CACHE_VERSION = f"{__version__}/1"


def _pack(payload: Any) -> bytes:
    """Return a cache file: version line, checksum line, JSON payload."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return f"{CACHE_VERSION}\n{digest(body)}\n".encode() + body


def _unpack(data: bytes) -> Any | None:
    """Return the payload of a cache file, or None if it is from another version or damaged."""
    try:
        version, check, body = data.split(b"\n", 2)
        if version.decode() != CACHE_VERSION or check.decode() != digest(body):
            return None
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass
class BodyCache:
    """Rendered Markdown by body key: what converting a body produced, and what it depended on."""

    root: Path
    enabled: bool = True
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)  # kept by the preview server

    def _path(self, key: str) -> Path:
        return self.root / CACHE_DIR / "body" / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """Return the cached conversion for `key`, or None when absent or unreadable."""
        if not self.enabled:
            return None
        if key in self.memory:
            return self.memory[key]
        try:
            entry = _unpack(self._path(key).read_bytes())
        except OSError:
            return None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None

    def put(self, key: str, entry: dict[str, Any], keep: bool = False) -> None:
        """Store one conversion (on disk, and in memory when `keep`)."""
        if not self.enabled:
            return
        entry = dict(entry, key=key)
        if keep:
            self.memory[key] = entry
        try:
            _write_atomic(self._path(key), _pack(entry))
        except OSError:
            pass  # a cache that cannot be written only costs time


def manifest_path(root: Path, out: Path) -> Path:
    """Return where the manifest of builds into `out` lives."""
    return root / CACHE_DIR / f"manifest-{digest(str(out.resolve()))}.json"


def load_manifest(root: Path, out: Path) -> dict[str, dict[str, Any]]:
    """Return the last build's outputs (path -> key, hash, stat, deps), or {} when unusable."""
    try:
        data = _unpack(manifest_path(root, out).read_bytes())
    except OSError:
        return {}
    return data if isinstance(data, dict) else {}


def save_manifest(root: Path, out: Path, outputs: dict[str, dict[str, Any]]) -> None:
    """Record what the build wrote, for the next one."""
    try:
        _write_atomic(manifest_path(root, out), _pack(outputs))
    except OSError:
        pass


def still_there(out: Path, rel: str, entry: dict[str, Any]) -> bool:
    """Return whether the file the manifest describes is still in `out` exactly as written."""
    try:
        st = os.stat(out / rel)
    except OSError:
        return False
    return st.st_size == entry.get("size") and st.st_mtime_ns == entry.get("mtime")
