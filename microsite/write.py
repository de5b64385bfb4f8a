"""With swap.py, the only modules that touch the output folder: a staging folder beside it, swapped in atomically.

A build makes the complete new site in `.<out>.staging/` beside the output folder. Changed files are
written there; unchanged ones become hard links to the published files (same inode, same mtime: never
rewritten). Publishing exchanges the two folders with one renameat2(RENAME_EXCHANGE), so a reader sees
the old site or the new one, whole, and nothing in between, even if the build is killed at any point.
The old site stays behind as the next build's staging folder, which then only needs the files that
differ: no folder is made or deleted twice.

A folder is replaced only when the build can prove it made it: it holds `.nojekyll` with this
generator's text in it, or nothing at all but `.git`. A `.git` inside the output (a gh-pages
checkout) is moved into the new site just before the swap, and moved back if the swap never happens
(swap.py, which also says what happens where RENAME_EXCHANGE is missing).
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import shutil
import stat
from pathlib import Path

from . import stagingrecord
from .errors import BuildError, BuildFailed
from .swap import GIT, swap_folders

MARKER = ".nojekyll"  # GitHub Pages: publish as is; its text says who made the folder
# Output folders are recognised by this exact text: keep it as it is, or later builds refuse earlier ones.
MARKER_TEXT = "Made by microsite (python build.py build). Every build replaces this whole folder.\n"
_NO_HARD_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


def safe_output_path(rel: str) -> str | None:
    """Return `rel` if it stays inside the output folder, else None."""
    if not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
        return None
    norm = posixpath.normpath(rel)
    if norm != rel.rstrip("/") or norm.startswith("../") or norm == ".." or norm == ".":
        return None
    return rel


def staging_path(out: Path) -> Path:
    """Return the staging folder of an output folder: hidden, beside it, on the same file system."""
    return out.parent / f".{out.name}.staging"


def made_here(folder: Path, legacy: bool = False) -> bool:
    """Return whether the build may replace `folder`: it holds our marker with our text, or nothing but .git.

    `legacy`: the project's cache records a build into this folder, so the empty .nojekyll of
    generators before the marker had its text also counts (but never next to a .git).
    """
    try:
        names = set(os.listdir(folder))
    except OSError:
        return False
    if not names - {GIT}:
        return True
    marker = folder / MARKER
    try:
        st = os.lstat(marker)
        if not stat.S_ISREG(st.st_mode) or st.st_size > 4096:
            return False
        text = marker.read_bytes()
    except OSError:
        return False
    return text == MARKER_TEXT.encode() or (legacy and text == b"" and GIT not in names)


def check_out_dir(out: Path, root: Path, legacy: bool = False) -> list[BuildError]:
    """Return an error if replacing `out` could destroy something that is not a built site."""
    out, root = out.resolve(), root.resolve()
    shown = str(out)
    if out == root or out in root.parents or out == Path(out.anchor):
        return [BuildError(shown, None, "refusing to build into the project folder or one of its parents")]
    for name in ("content", "templates", "static", ".git", ".cache"):
        if out == root / name or (root / name) in out.parents:
            return [BuildError(shown, None, f"refusing to build inside {name}/")]
    for parent in out.parents:
        if os.path.lexists(parent) and not parent.is_dir():
            return [BuildError(shown, None, f"cannot be made: {parent} is a file, not a folder")]
    if os.path.lexists(out) and not out.is_dir():
        return [BuildError(shown, None, "exists and is not a folder; remove it or choose another --out")]
    if out.is_dir() and not made_here(out, legacy):
        return [BuildError(shown, None, "exists and was not made by this generator; empty it (a .git folder "
                                        "may stay) or choose another --out")]
    return []


class Writer:
    """Writes files under one staging folder, creating folders once.

    A file is written beside its target and renamed over it: the staging folder's old file may be
    a hard link to the published one, which must never change in place.
    """

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self._made: set[str] = set()

    def path(self, rel: str) -> Path:
        """Return the staging path of an output, creating its folder."""
        if safe_output_path(rel) is None:
            raise BuildFailed([BuildError(rel, None, "output path would escape the output folder")])
        folder = posixpath.dirname(rel)
        if folder not in self._made:
            _make_folder(self.staging, folder)
            self._made.add(folder)
        return self.staging / rel

    def write(self, rel: str, data: bytes) -> os.stat_result:
        """Write one output file; return its stat for the manifest."""
        target = self.path(rel)
        try:  # nothing at this name yet (a clean build): a new file, which no other folder can share
            return _write_fd(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644), data)
        except FileExistsError:
            pass  # a file, link, FIFO or folder is there: write beside it and rename over it
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        st = _write_fd(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644), data)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)  # only ever inside the staging folder
        os.replace(tmp, target)
        return st


def _write_fd(fd: int, data: bytes) -> os.stat_result:
    """Write `data` to an open file, close it and return its stat."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return os.fstat(fd)
    finally:
        os.close(fd)


