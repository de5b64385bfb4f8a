"""Which input files changed, as the operating system tells it, so the preview need not stat every file.

Finding an edit by stat-ing every input costs about 40 ms at 8,000 pages, on every rebuild. The
operating system's file notifications (inotify on Linux, through watchfiles' binding of the Rust
`notify` crate) name the files that changed instead. The names are only a hint: the preview re-stats
just those files and falls back to a full scan whenever the hint may be incomplete (a folder came or
went, a path outside the project, top-level files such as site.yaml, a notifier that failed).

Without a working notifier (`start` returns None) the server polls every file, as before.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable

FOLDERS = ("content", "templates", "static")  # watched recursively; the other inputs are polled (see _top)
TOP_LEVEL = ("site.yaml", *FOLDERS)
DEBOUNCE_MS, STEP_MS = 1600, 50  # watchfiles' defaults: group a burst of saves, answer 50 ms after the last
POLL_MS = 500  # between two looks at the top-level inputs, while no event arrives


class FileEvents:
    """Collects the input files the operating system says changed, in a background thread.

    `on_change()` is called from that thread after each batch (the server hands it to its loop).
    """

    def __init__(self, root: Path, on_change: Callable[[], None]) -> None:
        self.root, self.on_change = root, on_change
        self.failed = False  # the notifier stopped working: the server polls from then on
        self._resolved = root.resolve()
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._complete = True  # False: something changed that the hint cannot name; the next take() says None
        self._stop = threading.Event()
        # Watching starts here, before the first build's full scan, so no edit falls between the two.
        self._notify = self._watch_folders()
        self._top = _top_level(root)
        self.thread = threading.Thread(target=self._run, name="file-events", daemon=True)
        self.thread.start()

    def _watch_folders(self) -> Any:
        from watchfiles._rust_notify import RustNotify  # watchfiles documents it as its low-level API

        folders = [str(self._resolved / name) for name in FOLDERS if (self.root / name).is_dir()]
        return RustNotify(folders, False, False, POLL_MS, True, True)

    def take(self) -> set[str] | None:
        """Return the changed paths (as the preview's stats name them) since the last call; None for unknown."""
        with self._lock:
            paths, complete = self._paths, self._complete and not self.failed
            self._paths, self._complete = set(), True
        return paths if complete else None

    def close(self) -> None:
        """Stop watching, and give the operating system its watch back (a user has 128 on Linux)."""
        self._stop.set()
        self.thread.join(2)
        if not self.thread.is_alive():
            self._notify.close()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                changes = self._notify.watch(DEBOUNCE_MS, STEP_MS, POLL_MS, self._stop)
                if changes == "timeout":
                    self._look_at_top_level()
                    continue
                if isinstance(changes, str):  # "stop" (closing) or "signal"
                    return
                with self._lock:
                    for _, path in changes:
                        key = self._key(path)
                        if key is None:
                            self._complete = False
                        else:
                            self._paths.add(key)
                self._look_at_top_level()
                self.on_change()
        except Exception:  # noqa: BLE001 -- e.g. the kernel's watch limit: poll instead, never die
            self.failed = True
            self.on_change()

    def _look_at_top_level(self) -> None:
        """Notice site.yaml and the watched folders themselves changing: a folder that appears, goes or is
        replaced is watched afresh (the old watch followed the old folder)."""
        now = _top_level(self.root)
        if now == self._top:
            return
        folders_changed = now[1:] != self._top[1:]
        self._top = now
        with self._lock:
            self._complete = False
        if folders_changed:
            self._notify.close()
            self._notify = self._watch_folders()  # an error here ends the thread's loop: the server polls
        self.on_change()

    def _key(self, path: str) -> str | None:
        """Return `path` as the preview's stats spell it (under `root` as given), None if it is not under it."""
        try:
            rel = Path(path).relative_to(self._resolved)
        except ValueError:
            return None
        return str(self.root / rel) if rel.parts and rel.parts[0] in FOLDERS else None


def start(root: Path, on_change: Callable[[], None]) -> FileEvents | None:
    """Start watching `root`'s inputs; None when the operating system's notifications are not available."""
    try:
        return FileEvents(root, on_change)
    except Exception:  # noqa: BLE001 -- no watchfiles, no inotify, the watch limit reached: the caller polls
        return None


def _top_level(root: Path) -> tuple[tuple[int, ...] | None, ...]:
    """Return what identifies each top-level input (None when missing): site.yaml's inode, size and mtime,
    and which folder each watched folder is (its inode), not what it holds."""
    found: list[tuple[int, ...] | None] = []
    for name in TOP_LEVEL:
        try:
            st = os.lstat(root / name)
        except OSError:
            found.append(None)
            continue
        found.append((st.st_ino, st.st_mode) if name in FOLDERS else (st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(found)
