"""A/B of the one-page edit on the command line: two versions of the generator, each on its own copy of a project.

    .venv/bin/python benchmarks/ab_edit.py /tmp/microsite-bench/1000/ours --base HEAD~3 [--rounds 9] [--search]

The base version is checked out into a temporary git worktree; the new one is this checkout. Caches are keyed
on the generator's code, so each version builds its own copy of the project (under --work). The versions take
turns, each round appends a paragraph to the same page before each build, and the medians of wall time and
CPU time (user + system of the build and its children) are printed. A difference of tens of milliseconds needs
a quiet machine: run nothing else meanwhile. bench_build.py is the benchmark of record; this is for deciding
whether one change to the command-line edit path helps.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import clean_env

REPO = Path(__file__).resolve().parent.parent


def middle_page(project: Path) -> str:
    """Return the middle English page of the project (by path), as bench_build.py edits the middle page."""
    pages = sorted(p.relative_to(project).as_posix() for p in (project / "content/en").rglob("*.md"))
    if not pages:
        raise SystemExit(f"no pages under {project / 'content/en'}")
    return pages[len(pages) // 2]


def build(tree: Path, project: Path, search: bool) -> tuple[float, float]:
    """Run one command-line build of `project` with the generator in `tree`; return (wall, CPU) seconds."""
    command = [sys.executable, str(tree / "build.py"), "--root", ".", "build", "--out", "out",
               *([] if search else ["--no-search"])]
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, cwd=project, env=clean_env(), capture_output=True, text=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"the build with {tree} failed:\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def edit(project: Path, page: str) -> None:
    with open(project / page, "a", encoding="utf-8") as handle:
        handle.write(f"\nAn edit at {time.time_ns()}.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path, help="a project of ours, e.g. /tmp/microsite-bench/1000/ours")
    parser.add_argument("--base", required=True, help="the git revision to compare this checkout with")
    parser.add_argument("--rounds", type=int, default=9, help="timed builds of each version (default: 9)")
    parser.add_argument("--search", action="store_true", help="build with the search index (default: --no-search)")
    parser.add_argument("--page", help="the page to edit, relative to the project (default: the middle en page)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ab-edit",
                        help="where the copies go (default: /tmp/ab-edit; replaced)")
    args = parser.parse_args(argv)
    page = args.page or middle_page(args.project)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    base_tree = args.work / "base-tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--quiet", "--detach", str(base_tree), args.base],
                   check=True)
    try:
        trees = {"base": base_tree, "new": REPO}
        projects = {}
        for name in trees:
            projects[name] = args.work / name
            shutil.copytree(args.project, projects[name], symlinks=True,
                            ignore=shutil.ignore_patterns("out", ".out.*", ".cache"))
            build(trees[name], projects[name], args.search)  # fills the caches
            edit(projects[name], page)
            build(trees[name], projects[name], args.search)  # the first edit loads the cache of parsed pages
        walls: dict[str, list[float]] = {name: [] for name in trees}
        cpus: dict[str, list[float]] = {name: [] for name in trees}
        for round_number in range(args.rounds):
            order = list(trees) if round_number % 2 == 0 else list(reversed(trees))
            for name in order:
                edit(projects[name], page)
                wall, cpu = build(trees[name], projects[name], args.search)
                walls[name].append(wall)
                cpus[name].append(cpu)
        print(f"one-page edit of {page}, {'with' if args.search else 'without'} the search index, "
              f"{args.rounds} rounds:")
        for name in trees:
            print(f"  {name:4} ({args.base if name == 'base' else 'this checkout'}): wall median "
                  f"{statistics.median(walls[name]):.3f} s (min {min(walls[name]):.3f}), CPU median "
                  f"{statistics.median(cpus[name]):.3f} s")
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_tree)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
