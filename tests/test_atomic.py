"""Publishing is atomic (issue 15, defects 1 and 4): a reader finds the old site or the new one, whole, always.

The kill test runs a build that changes, adds and removes pages in a forked child that SIGKILLs itself just
before its Nth file-system change (open for writing, rename, link, unlink, mkdir, rmdir, the folder swap),
for every N from the first to the last. After each kill, site/ must equal the old site or the new one byte
for byte, its .git (the output is a gh-pages checkout) must still exist, and the next build must recover and
publish the new site. It runs for the command line and for the preview's partial rebuilds.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import signal
from pathlib import Path
from typing import Any, Callable

import pytest

from conftest import run_build, snapshot, tiny_files, write_project
from hostile import run_isolated, tree_hash
from microsite import swap, write
from microsite.cli import main
from microsite.pipeline import BuildOptions
from microsite.serve import Preview

MUTATING = ("open", "replace", "rename", "link", "unlink", "rmdir", "mkdir")  # and the swap, swap._renameat2
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT


def site_files(folder: Path) -> dict[str, bytes]:
    """Return the published files (not .git) with their bytes."""
    return {rel: data for rel, data in snapshot(folder).items() if not rel.startswith(".git/")}


def site_hash(folder: Path) -> str:
    """Return a hash of site_files(folder)."""
    return hashlib.sha256(repr(sorted(site_files(folder).items())).encode()).hexdigest()


def project_files() -> dict[str, str]:
    files = tiny_files()
    for i in range(3):
        files[f"content/en/notes/n{i}.md"] = f"---\ntitle: Note {i}\nweight: {i}\n---\nNote {i} cites {{{{fact:firms}}}}.\n"
    return files


def edit(project: Path) -> None:
    """Change a fact every page shows in its navigation's neighbour, add a page, remove one, touch the CSS."""
    facts = project / "content/facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("value: 1048", "value: 2096"), encoding="utf-8")
    (project / "content/en/notes/n0.md").unlink()
    (project / "content/en/notes/new.md").write_text("---\ntitle: New\n---\nNew {{fact:firms}}.\n", encoding="utf-8")
    css = project / "static/style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory, fast_templates: None) -> dict[str, Any]:
    """Build the old site (twice, so a staging folder exists) with a .git inside; return it and the new site.

    Every build here is --no-search: the index publishes like any other file, and the preview makes it later.
    """
    base = tmp_path_factory.mktemp("atomic")
    old = write_project(base / "work", project_files())
    quiet(lambda: main(["--root", str(old), "build", "--no-search"]))
    (old / "content/en/about/team.md").write_text("---\ntitle: Team\nweight: 5\n---\nThe team!\n", encoding="utf-8")
    quiet(lambda: main(["--root", str(old), "build", "--no-search"]))
    (old / "site/.git/refs").mkdir(parents=True)
    (old / "site/.git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    old_site = site_files(old / "site")
    old.rename(base / "old")
    clean = write_project(base / "clean", project_files())
    (clean / "content/en/about/team.md").write_text("---\ntitle: Team\nweight: 5\n---\nThe team!\n", encoding="utf-8")
    edit(clean)
    quiet(lambda: main(["--root", str(clean), "build", "--no-cache", "--no-search"]))
    new_site = site_files(clean / "site")
    assert old_site != new_site and len(set(old_site) ^ set(new_site)) >= 2  # pages added and removed
    return {"base": base, "old": old_site, "new": new_site}


def check_clean(work: Path) -> None:
    """Assert that the site equals a clean build of the project's current inputs."""
    clean = work.parent / "clean-check"
    shutil.rmtree(clean, ignore_errors=True)
    quiet(lambda: main(["--root", str(work), "build", "--no-cache", "--no-search", "--out", str(clean)]))
    assert site_files(work / "site") == site_files(clean)


def quiet(step: Callable[[], int]) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert step() == 0


def fresh(base: Path) -> Path:
    """Return base/work: the old project as it was after its builds (same path, so its cache applies)."""
    work = base / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base / "old", work, symlinks=True)
    return work