def _make_folder(base: Path, folder: str) -> None:
    """Make `base/folder`, replacing a file or link in the way (inside the staging folder only)."""
    path = base / folder if folder else base
    try:
        os.mkdir(path)  # the usual case: its parent is there and it is not; a new folder is never a link
        return
    except OSError:
        pass
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not path.is_symlink():
            return
    except (FileExistsError, NotADirectoryError):
        pass
    current = base
    for part in Path(folder).parts:
        current = current / part
        if os.path.lexists(current) and (current.is_symlink() or not current.is_dir()):
            current.unlink()
        current.mkdir(exist_ok=True)


class Output:
    """One output folder and its staging folder; the preview keeps one across rebuilds.

    After a publish it knows what the staging folder holds (`spare`, the site before) and where that
    differs from the published site (`drift`), so the next build only touches those paths; a command-line
    build learns it from the record the last publish left (stagingrecord.py). Otherwise (None) it compares
    every file.
    """

    def __init__(self, out: Path, record: Path | None = None, trust_record: bool = True,
                 leave_record: bool = True) -> None:
        self.out = out.resolve()
        self.staging = staging_path(self.out)
        self.record = record  # what a publish left for the next process (taken by every build); None: none
        self.trust_record = trust_record  # False: delete the record, never use it (--no-cache)
        self.leave_record = leave_record  # False (the preview): knowledge stays in memory, no stat of every folder
        self.spare: set[str] | None = None  # the paths in the staging folder
        self.drift: set[str] | None = None  # the paths where the staging folder may differ from the output
        self.published: set[str] | None = None  # the paths in the output folder, when this object put them there
        self.folders: tuple[int, ...] = ()  # stagingrecord.folder_ids just after this object's last publish

    def prepare(self) -> Path:
        """Recover from an interrupted build, make sure the staging folder is ours, and return it.

        Call it only after check_out_dir() found nothing wrong with the output folder.
        """
        out, staging = self.out, self.staging
        self._recall()
        out.parent.mkdir(parents=True, exist_ok=True)
        aside = out.parent / f".{out.name}.aside"
        if os.path.isdir(aside) and not os.path.islink(aside) and made_here(aside):
            # the two-rename fallback was interrupted: the old site goes back, or becomes the staging folder
            os.rename(aside, staging if os.path.lexists(out) and not os.path.lexists(staging) else out)
        if out.is_dir() and not made_here(out):
            _write_marker(out)  # a folder of an older version (see made_here's legacy): mark it as ours
        if os.path.lexists(staging) and (os.path.islink(staging) or not os.path.isdir(staging)):
            raise BuildFailed([BuildError(str(staging), None, "is in the way of the build's staging folder; "
                                                              "remove it")])
        if os.path.isdir(staging):
            if os.path.lexists(staging / GIT):  # an interrupted publish had moved .git across
                if os.path.lexists(out / GIT) or not out.is_dir():
                    raise BuildFailed([BuildError(str(staging / GIT), None,
                                                  f"left by an interrupted build; move it back into {out}/")])
                os.rename(staging / GIT, out / GIT)
            if not made_here(staging) and not _only_leftovers(staging):
                raise BuildFailed([BuildError(str(staging), None, "exists and was not made by this generator; "
                                                                  "remove it")])
            if not os.access(staging, os.W_OK):  # it was the published site, which someone made read-only
                _make_writable(staging)
        else:
            os.mkdir(staging)
            self.drift = self.spare = None
        if _write_marker(staging) and self.drift is not None:  # so an interrupted build leaves a folder that is ours
            self.drift.add(MARKER)
            if self.spare is not None:
                self.spare.add(MARKER)
        return staging

    def publish(self, outputs: dict[str, bool]) -> None:
        """Make the staging folder the complete new site, then swap it with the output folder.

        `outputs` maps every output path to whether this build wrote it into staging; the others
        are hard-linked from the published site.
        """
        out, staging = self.out, self.staging
        known = (self.spare, self.drift) if self.spare is not None and self.drift is not None else None
        previous = self.published
        self.spare = self.drift = self.published = None  # until the swap is done, nothing is known
        if not out.is_dir():
            _sync(staging, out, outputs, None, published=False)
            os.rename(staging, out)  # the first build: nothing to swap with
        else:
            _sync(staging, out, outputs, known, published=True)
            swap_folders(staging, out)
            if previous is not None:  # the staging folder is now the site this object published before
                self.spare = previous
                self.drift = {rel for rel, written in outputs.items() if written} | (previous ^ set(outputs))
        self.published = set(outputs)
        self.folders = stagingrecord.folder_ids(out, staging)
        if self.record is not None and self.leave_record:
            stagingrecord.leave(self.record, out, staging, self.published, self.spare, self.drift, self.folders)

    def _recall(self) -> None:
        """Take the last publish's record; keep what is known only while the folders are as that publish left them."""
        use = self.published is None and self.trust_record  # a new process: what the last publish left
        taken = stagingrecord.take(self.record, self.out, self.staging, use) if self.record is not None else None
        if taken is not None:
            self.published, self.folders = set(taken.published), taken.folders
            self.spare = None if taken.spare is None else set(taken.spare)
            self.drift = None if taken.drift is None else set(taken.drift)
        now = stagingrecord.folder_ids(self.out, self.staging)
        out_same, staging_same = stagingrecord.still_true(self.folders, now)
        if not out_same:  # another process published since, or a folder was moved or deleted
            self.published = None
        if not staging_same:
            self.spare = self.drift = None

    def failed(self) -> None:
        """Forget what is known about the staging folder: a failed build may have written into it."""
        self.drift = self.spare = None


