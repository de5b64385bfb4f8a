"""The only module that touches the output folder: staging, unchanged-file links, the atomic swap."""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from pathlib import Path

from .errors import BuildError

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
        folder = posixpath.dirname(rel)
        if folder not in self._made:
            (self.staging / folder).mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        return self.staging / rel

    def write(self, rel: str, data: bytes) -> os.stat_result:
        """Write one output file; return its stat for the manifest."""
        path = self.path(rel)
        with open(path, "wb") as handle:
            handle.write(data)
        return os.stat(path)

    def link(self, rel: str, existing: Path) -> None:
        """Reuse an unchanged file of the previous build (a hard link: its bytes are not rewritten)."""
        target = self.path(rel)
        try:
            os.link(existing, target)
        except OSError:
            shutil.copy2(existing, target)


def swap(staging: Path, out: Path) -> None:
    """Replace `out` with the finished staging folder."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{out.name}.old-", dir=out.parent))
        os.rename(out, old / "site")
        os.rename(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, out)


def move_into(staging: Path, out: Path, written: list[str], removed: list[str]) -> None:
    """Move freshly written files into a live `out` one by one (each replace is atomic), for the preview."""
    for rel in written:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, target)
    for rel in removed:
        try:
            (out / rel).unlink()
        except FileNotFoundError:
            pass
    shutil.rmtree(staging, ignore_errors=True)


def discard(staging: Path) -> None:
    """Remove a staging folder after a failed build."""
    shutil.rmtree(staging, ignore_errors=True)


def clean_leftovers(out: Path) -> None:
    """Remove staging folders that an interrupted build left beside `out`."""
    if out.parent.is_dir():
        for entry in out.parent.glob(f"{out.name}.tmp-*"):
            shutil.rmtree(entry, ignore_errors=True)
        for entry in out.parent.glob(f"{out.name}.old-*"):
            shutil.rmtree(entry, ignore_errors=True)
