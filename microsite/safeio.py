"""Reading the project's input safely: regular files inside the project only, of a sane size, never blocking.

Every loader reads through here, so a FIFO named `x.md` cannot hang a build, a symlink cannot publish
`/etc/passwd`, a symlink loop or an unreadable file is one `path: message`, and a huge file is refused
before it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Iterator

from .errors import BuildError, BuildFailed, decode_utf8

MAX_TEXT_BYTES = 8 * 1024 * 1024  # Markdown, YAML and templates: far beyond any real page
MAX_STATIC_BYTES = 512 * 1024 * 1024  # files copied as they are

_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device",
          stat.S_IFBLK: "a device", stat.S_IFDIR: "a folder"}
_OPEN_ERRORS = {errno.EACCES: "cannot read: permission denied", errno.EPERM: "cannot read: permission denied",
                errno.ELOOP: "symlink loop: the link leads back to itself",
                errno.ENOENT: "symlink points to a missing file", errno.ENXIO: "is a socket, not a regular file; only regular files are read"}


def inside(path: str | Path, root: str | Path) -> bool:
    """Return whether the real location of `path` is `root` or below it (`root` already resolved)."""
    real, base = os.path.realpath(path), str(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _refuse(shown: str, message: str) -> BuildFailed:
    return BuildFailed([BuildError(shown, None, message)])


def read_input(root: Path, path: Path, shown: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    """Return the bytes of one input file; raise BuildFailed `shown: message` for anything but a readable file.

    Raises FileNotFoundError when nothing at all is at `path`, so callers keep their own 'missing' message.
    Refused: symlinks resolving outside `root`, symlink loops and dangling links, FIFOs, sockets, devices and
    folders (opened without blocking, then checked), unreadable files, and files larger than `limit`.
    """
    try:
        os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _refuse(shown, f"cannot read: {exc.strerror}") from None
    if not inside(path, Path(root).resolve()):
        raise _refuse(shown, "symlink points outside the project")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _refuse(shown, _OPEN_ERRORS.get(exc.errno, f"cannot read: {exc.strerror}")) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "a special file")
            raise _refuse(shown, f"is {kind}, not a regular file; only regular files are read")
        if st.st_size > limit:
            raise _refuse(shown, f"too large ({_megabytes(st.st_size)}; the limit is {_megabytes(limit)})")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise _refuse(shown, f"too large (over {_megabytes(limit)})")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _refuse(shown, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def read_cache_file(path: Path, limit: int = MAX_STATIC_BYTES) -> bytes | None:
    """Return the bytes of a file a build wrote into .cache/, or None for anything else at that name.

    Not a symlink (not followed), a regular file (opened without blocking, so a FIFO cannot hang a build),
    at most `limit` bytes. A cache that is missing or odd is simply not used: the build makes it again.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def read_text(root: Path, path: Path, shown: str) -> str:
    """Return one input file as text (UTF-8, see decode_utf8), refused as read_input refuses it."""
    return decode_utf8(read_input(root, path, shown), shown)


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB" if size >= 1 << 20 else f"{size} bytes"


NOT_UTF8_NAME = "the name is not UTF-8 (saved by a system using another encoding); rename it"


def utf8_name(name: str) -> bool:
    """Return whether a file name read from the disk was valid UTF-8 (else it holds surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(name: str) -> str:
    """Return a file name for a message, its bytes that are not UTF-8 written as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def walk_files(root: Path, top: Path, shown: str, skip_hidden: bool = True) -> Iterator[tuple[str, Path] | BuildError]:
    """Yield (relative path, path) of every file under `top` in name order, and an error for each refused entry.

    Symlinked folders inside the project are entered, once: a link back to a folder already being walked is a
    loop and reported, like links out of the project and folders that cannot be listed. Files are only
    listed here; read_input checks each one when it is read.
    """
    real_root = Path(root).resolve()

    def walk(folder: Path, prefix: str, seen: frozenset[tuple[int, int]]) -> Iterator[tuple[str, Path] | BuildError]:
        where = f"{shown}/{prefix}".rstrip("/")
        try:
            st = os.stat(folder)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            yield BuildError(where, None, f"cannot read this folder: {exc.strerror}")
            return
        if (st.st_dev, st.st_ino) in seen:
            yield BuildError(where, None, "symlink loop: this folder links back to a folder that contains it")
            return
        seen = seen | {(st.st_dev, st.st_ino)}
        for entry in entries:
            if skip_hidden and entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            if not utf8_name(entry.name):  # bytes Python could only keep as surrogates: no URL, no HTML can hold them
                yield BuildError(f"{shown}/{shown_name(rel)}", None, NOT_UTF8_NAME)
                continue
            if entry.is_symlink() and not inside(entry.path, real_root):
                try:
                    os.stat(entry.path)
                except OSError as exc:
                    if exc.errno == errno.ELOOP:
                        yield BuildError(f"{shown}/{rel}", None, "symlink loop: the link leads back to itself")
                        continue
                yield BuildError(f"{shown}/{rel}", None, "symlink points outside the project")
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(Path(entry.path), rel + "/", seen)
            else:
                yield rel, Path(entry.path)

    if not os.path.lexists(top):
        return
    if not inside(top, real_root):
        yield BuildError(shown, None, "symlink points outside the project")
    elif top.is_dir():
        yield from walk(top, "", frozenset())