def counting(kill_at: int | None, counter: list[int]) -> Callable[[], None]:
    """Return a function that makes this (child) process count the file-system changes of publishing
    (Output.prepare and Output.publish), and SIGKILL itself just before change number `kill_at`."""
    active = [False]

    def tick() -> None:
        if active[0]:
            counter[0] += 1
            if counter[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    def wrap(function: Callable[..., Any], is_open: bool = False) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if not is_open or (args[1] if len(args) > 1 else kwargs.get("flags", 0)) & WRITE_FLAGS:
                tick()
            return function(*args, **kwargs)
        return call

    def phase(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            active[0] = True
            try:
                result = method(*args, **kwargs)
                tick()  # one more point: just after the phase, before the build goes on
                return result
            finally:
                active[0] = False
        return call

    def install() -> None:
        for name in MUTATING:
            setattr(os, name, wrap(getattr(os, name), is_open=name == "open"))
        swap._renameat2 = wrap(swap._renameat2)
        write.Output.prepare = phase(write.Output.prepare)
        write.Output.publish = phase(write.Output.publish)
    return install


def cli_build(work: Path, kill_at: int | None, counter: list[int]) -> Callable[[list[str]], int]:
    def run(argv: list[str]) -> int:
        edit(work)
        counting(kill_at, counter)()
        code = main(["--root", str(work), "build", "--no-search"])  # publishing is the same with an index
        print(f"calls={counter[0]}")
        return code
    return run


def preview_build(work: Path, kill_at: int | None, counter: list[int]) -> Callable[[list[str]], int]:
    """Three preview rebuilds: two page edits (partial rebuilds), then the full edit; print each site's hash."""
    def run(argv: list[str]) -> int:
        preview = Preview(work, BuildOptions(out=work / "site"))
        preview.build()
        counting(kill_at, counter)()
        page = work / "content/en/notes/n1.md"  # a body edit: the preview renders just this page
        for step in ("\nEdited while previewing.\n", "\nAgain.\n", None):
            if step is None:
                edit(work)
            else:
                page.write_text(page.read_text(encoding="utf-8") + step, encoding="utf-8")
            assert preview.rebuild() is not None
            print(f"published={site_hash(work / 'site')}")
        print(f"calls={counter[0]}")
        return 0
    return run


@pytest.mark.parametrize("mode", ["cli", "preview"])
def test_a_killed_build_leaves_the_old_or_the_new_site_whole(states: dict[str, Any], mode: str) -> None:
    base, runner = states["base"], cli_build if mode == "cli" else preview_build
    work = fresh(base)
    finished = run_isolated(runner(work, None, [0]), [])
    assert finished.code == 0 and not finished.traceback, finished.traceback + finished.stderr
    total = int(finished.stdout.strip().rsplit("calls=", 1)[1])
    published = [line[10:] for line in finished.stdout.splitlines() if line.startswith("published=")]
    whole = {site_hash(base / "old/site"), *published}  # every site a reader may see
    print(f"{mode}: {total} file-system changes")
    if mode == "cli":
        assert site_files(work / "site") == states["new"]
    else:
        assert len(published) == 3 and site_hash(work / "site") == published[-1]
        check_clean(work)  # the preview's partial rebuilds publish what a clean build makes
    assert total > 15, total
    seen = {"old": 0, "new": 0}
    points = range(1, total + 1) if mode == "cli" else [*range(1, total + 1, 2), total]  # the preview: every other
    for kill_at in points:
        work = fresh(base)
        run = run_isolated(runner(work, kill_at, [0]), [])
        assert run.code is None, f"the build was not killed at change {kill_at}: {run.stdout}{run.traceback}"
        now = site_files(work / "site")
        if mode == "cli":
            assert now in (states["old"], states["new"]), f"a mixed site after a kill at change {kill_at} of {total}"
            seen["old" if now == states["old"] else "new"] += 1
        else:  # the preview publishes three times: the site is one of the four it passes through
            assert site_hash(work / "site") in whole, f"a mixed site after a kill at change {kill_at} of {total}"
        git = [p for p in (work / "site/.git/HEAD", work / ".site.staging/.git/HEAD") if p.exists()]
        assert git, f".git lost after a kill at change {kill_at}"
        if mode == "preview":  # the inputs are where the kill left them: finish the edits
            edit(work) if (work / "content/en/notes/n0.md").exists() else None
        if kill_at % 4 and kill_at < total - 2:
            continue  # recovering takes a whole build: check every fourth kill and the last ones
        recovered = run_isolated(lambda argv: main(["--root", str(work), "build", "--no-search"]), [])
        assert recovered.code == 0, recovered.stderr + recovered.traceback
        if mode == "cli":
            assert site_files(work / "site") == states["new"], f"no recovery after a kill at change {kill_at}"
        elif kill_at % 6 == 0:  # a clean build of these inputs costs time too: compare a sample
            check_clean(work)
        assert (work / "site/.git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    if mode == "cli":
        assert seen["old"] and seen["new"], seen  # kills landed both before and after the swap


def test_an_io_error_while_publishing_leaves_the_old_site_and_one_line(states: dict[str, Any]) -> None:
    """Every file-system change of the publish phase fails in turn (EIO); each time the old site stays."""
    base = states["base"]
    for fail_at in [*range(1, 400, 3), 400]:  # every third change: each costs a build
        work = fresh(base)
        before = tree_hash(work / "site")

        def run(argv: list[str], fail_at: int = fail_at, work: Path = work) -> int:
            edit(work)
            counter = [0]
            original = write._sync

            def failing_sync(*args: Any, **kwargs: Any) -> None:  # fail inside the publish phase only
                for name in ("link", "unlink", "rename", "mkdir", "replace"):
                    setattr(os, name, failing(getattr(os, name), counter, fail_at))
                swap._renameat2 = failing(swap._renameat2, counter, fail_at)
                original(*args, **kwargs)
            write._sync = failing_sync
            return main(["--root", str(work), "build", "--no-search"])

        result = run_isolated(run, [])
        if result.code == 0:
            assert fail_at > 1  # every change succeeded: all failure points were tried
            assert site_files(work / "site") == states["new"]
            break
        assert result.traceback == "", result.traceback
        lines = result.stderr.splitlines()
        assert len(lines) == 2 and "Input/output error" in lines[0] and "was left as it was" in lines[0], lines
        assert lines[1] == "failed: 1 error; site/ left unchanged"
        assert tree_hash(work / "site") == before, f"site/ changed by a failure at change {fail_at}"
    else:
        pytest.fail("the build never succeeded")


def failing(function: Callable[..., Any], counter: list[int], fail_at: int) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        counter[0] += 1
        if counter[0] == fail_at:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(args[0]) if args else None)
        return function(*args, **kwargs)
    return call


# -- which folders a build may replace (defect 1) --------------------------------------------------------------

def test_a_gh_pages_checkout_is_refused_and_left_alone(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project()
    ghp = tmp_path / "ghp"
    (ghp / ".git/objects").mkdir(parents=True)
    (ghp / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (ghp / ".nojekyll").write_text("")
    (ghp / "index.html").write_text("the published site")
    before = tree_hash(ghp)
    result = run_build(project, "build", "--out", str(ghp))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (f"{ghp}: exists and was not made by this generator; empty it "
                                             "(a .git folder may stay) or choose another --out")
    assert tree_hash(ghp) == before


def test_an_emptied_gh_pages_checkout_is_built_into_and_keeps_its_git(make_project: Callable[..., Path],
                                                                      tmp_path: Path) -> None:
    project = make_project()
    ghp = tmp_path / "ghp"
    (ghp / ".git").mkdir(parents=True)
    (ghp / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    for _ in range(3):  # the first build, then two swaps
        (project / "content/en/about/team.md").write_text(f"---\ntitle: Team\n---\nBuild {_}.\n", encoding="utf-8")
        result = run_build(project, "build", "--out", str(ghp))
        assert result.returncode == 0, result.stderr
        assert (ghp / ".git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
        assert f"Build {_}." in (ghp / "en/about/team/index.html").read_text(encoding="utf-8")
    assert (ghp / ".nojekyll").read_text() == write.MARKER_TEXT
    assert not (tmp_path / ".ghp.staging/.git").exists()


def test_a_folder_marked_by_another_tool_is_refused(make_project: Callable[..., Path], tmp_path: Path) -> None:
    project = make_project()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".nojekyll").write_text("made by some other generator\n")
    (out / "page.html").write_text("theirs")
    assert run_build(project, "build", "--out", str(out)).returncode == 1
    assert (out / "page.html").read_text() == "theirs"


def test_an_older_build_of_this_project_is_still_recognised(make_project: Callable[..., Path]) -> None:
    """site/ from a version whose .nojekyll was empty: the cache's manifest proves this project built it."""
    project = make_project()
    assert run_build(project).returncode == 0
    (project / "site/.nojekyll").write_text("")
    (project / "content/en/about/team.md").write_text("---\ntitle: Team\n---\nUpgraded.\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert (project / "site/.nojekyll").read_text() == write.MARKER_TEXT
    (project / "site/.nojekyll").write_text("")
    shutil.rmtree(project / ".cache")  # without the manifest, nothing proves it
    assert run_build(project).returncode == 1


def test_unchanged_files_keep_their_inode_and_mtime(make_project: Callable[..., Path]) -> None:
    project = make_project()
    assert run_build(project, "--no-search").returncode == 0
    (project / "content/en/figures.md").write_text("---\ntitle: Figures\nweight: 20\ntemplate: key-figures.html\n"
                                                   "---\nAll the figures.\n\n{{chart:shares}}\n", encoding="utf-8")
    assert run_build(project, "--no-search").returncode == 0  # a swap: now the staging folder holds the site before
    site = project / "site"
    before = {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*")
              if p.is_file()}
    (project / "content/en/about/team.md").write_text("---\ntitle: Team\nweight: 5\n---\nNew words.\n",
                                                      encoding="utf-8")
    result = run_build(project, "--no-search")
    assert result.returncode == 0 and "1 file written" in result.stdout, result.stdout
    after = {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*")
             if p.is_file()}
    assert {rel for rel in after if after[rel] != before.get(rel)} == {"en/about/team/index.html"}


def test_the_swap_is_one_renameat2_exchange(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = swap._renameat2
    monkeypatch.setattr(swap, "_renameat2", lambda a, b, flags: calls.append(flags) or original(a, b, flags))
    project = make_project()
    quiet(lambda: main(["--root", str(project), "build"]))
    assert calls == []  # the first build renames its staging folder into place
    (project / "content/en/about/team.md").write_text("---\ntitle: Team\n---\nChanged.\n", encoding="utf-8")
    quiet(lambda: main(["--root", str(project), "build"]))
    assert calls == [swap._RENAME_EXCHANGE]


def test_read_only_site_and_cache_do_not_stop_a_build(make_project: Callable[..., Path]) -> None:
    """Someone made site/ and .cache/ read-only: builds still publish (the site is swapped, never written into)."""
    project = make_project()
    assert run_build(project).returncode == 0
    for round_ in range(3):  # the read-only site becomes the staging folder, then is published again
        for folder in (project / "site", project / ".cache"):
            for path in [folder, *folder.rglob("*")]:
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o555)
        (project / "content/en/about/team.md").write_text(f"---\ntitle: Team\n---\nRound {round_}.\n",
                                                          encoding="utf-8")
        result = run_isolated(lambda argv: main(["--root", str(project), "build"]), [], strict_permissions=True)
        assert result.code == 0 and not result.traceback, result.stderr + result.traceback
        assert f"Round {round_}." in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")
    for path in [project / ".cache", *(project / ".cache").rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
