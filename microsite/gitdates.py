"""When each page last changed, from git: one `git log` for the whole content tree, never one per page.

Outside a git checkout, without git, or for a file git does not track, there is no date, and pages
fall back to their front-matter `date` (see Site.updated). A shallow clone knows only its last
commit, so every page would show that date: the Pages workflow checks out the full history.
Only the standard library is used here: memo.py asks which files move when a commit is made.
"""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path
from typing import Iterable, Protocol


class _Sourced(Protocol):
    source: str


def load_git_dates(root: Path, pages: Iterable[_Sourced]) -> dict[str, datetime.date]:
    """Return the author date of the last commit touching each page, by page source ('content/en/a.md')."""
    wanted = {page.source for page in pages}
    if not wanted or git_dir(root) is None:
        return {}
    command = ["git", "-C", str(root), "-c", "core.quotepath=off", "log", "--format=%x00%ad", "--date=short",
               "--name-only", "--no-renames", "--relative", "--", "content"]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    except OSError:  # no git on this machine
        return {}
    dates: dict[str, datetime.date] = {}
    current = None
    try:
        assert process.stdout is not None
        for raw in process.stdout:  # newest commit first: the first date seen for a file is its last change
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("\0"):
                current = _parse_date(line[1:])
            elif line and current is not None and line in wanted and line not in dates:
                dates[line] = current
                if len(dates) == len(wanted):
                    break  # every page has its date: the rest of the history is not needed
    finally:
        process.kill()
        process.wait()
    return dates


def _parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def git_dir(root: Path) -> Path | None:
    """Return the git directory of the checkout holding `root` (a worktree's own one), or None."""
    for folder in (root, *root.parents):
        marker = folder / ".git"
        if marker.is_dir():
            return marker
        if marker.is_file():
            try:
                text = marker.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if text.startswith("gitdir:"):
                path = Path(text[len("gitdir:"):].strip())
                return path if path.is_absolute() else folder / path
            return None
    return None


def head_files(root: Path) -> list[Path]:
    """Return the files git rewrites on every commit, checkout or reset (their stats tell a commit happened)."""
    found = git_dir(root)
    if found is None:
        return []
    return [path for path in (found / "HEAD", found / "logs" / "HEAD") if path.is_file()]
