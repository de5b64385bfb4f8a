"""`check --diff`: what changed in a source since its translation was stamped, from .cache/ or git history;
and the preview's outdated notice linking to the same diff."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup

from conftest import require, run_build
from test_serve import Served, serve  # noqa: F401 -- the fixture

EN = "content/en/about/index.md"
ZH = "content/zh/about/index.md"
HEAD = "---\ntitle: About\nweight: 10\n---\n"
OLD_BODY = "About this site.\n\n## 团队 and people\n\nBack [home](../index.md#about-us).\n"  # as in tiny_files()
NEW_BODY = "About this small site.\n\n## 团队 and people\n\nBack [home](../index.md#about-us).\n\nA new line.\n"
DIFF = [
    f"--- {EN} (translated: {{stamp}})",
    f"+++ {EN} (now)",
    "@@ -2,8 +2,10 @@",
    " title: About",
    " weight: 10",
    " ---",
    "-About this site.",
    "+About this small site.",
    " ",
    " ## 团队 and people",
    " ",
    " Back [home](../index.md#about-us).",
    "+",
    "+A new line.",
]


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"content/en/about/team.md": None})


def edit_source(project: Path) -> None:
    (project / EN).write_text(HEAD + NEW_BODY, encoding="utf-8")


def stamp_of(project: Path) -> str:
    text = (project / ZH).read_text(encoding="utf-8")
    return next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("translation_of:"))


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
                   check=True, capture_output=True, timeout=60)


def test_the_diff_comes_from_the_copy_translated_keeps(project: Path) -> None:
    assert run_build(project, "translated", ZH).returncode == 0  # keeps the source it stamped against
    edit_source(project)
    result = run_build(project, "check", "--diff", ZH)
    assert (result.returncode, result.stderr) == (0, "")
    stamp = stamp_of(project)
    assert result.stdout.splitlines() == [
        f"{ZH}: {EN} changed since it was translated (old text from .cache/sources/)",
        *(line.format(stamp=stamp) for line in DIFF),
        f"once {ZH} matches, run: python build.py translated {ZH}"]


def test_the_diff_comes_from_git_history_on_another_clone(project: Path) -> None:
    require(shutil.which("git") is not None, "git is not installed")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "First version")
    edit_source(project)
    (project / "content/en/figures.md").write_text("---\ntitle: Figures\n---\nAn unrelated change.\n", "utf-8")
    git(project, "commit", "-qam", "Edit the English pages")
    (project / EN).write_text(HEAD + NEW_BODY, encoding="utf-8")  # unchanged since: git has both versions
    assert not (project / ".cache/sources").exists()
    result = run_build(project, "check", "--diff", ZH)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{ZH}: {EN} changed since it was translated (old text from git commit ")
    assert lines[1:-1] == [line.format(stamp=stamp_of(project)) for line in DIFF]


def test_an_up_to_date_translation_says_so(project: Path) -> None:
    result = run_build(project, "check", "--diff", ZH, "content/zh/index.md")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == f"{ZH}: up to date with {EN} (stamp {stamp_of(project)})"
    assert result.stdout.splitlines()[1].startswith("content/zh/index.md: up to date with content/en/index.md")


@pytest.mark.parametrize("files, path, message", [
    ({}, EN, f"{EN}: this is the source language (en); give one of its translations"),
    ({}, "content/zh/nowhere.md", "content/zh/nowhere.md: no such file"),
    ({}, "site.yaml", "site.yaml: not a page under content/<language>/"),
    ({ZH: "---\ntitle: 关于\n---\n关于本站。\n"}, ZH,
     f"{ZH}: no translation_of stamp: it was never marked as translated, so there is no earlier {EN} to compare with"),
    ({ZH: "---\ntitle: 关于\ntranslation_of: 0123456789\n---\n关于本站。\n"}, ZH,
     f"{ZH}:3: the text of {EN} it was translated from (stamp 0123456789) is neither in .cache/sources/ nor in git "
     "history; compare the two files by hand"),
])
def test_check_diff_refuses_what_it_cannot_show(project: Path, make_project: Callable[..., Path], files: dict,
                                                path: str, message: str) -> None:
    make_project({"content/en/about/team.md": None, **files})
    result = run_build(project, "check", "--diff", path)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"{message}\nfailed: 1 error\n")


def test_the_preview_notice_links_to_the_diff(serve: Callable[..., Served], project: Path) -> None:
    assert run_build(project, "translated", ZH).returncode == 0
    edit_source(project)
    server = serve(project)
    page = BeautifulSoup(server.get("/zh/about/").text, "html.parser")
    links = [a["href"] for a in page.select("main .notice a")]
    assert links == ["/en/about/", f"/_translation-diff/{ZH}"]
    diff = server.get(links[1])
    assert diff.status == 200
    html = BeautifulSoup(diff.text, "html.parser")
    assert html.html["lang"] == "zh" and html.h1.get_text() == "英文原文有哪些改动"
    assert [el.get_text() for el in html.select("pre.diff del")] == ["-About this site.\n"]
    assert [el.get_text() for el in html.select("pre.diff ins")] == ["+About this small site.\n", "+\n", "+A new line.\n"]
    assert [el.get_text() for el in html.select("pre.diff mark")] == ["small "]  # the words that changed
    assert f"python build.py translated {ZH}" in html.get_text()
    assert server.get(f"/_translation-diff/{EN}").status == 404
    assert server.get("/_translation-diff/site.yaml").status == 404
    assert server.get("/_translation-diff/content/zh/../../site.yaml").status == 404

    assert run_build(project, "build").returncode == 0  # a real build: no link to a preview-only page
    built = (project / "site/zh/about/index.html").read_text(encoding="utf-8")
    assert "_translation-diff" not in built and "about" in built