def _make_writable(folder: Path) -> None:
    """Give the owner write access to every folder under `folder` (ours: the staging folder)."""
    for path, dirs, _ in os.walk(folder):
        for name in [".", *dirs]:
            full = os.path.join(path, name)
            mode = os.lstat(full).st_mode
            if stat.S_ISDIR(mode) and mode & 0o700 != 0o700:
                os.chmod(full, mode | 0o700)


def _only_leftovers(folder: Path) -> bool:
    """Return whether a folder holds nothing but the temporary files a killed build leaves (.name.PID.tmp)."""
    try:
        return all(re.fullmatch(r"\..+\.\d+\.tmp", name) for name in os.listdir(folder))
    except OSError:
        return False


def _write_marker(folder: Path) -> bool:
    """Put the marker into `folder` unless it is there already; return whether it was written."""
    marker = folder / MARKER
    try:
        if not marker.is_symlink() and marker.read_bytes() == MARKER_TEXT.encode():
            return False
    except OSError:
        pass
    Writer(folder).write(MARKER, MARKER_TEXT.encode())
    return True


def _sync(staging: Path, out: Path, outputs: dict[str, bool], known: tuple[set[str], set[str]] | None,
          published: bool) -> None:
    """Make `staging` hold exactly `outputs`: written files stay, the others are linked from `out`.

    With `known` (the paths in staging, and where it may differ from `out`), only those paths are
    looked at; without it every file of both folders is compared.
    """
    if known is None:
        _remove_others(staging, outputs)
        check = [rel for rel, written in outputs.items() if not written]
    else:
        spare, drift = known
        gone = sorted(spare - set(outputs))
        if any(safe_output_path(rel) != rel for rel in gone):  # not a record a build wrote: compare every file
            return _sync(staging, out, outputs, None, published)
        for rel in gone:
            _remove(staging, rel)
        check = [rel for rel, written in outputs.items() if not written and (rel in drift or rel not in spare)]
    if not published:
        return
    made: set[str] = set()
    for rel in sorted(check):
        source, target = out / rel, staging / rel
        try:
            have = os.lstat(source)
        except FileNotFoundError:
            raise BuildFailed([BuildError(str(source), None, "disappeared during the build; build again")]) from None
        try:
            old = os.lstat(target)
            if (old.st_ino, old.st_dev) == (have.st_ino, have.st_dev):
                continue
            if stat.S_ISDIR(old.st_mode):
                _remove(staging, rel, prune=False)
        except (FileNotFoundError, NotADirectoryError):
            folder = posixpath.dirname(rel)
            if folder not in made:
                _make_folder(staging, folder)
                made.add(folder)
        _link(source, target)


def _link(source: Path, target: Path) -> None:
    """Put a hard link to a published file at `target`, replacing what is there in one rename.

    Where hard links are not possible, a copy (bytes and times) takes its place.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        os.link(source, tmp)
    except FileExistsError:
        os.unlink(tmp)
        os.link(source, tmp)
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        shutil.copy2(source, tmp)
    os.replace(tmp, target)


def _remove(base: Path, rel: str, prune: bool = True) -> None:
    """Remove one path inside the staging folder (and, with `prune`, the folders this leaves empty)."""
    path = base / rel
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        try:
            os.unlink(path)
        except FileNotFoundError:
            return
    folder = path.parent
    while prune and folder != base:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def _remove_others(staging: Path, outputs: dict[str, bool]) -> None:
    """Delete everything under `staging` that is not an output (it holds only what builds put there)."""
    folders = set(stagingrecord.folders_of(outputs))
    for folder, dirs, files in os.walk(staging, topdown=True):
        rel_folder = os.path.relpath(folder, staging).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder
        for name in list(dirs):
            rel = posixpath.join(rel_folder, name)
            if rel not in folders or os.path.islink(os.path.join(folder, name)):
                if rel == GIT:
                    raise BuildFailed([BuildError(str(staging / GIT), None, "a .git folder in the staging folder; "
                                                                            "move it where it belongs")])
                _remove(staging, rel, prune=False)
                dirs.remove(name)
        for name in files:
            rel = posixpath.join(rel_folder, name)
            if rel not in outputs:
                os.unlink(os.path.join(folder, name))
