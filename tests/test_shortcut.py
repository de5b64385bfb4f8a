"""The no-change shortcut never skips a build that would do something (issue 15, defect 8).

A project whose inputs are an hour old is built twice, so the second build takes the shortcut ('nothing
changed'). Then one thing the shortcut once missed is changed, and the next build must not skip.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import tiny_files, write_project
from microsite.cli import main


def build(project: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(project), "build"])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory, fast_templates: None) -> Path:
    """Return a built project whose next build takes the shortcut."""
    project = write_project(tmp_path_factory.mktemp("shortcut") / "settled", tiny_files())
    hour_ago = os.stat(project).st_mtime - 3600
    for path in [project, *project.rglob("*")]:
        os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)
    assert build(project)[0] == 0
    code, out, _ = build(project)
    assert code == 0 and "(nothing changed)" in out, out
    return project


@pytest.fixture
def project(settled: Path) -> Path:
    """Return a copy of the settled project at the same path each time (the memo is keyed by path)."""
    work = settled.parent / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(settled, work, symlinks=True)
    code, out, _ = build(work)  # the copy's own memo, recorded under its own path
    code, out, _ = build(work)
    assert code == 0 and "(nothing changed)" in out, out
    return work


def linked_folder(project: Path) -> None:
    """Link content/en/notes to a folder of pages kept elsewhere in the project."""
    (project / "shared/notes").mkdir(parents=True)
    (project / "shared/notes/n.md").write_text("---\ntitle: Note\n---\nA note.\n", encoding="utf-8")
    (project / "content/en/notes").symlink_to("../../shared/notes")


CHANGES: dict[str, tuple[Callable[[Path], None], int, str]] = {
    # name -> (change, exit code, what the output must then show)
    "a new symlinked folder": (lambda p: linked_folder(p), 0, "en/notes/n/index.html"),
    "a new symlink out of the project": (lambda p: (p / "content/en/bad.md").symlink_to("/etc/passwd"), 1,
                                         "content/en/bad.md: symlink points outside the project"),
    "a new dangling symlink": (lambda p: (p / "content/en/gone.md").symlink_to("missing.md"), 1,
                               "content/en/gone.md: symlink points to a missing file"),
    "an empty unknown-language folder": (lambda p: (p / "content/fr").mkdir(), 1,
                                         "content/fr: unknown language 'fr' (site.yaml lists en, zh)"),
    "a stray file in site/": (lambda p: (p / "site/en/stray.html").write_text("left over"), 0, "-en/stray.html"),
    "a stray folder in site/": (lambda p: (p / "site/old").mkdir(), 0, "-old"),
}


@pytest.mark.parametrize("name", CHANGES)
def test_the_shortcut_sees_every_change(project: Path, name: str) -> None:
    change, expected_code, shows = CHANGES[name]
    change(project)
    code, out, err = build(project)
    assert "(nothing changed)" not in out, f"{name}: the build was skipped"
    assert code == expected_code, out + err
    if expected_code == 1:
        assert shows in err.splitlines()
    elif shows.startswith("-"):
        assert not (project / "site" / shows[1:]).exists()
    elif shows:
        assert (project / "site" / shows).is_file()
