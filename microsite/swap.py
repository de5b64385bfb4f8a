"""The publishing swap: the staging folder and the output folder exchanged in one atomic rename.

renameat2(RENAME_EXCHANGE) swaps two folders in one step, so a reader sees the old site or the new one.
Where it is missing (not Linux, or a file system without it), two renames take its place: then, for an
instant, there is no site at all, but never a mix. A `.git` in the output (a gh-pages checkout) is
carried into the new site.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
from pathlib import Path
from typing import Any

GIT = ".git"  # kept across builds, never deleted: the output may be a gh-pages checkout
_AT_FDCWD, _RENAME_NOREPLACE, _RENAME_EXCHANGE = -100, 1, 2


def swap_folders(staging: Path, out: Path) -> None:
    """Exchange the staging folder with the output folder, carrying the output's .git across."""
    git = out / GIT
    carried = os.path.lexists(git)
    if carried:
        os.rename(git, staging / GIT)
    try:
        _exchange(staging, out)
    except BaseException:
        if carried:
            os.rename(staging / GIT, git)
        raise


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders atomically; without RENAME_EXCHANGE, with two renames (a moment of no `b` at all)."""
    try:
        _renameat2(a, b, _RENAME_EXCHANGE)
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    aside = b.parent / f".{b.name}.aside"
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


@functools.cache
def _libc_renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _renameat2(a: Path, b: Path, flags: int) -> None:
    function = _libc_renameat2()
    if function is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), flags) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))
