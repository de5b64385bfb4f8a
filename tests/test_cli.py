"""The command line as a new user meets it: mistyped commands and options, the summary line, check's table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT, copy_real_project, run_build

BUILD_USAGE = "usage: python build.py build [-h] [--out DIR]"
TOP_USAGE = "usage: python build.py [-h] [--root ROOT] command ..."


@pytest.mark.parametrize("args, usage, message", [
    (["biuld"], TOP_USAGE, "python build.py: error: unknown command 'biuld'; did you mean 'build'?"),
    (["chekc", "--strict"], TOP_USAGE, "python build.py: error: unknown command 'chekc'; did you mean 'check'?"),
    (["--root", ".", "sreve"], TOP_USAGE, "python build.py: error: unknown command 'sreve'; did you mean 'serve'?"),
    (["publish"], TOP_USAGE,
     "python build.py: error: unknown command 'publish'; the commands are build, serve, check, new, translated"),
    (["build", "--port", "9000"], BUILD_USAGE,
     "python build.py build: error: unrecognized arguments: --port 9000 (--port is an option of serve)"),
    (["build", "--stirct"], BUILD_USAGE,
     "python build.py build: error: unrecognized arguments: --stirct (did you mean --strict?)"),
    (["new", "Plan/My", "Page"], "usage: python build.py new [-h] [--title TITLE] slug",
     "python build.py new: error: unrecognized arguments: Page (quote a value with spaces)"),
    (["check", "--out", "x"], "usage: python build.py check [-h]",
     "python build.py check: error: unrecognized arguments: --out x (--out is an option of build and serve)"),
])
def test_a_mistyped_command_or_option_names_it_and_shows_the_right_usage(make_project: Callable[..., Path],
                                                                        args: list[str], usage: str,
                                                                        message: str) -> None:
    project = make_project()
    result = run_build(project, *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(usage), result.stderr
    assert result.stderr.splitlines()[-1] == message
    assert not (project / "site").exists()


@pytest.mark.parametrize("args", [["--out", "build"], ["--no-cache", "--out", "check"], ["--jobs", "1"]])
def test_options_without_a_command_still_mean_build(make_project: Callable[..., Path], args: list[str]) -> None:
    project = make_project()
    result = run_build(project, *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ")


def test_the_summary_says_1_file_written(make_project: Callable[..., Path]) -> None:
    project = make_project()
    assert run_build(project, "build").returncode == 0
    with open(project / "static/site.js", "a", encoding="utf-8") as handle:
        handle.write("\nwindow.edited = true;\n")  # code, not a comment: published scripts are minified
    result = run_build(project, "build")
    assert result.returncode == 0, result.stderr
    assert "(0 rendered, 1 file written)" in result.stdout, result.stdout


def test_check_fits_100_columns_and_lists_facts_with_verbose(tmp_path: Path) -> None:
    project = copy_real_project(tmp_path / "real")
    plain = run_build(project, "check")
    assert plain.returncode == 0, plain.stderr
    assert max(len(line) for line in plain.stdout.splitlines()) <= 100, plain.stdout
    assert re.search(r"^\(home\) +source +current +11$", plain.stdout, re.M), plain.stdout
    assert "ai_companies" not in plain.stdout

    verbose = run_build(project, "check", "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    lines = verbose.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100, verbose.stdout
    home = lines.index(next(line for line in lines if line.startswith("(home)")))
    assert lines[home + 1].startswith("    en, zh: ai_companies, ai_companies_share, ")
    cited = " ".join(line.strip() for line in lines[home + 1:home + 4])
    assert "patent_ranking, smart_factories" in cited


def test_help_lists_verbose_for_check() -> None:
    result = run_build(ROOT, "check", "--help")
    assert "--verbose" in result.stdout
