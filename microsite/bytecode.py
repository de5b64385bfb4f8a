"""Compiled templates kept in .cache/templates/, checked like every other cache file.

Jinja's own FileSystemBytecodeCache would open whatever sits at a cache file's name (a FIFO there
hangs the build), fail the build where the folder is read-only, and load damaged bytecode as long as
it unmarshals. Here a cache file is read only when it is a regular file (opened without following a
link and without blocking), its payload must match the checksum written with it, and a file that
cannot be read or written is simply not used: the template is compiled again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jinja2

from .model import digest
from .safeio import read_cache_file

MAX_BYTES = 4 * 1024 * 1024  # far beyond any compiled template


class CheckedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache in one folder, one checksummed file per template."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = read_cache_file(self._path(bucket), MAX_BYTES)
        if data is None:
            return
        check, _, payload = data.partition(b"\n")
        if check != digest(payload).encode():
            return
        try:
            bucket.bytecode_from_string(payload)  # a wrong magic or source checksum resets the bucket
        except Exception:  # noqa: BLE001 -- any damage means: compile again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._write(self._path(bucket), bucket.bytecode_to_string())

    def load_analysis(self, key: str) -> Any | None:
        """Return what was kept under `key` by dump_analysis (JSON values), or None."""
        data = read_cache_file(self.folder / f"{key}.meta", MAX_BYTES)
        check, _, payload = (data or b"").partition(b"\n")
        if data is None or check != digest(payload).encode():
            return None
        try:
            return json.loads(payload)
        except ValueError:
            return None

    def dump_analysis(self, key: str, value: Any) -> None:
        """Keep JSON values under `key`: what templates.py learns from parsing a template's source."""
        self._write(self.folder / f"{key}.meta", json.dumps(value).encode())

    @staticmethod
    def _write(path: Path, payload: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(digest(payload).encode() + b"\n" + payload)
            os.replace(tmp, path)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass


def bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Return the cache for compiled templates in `folder`, or None (no folder, or it cannot be made)."""
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return CheckedBytecodeCache(folder)
