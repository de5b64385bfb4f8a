"""What the staging folder holds, known from one build to the next, so a build need not walk it.

After a publish the staging folder is the site before (write.py). Knowing which paths it holds and where
they may differ from the published site, the next build touches only those; not knowing, it walks the
whole folder and compares every file with the published one (0.13-0.18 s of a command-line edit at 1,000
pages per language, 0.4-0.5 s at 4,000). The preview's Output object keeps that knowledge in memory; a
command-line build finds it in `.cache/staging-<out>.json`, which each publish leaves behind.

Knowledge is used only while both folders are the ones it was made about: the same device and inode for
the output folder, and for the staging folder its modification time too. So another process publishing
in between (a command-line build while the preview runs) or a folder deleted or moved makes the build
walk again. The record also holds the modification time of every folder in both: a file added to or
removed from either (a deploy tool writing into the site, say) changes its folder's, and the build walks
(a stat per folder, and a listing of those changed within the last second: 0.08 s at 4,000 pages per
language, against the walk's 0.4 s). The record is taken (read and deleted) before a build touches the
staging folder, so a build that fails or is killed leaves none; a record naming a path outside the
staging folder makes the build walk (write._sync). A file changed in place is not seen, by this or by
the walk: the two folders share its inode.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .cache import CACHE_DIR, pack_json, unpack_json, write_atomic
from .model import digest
from .safeio import read_cache_file

RACY_NS = 1_000_000_000  # a folder changed this recently is recorded by its names (folder_states), as in memo.py


@dataclass(frozen=True)
class Known:
    """What the last publish left: the paths in each folder, and which folders they were."""

    published: frozenset[str]  # the paths in the output folder
    spare: frozenset[str] | None  # the paths in the staging folder (None: not known)
    drift: frozenset[str] | None  # the paths where the staging folder may differ from the output folder
    folders: tuple[int, ...]  # folder_ids() just after that publish


def record_path(root: Path, out: Path) -> Path:
    """Return where the record of the staging folder of builds into `out` lives."""
    return root / CACHE_DIR / f"staging-{digest(str(out.resolve()))}.json"


def folder_ids(out: Path, staging: Path) -> tuple[int, ...]:
    """Return device and inode of the output folder, then device, inode and mtime of the staging folder.

    A folder that is missing counts as zeros.
    """
    ids: list[int] = []
    for folder in (out, staging):
        try:
            st = os.lstat(folder)
            ids += [st.st_dev, st.st_ino] + ([st.st_mtime_ns] if folder == staging else [])
        except OSError:
            ids += [0, 0] + ([0] if folder == staging else [])
    return tuple(ids)


def folders_of(paths: Iterable[str]) -> list[str]:
    """Return every folder holding one of `paths` ('' for the top), sorted."""
    folders = {""}
    for rel in paths:
        while "/" in rel:
            rel = rel.rsplit("/", 1)[0]
            if rel in folders:
                break
            folders.add(rel)
    return sorted(folders)


def folder_states(base: Path, paths: Iterable[str], now_ns: int) -> list[int | str]:
    """Return the state of every folder holding `paths` under `base`, in folders_of's order.

    A folder's state is its mtime, which moves when a name is added or removed, unless it changed within
    RACY_NS of `now_ns` (the time of recording): a file system keeping whole seconds, or a coarse clock,
    may give a change soon after the same mtime, so the folder's sorted names stand in for it (a build
    touches few folders, so few are listed). A folder that is missing is -1.
    """
    states: list[int | str] = []
    for folder in folders_of(paths):
        path = os.path.join(base, folder)
        try:
            mtime = _mtime(path)
            states.append(_names(path) if mtime > now_ns - RACY_NS else mtime)
        except OSError:
            states.append(-1)
    return states


def _mtime(path: str) -> int:
    return os.lstat(path).st_mtime_ns


def _names(path: str) -> str:
    return digest("\0".join(sorted(os.listdir(path))))


def states_hold(base: Path, paths: Iterable[str], recorded: list[Any]) -> bool:
    """Return whether every folder holding `paths` is as folder_states() recorded it."""
    folders = folders_of(paths)
    if len(folders) != len(recorded):
        return False
    for folder, was in zip(folders, recorded):
        path = os.path.join(base, folder)
        try:
            if was != (_names(path) if isinstance(was, str) else _mtime(path)):
                return False
        except OSError:
            return False
    return True


def still_true(folders: tuple[int, ...], now: tuple[int, ...]) -> tuple[bool, bool]:
    """Return whether what was known about the output folder, and about the staging folder, still holds."""
    out_same = len(folders) == 5 and folders[:2] == now[:2] and now[1] != 0
    return out_same, out_same and folders == now and now[3] != 0


def take(path: Path, out: Path, staging: Path, use: bool = True) -> Known | None:
    """Delete the record at `path`; with `use`, return what still holds of it (None: nothing, or no record).

    The published paths hold while every folder of the output folder is as recorded; the staging folder's
    while its folders are too.
    """
    raw = read_cache_file(path) if use else None
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:  # a record that cannot be taken (read-only .cache/) could outlive its truth: not used
        return None
    data = unpack_json(raw) if raw is not None else None
    try:
        lists = [data[key] for key in ("published", "added", "removed")] + [data["drift"] or []]
        if not all(isinstance(rel, str) for paths in lists for rel in paths):
            return None
        published = frozenset(data["published"])
        if not states_hold(out, published, data["states"][0]):
            return None
        spare = (published - frozenset(data["added"])) | frozenset(data["removed"])
        if data["drift"] is None or not states_hold(staging, spare, data["states"][1]):
            return Known(published, None, None, tuple(int(n) for n in data["folders"]))
        return Known(published, spare, frozenset(data["drift"]), tuple(int(n) for n in data["folders"]))
    except (TypeError, KeyError, ValueError, IndexError):
        return None


def leave(path: Path, out: Path, staging: Path, published: set[str], spare: set[str] | None,
          drift: set[str] | None, folders: tuple[int, ...]) -> None:
    """Leave the record for the next build, just after a publish: the published paths in full, the staging
    folder's by difference (when known), and the state of every folder of both."""
    now = time.time_ns()
    data: dict[str, Any] = {"published": sorted(published), "folders": list(folders), "drift": None,
                            "added": [], "removed": [], "states": [folder_states(out, published, now), []]}
    if spare is not None and drift is not None:
        data.update(drift=sorted(drift), added=sorted(published - spare), removed=sorted(spare - published))
        data["states"][1] = folder_states(staging, spare, now)
    try:
        write_atomic(path, pack_json(data))
    except OSError:
        pass
