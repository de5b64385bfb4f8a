"""Parsed pages kept in .cache/pages.bin, so a command-line build parses only the page files that changed.

The preview server keeps its parsed pages in memory; this gives a command-line build the same: a
page file whose lstat (inode, size, mtime, ctime; a regular file, not a link) is what it was when it
was parsed is not read again. A file changed less than two seconds before it was parsed is not kept
(it may have changed again within the clock's resolution), nor is a page whose values would not come
back from JSON exactly as they were. The file is checked like every cache file (version, checksum) and
keyed on the generator's code and the front-matter keys site.yaml allows, so anything else starts afresh.

The file is a cache file (version and checksum lines) whose payload is a line with the length of a JSON
header, the header, then the pages' Markdown bodies one after another: the header gives each body's
start and end. The bodies are 90% of the bytes, and decoding them as JSON strings cost most of the load.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import stat
import time
import zlib
from pathlib import Path
from typing import Any

from .cache import CACHE_DIR, CACHE_VERSION, code_digest, write_atomic
from .model import Page, digest
from .safeio import read_cache_file

FILE = "pages.bin"
SETTLED_SECONDS = 2.0  # a file this recently changed may change again without its mtime showing it
REWRITE_SHARE = 50  # the file is written again once 1 in this many pages was parsed anew (or went)
_FIELDS = tuple(field.name for field in dataclasses.fields(Page))

Reuse = dict[str, tuple[int, int, Page]]  # page file -> size, mtime (ns), Page: what load_content reuses


def _key(extra_keys: tuple[str, ...]) -> str:
    return digest(f"{code_digest()}|{sorted(extra_keys)!r}")


def _identity(path: str) -> list[int] | None:
    """Return what must not change for a parsed page to stand: inode, size, mtime, ctime; None if not a plain file."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def load(root: Path, extra_keys: tuple[str, ...]) -> Reuse:
    """Return the parsed pages whose files did not change since they were kept ({} when there are none)."""
    raw = read_cache_file(root / CACHE_DIR / FILE)
    unpacked = _unpack(raw) if raw is not None else None
    if unpacked is None:
        return {}
    payload, bodies = unpacked
    if not isinstance(payload, dict) or payload.get("key") != _key(extra_keys):
        return {}
    reuse: Reuse = {}
    content = str(root / "content") + os.sep
    try:
        for path, (identity, values) in payload.get("pages", {}).items():
            if path.startswith(content) and _identity(path) == identity:  # only files of this project's content/
                page = _decode(values, bodies)
                if page is not None:
                    reuse[path] = (identity[1], identity[2], page)
    except (AttributeError, TypeError, ValueError):  # a file of the right version and checksum, but not ours
        return {}
    return reuse


def save(root: Path, extra_keys: tuple[str, ...], reuse: Reuse, before: Reuse) -> None:
    """Keep the parsed pages of `reuse` for the next build, when that saves more than writing the file costs.

    Writing the whole file (10 MB at 2,000 pages) costs about as much as parsing 300 pages, so after an edit
    of a few pages nothing is written: the next build parses those few again, which is cheap, until enough
    have changed since the last write (or pages came or went).
    """
    changed = sum(1 for path in reuse if before.get(path) is not reuse[path]) + len(before.keys() - reuse.keys())
    if changed == 0 or changed * REWRITE_SHARE < len(reuse):
        return
    settled = time.time_ns() - int(SETTLED_SECONDS * 1e9)
    pages, bodies = {}, bytearray()  # one buffer: thousands of small ones would stay in the heap once freed
    for path, (size, mtime, page) in sorted(reuse.items()):
        identity = _identity(path)
        if identity is None or identity[1:3] != [size, mtime] or mtime > settled:
            continue
        values = _encode(page)
        if values is not None:
            start = len(bodies)
            bodies += page.body.encode("utf-8")
            values["body"] = [start, len(bodies)]
            pages[path] = [identity, values]
    try:
        write_atomic(root / CACHE_DIR / FILE, _pack({"key": _key(extra_keys), "pages": pages}, [bodies]))
        (root / CACHE_DIR / "pages.json").unlink(missing_ok=True)  # what versions before pages.bin kept
    except OSError:
        pass  # the next build parses the pages again: slower, never wrong


def _pack(header: dict[str, Any], bodies: list[bytes | bytearray]) -> list[bytes | bytearray]:
    """Return the file in parts: version line, checksum line, then the header's length, the header and the bodies.

    The checksum is a CRC-32, as in gzip and PNG: it finds damage in 10 MB in 2 ms, where a hash takes 20.
    In parts, so the 40 MB of bodies at 4,000 pages are not copied again (a peak of our process).
    """
    data = json.dumps(header, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    payload = [f"{len(data)}\n".encode(), data, *bodies]
    check = 0
    for part in payload:
        check = zlib.crc32(part, check)
    return [f"{CACHE_VERSION}\n{check:08x}\n".encode(), *payload]


def _unpack(data: bytes) -> tuple[Any, memoryview] | None:
    """Return the header and the bodies of a file _pack wrote, or None if it is from another version or damaged."""
    try:
        first = data.index(b"\n")
        second = data.index(b"\n", first + 1)
        third = data.index(b"\n", second + 1)
        payload = memoryview(data)[second + 1:]  # a view: the 10 MB are never copied
        if data[:first].decode() != CACHE_VERSION or data[first + 1:second] != b"%08x" % zlib.crc32(payload):
            return None
        start = third + 1
        end = start + int(data[second + 1:third])
        if not start <= end <= len(data):
            return None
        return json.loads(data[start:end]), memoryview(data)[end:]
    except (ValueError, UnicodeDecodeError):
        return None


def _encode(page: Page) -> dict[str, Any] | None:
    """Return the page as JSON values, or None when JSON would not give back exactly the same values."""
    values = {name: getattr(page, name) for name in _FIELDS}
    if values["date"] is not None:
        if type(values["date"]) is not datetime.date:
            return None
        values["date"] = values["date"].isoformat()
    values["aliases"] = list(values["aliases"])
    if not _plain(values):
        return None
    return values


def _decode(values: Any, bodies: memoryview) -> Page | None:
    try:
        values = dict(values)
        if set(values) != set(_FIELDS):
            return None
        start, end = values["body"]
        if not (type(start) is int and type(end) is int and 0 <= start <= end <= len(bodies)):
            return None
        values["body"] = str(bodies[start:end], "utf-8")
        values["date"] = datetime.date.fromisoformat(values["date"]) if values["date"] is not None else None
        values["aliases"] = tuple(values["aliases"])
        return Page(**values)
    except (TypeError, ValueError):
        return None


def _plain(value: Any, depth: int = 0) -> bool:
    """Return whether `value` is made only of what JSON keeps as it is (str keys, no tuples, no dict subclasses)."""
    if depth > 50:
        return False
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return True
    if kind is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if kind is list:
        return all(_plain(item, depth + 1) for item in value)
    if kind is dict:
        return all(type(key) is str and _plain(item, depth + 1) for key, item in value.items())
    return False
