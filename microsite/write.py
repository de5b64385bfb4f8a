"""The only module that touches the output folder: the staging folder, and publishing it on success."""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from pathlib import Path

from .errors import BuildError, BuildFailed

MARKER = ".nojekyll"  # every build writes it, so a folder without it was not made by this generator


def safe_output_path(rel: str) -> str | None:
    """Return `rel` if it stays inside the output folder, else None."""
    if not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
        return None
    norm = posixpath.normpath(rel)
    if norm != rel.rstrip("/") or norm.startswith("../") or norm == ".." or norm == ".":
        return None
    return rel


def check_out_dir(out: Path, root: Path) -> list[BuildError]:
    """Return an error if replacing `out` could destroy something that is not a built site."""
    out, root = out.resolve(), root.resolve()
    shown = str(out)
    if out == root or out in root.parents or out == Path(out.anchor):
        return [BuildError(shown, None, "refusing to build into the project folder or one of its parents")]
    for name in ("content", "templates", "static", ".git", ".cache"):
        if out == root / name or (root / name) in out.parents:
            return [BuildError(shown, None, f"refusing to build inside {name}/")]
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        return [BuildError(shown, None, f"exists and was not made by this generator (no {MARKER}); "
                                        "remove it or choose another --out")]
    return []


def new_staging(out: Path) -> Path:
    """Return a new empty folder beside `out`, on the same file system so the final rename is atomic."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))


class Writer:
    """Writes files under one staging folder, creating folders once."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self._made: set[str] = set()

    def path(self, rel: str) -> Path:
        """Return the staging path of an output, creating its folder."""
        if safe_output_path(rel) is None:
            raise BuildFailed([BuildError(rel, None, "output path would escape the output folder")])
        folder = posixpath.dirname(rel)
        if folder not in self._made:
            (self.staging / folder).mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        return self.staging / rel

    def write(self, rel: str, data: bytes) -> os.stat_result:
        """Write one output file; return its stat for the manifest."""
        fd = os.open(self.path(rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            return os.fstat(fd)
        finally:
            os.close(fd)


def commit(staging: Path, out: Path, written: list[str], keep: set[str] | None) -> None:
    """Publish a finished build: the staging folder becomes `out`, or its files move into `out`.

    Called only after everything has loaded, rendered and passed the checks, so a failed build
    never touches `out`. A first build renames the whole folder; later builds move just the
    changed files (each move is an atomic rename), which on a big site is much faster than
    replacing every folder. With `keep`, files in `out` that the build did not produce are deleted.
    """
    if not out.exists():
        os.rename(staging, out)
        return
    for rel in written:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, target)
    shutil.rmtree(staging, ignore_errors=True)
    if keep is not None:
        _remove_others(out, keep)


def _remove_others(out: Path, keep: set[str]) -> None:
    """Delete files under `out` that are not in `keep`, then the folders this leaves empty."""
    for folder, _dirs, files in os.walk(out, topdown=False):
        rel_folder = os.path.relpath(folder, out)
        for name in files:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            if rel not in keep:
                os.unlink(os.path.join(folder, name))
        if folder != str(out) and not os.listdir(folder):
            os.rmdir(folder)


def remove(out: Path, gone: list[str]) -> None:
    """Delete outputs that no longer exist (a page was deleted), for the preview's partial builds."""
    for rel in gone:
        try:
            (out / rel).unlink()
        except FileNotFoundError:
            pass


def discard(staging: Path) -> None:
    """Remove a staging folder after a failed build."""
    shutil.rmtree(staging, ignore_errors=True)


def clean_leftovers(out: Path) -> None:
    """Remove staging folders that an interrupted build left beside `out`."""
    if out.parent.is_dir():
        for entry in out.parent.glob(f"{out.name}.tmp-*"):
            shutil.rmtree(entry, ignore_errors=True)
