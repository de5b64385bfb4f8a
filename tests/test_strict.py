"""One gate: `build --strict` fails on everything `check --strict` fails on, with the same messages."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from conftest import run_build, snapshot, tiny_files

ZH_HOME = tiny_files()["content/zh/index.md"]

BROKEN = {
    "typed-figure": ({"content/zh/index.md": ZH_HOME + "\n北京有1,048家企业。\n"},
                     ["content/zh/index.md:12: number '1,048' is typed by hand; write {{fact:firms}} so it follows "
                      "content/facts.yaml"]),
    "placeholder": ({"content/zh/index.md": ZH_HOME + "\n在此撰写正文。\n"},
                    ["content/zh/index.md:12: placeholder text '在此撰写正文。' is still here; write the page, "
                     "or mark it draft: true"]),
    "same-title": ({"content/zh/index.md": ZH_HOME.replace("title: 首页", "title: Home")},
                   ["content/zh/index.md:2: title 'Home' is the same as in content/en/index.md; translate it"]),
    "different-facts": ({"content/zh/index.md": ZH_HOME + "\n占比{{fact:firm_share}}。\n"},
                        ["content/zh/index.md: cites different facts than content/en/index.md "
                         "(only in en: -; only in zh: firm_share)"]),
}


@pytest.fixture
def translated(make_project: Callable[..., Path]) -> Callable[[dict[str, str]], Path]:
    """Return a function making the tiny project with every page translated, plus `files`."""
    return lambda files: make_project({"content/en/about/team.md": None, **files})


def test_the_fixture_passes_both_gates(translated: Callable[[dict[str, str]], Path]) -> None:
    project = translated({})
    assert run_build(project, "check", "--strict").returncode == 0
    assert run_build(project, "build", "--strict").returncode == 0


@pytest.mark.parametrize("case", BROKEN)
def test_build_strict_fails_where_check_strict_does(translated: Callable[[dict[str, str]], Path], case: str) -> None:
    files, messages = BROKEN[case]
    project = translated({})
    assert run_build(project, "build").returncode == 0
    before = snapshot(project / "site")
    translated(files)

    check = run_build(project, "check", "--strict")
    assert (check.returncode, check.stderr) == (1, "".join(f"warning: {m}\n" for m in messages))
    build = run_build(project, "build", "--strict")
    count = f"{len(messages)} error{'s' if len(messages) != 1 else ''}"
    assert (build.returncode, build.stdout) == (1, "")
    assert build.stderr == "".join(f"{m}\n" for m in messages) + f"failed: {count}; site/ left unchanged\n"
    assert snapshot(project / "site") == before
    assert run_build(project, "build").returncode == 0  # without --strict these are warnings, not errors
