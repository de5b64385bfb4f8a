"""A command-line build knows what the staging folder holds from the last publish's record (issue 18).

Without it, each new process walks the whole staging folder and compares every file with the published
one. These tests show that a build after a build does not walk, that what it publishes equals a clean
build, and that it walks again whenever the record could be wrong: files added to or removed from either
folder, a failed build, --no-cache, another process publishing while the preview runs.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import snapshot

import microsite.cache
import microsite.errors
import microsite.stagingrecord
import microsite.write
from microsite.pipeline import Builder, BuildOptions

TEAM = "content/en/about/team.md"


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Return the list of times the site's staging folder was walked from now on (clean() builds elsewhere)."""
    walked: list[Path] = []
    real = microsite.write._remove_others

    def spied(staging: Path, outputs: dict[str, bool]) -> None:
        if staging.name == ".site.staging":
            walked.append(staging)
        real(staging, outputs)

    monkeypatch.setattr(microsite.write, "_remove_others", spied)
    return walked


def build(project: Path, out: str = "site", **options: object):
    """Build as a new command-line process would: a new Builder knows nothing but what is on disk."""
    return Builder(project, BuildOptions(out=project / out, search=False, **options)).build()  # type: ignore[arg-type]


def edit(project: Path, text: str) -> None:
    (project / TEAM).write_text(f"---\ntitle: Team\n---\n{text}\n", encoding="utf-8")


def clean(project: Path) -> dict[str, bytes]:
    """Return what a clean build of the project publishes."""
    build(project, "clean", cache=False)
    return snapshot(project / "clean")


def learned(project: Path, walks: list[Path]) -> None:
    """Build twice: the first publish records the site, the second the staging folder too."""
    build(project)
    edit(project, "Learning.")
    build(project)
    walks.clear()


def test_a_build_after_a_build_does_not_walk_and_equals_a_clean_one(make_project, walks) -> None:
    project = make_project()
    learned(project, walks)
    for round_, files in enumerate([{}, {"content/en/new.md": "---\ntitle: New\n---\nNew.\n"},
                                    {"content/en/new.md": None}]):
        edit(project, f"Round {round_}.")
        for rel, text in files.items():
            path = project / rel
            path.write_text(text, encoding="utf-8") if text is not None else path.unlink()
        result = build(project)
        assert walks == [] and result.written >= 1
        assert snapshot(project / "site") == clean(project)
    assert list((project / ".cache").glob("staging-*.json"))


@pytest.mark.parametrize("where", ["site", ".site.staging"])
@pytest.mark.parametrize("change", ["add", "remove"])
def test_a_file_added_or_removed_in_either_folder_makes_the_build_walk(make_project, walks, monkeypatch, where,
                                                                       change) -> None:
    project = make_project()
    monkeypatch.setattr(microsite.stagingrecord, "RACY_NS", 20_000_000)  # folders are recorded by mtime ...
    learned(project, walks)
    time.sleep(0.03)  # ... and someone comes later
    target = project / where / "en/about/team/stray.html"
    if change == "add":
        target.write_text("<p>not made by this build</p>", encoding="utf-8")
    else:
        (project / where / "en/about/index.html").unlink()
    edit(project, "After the change.")
    build(project)
    assert walks == [project / ".site.staging"]
    build(project)  # the folder that was the site is the staging folder now: learned again by walking it
    assert snapshot(project / "site") == clean(project)


@pytest.mark.parametrize("where", ["site", "site/en/about/team", ".site.staging/en"])
def test_a_change_right_after_a_build_is_seen_with_mtimes_of_whole_seconds(make_project, walks, monkeypatch,
                                                                          where) -> None:
    """On a file system keeping whole seconds (ext3, HFS+), a file added in the same second keeps its folder's
    mtime: folders changed within the last second are recorded by their names."""
    real = microsite.stagingrecord._mtime
    monkeypatch.setattr(microsite.stagingrecord, "_mtime", lambda path: real(path) // 10**9 * 10**9)
    project = make_project()
    learned(project, walks)
    (project / where / "stray.html").write_text("<p>at once</p>", encoding="utf-8")
    edit(project, "At once.")
    build(project)
    assert walks == [project / ".site.staging"]


def test_a_failed_build_leaves_no_record_and_the_next_one_walks(make_project, walks) -> None:
    project = make_project()
    learned(project, walks)
    edit(project, "Cites {{fact:no_such_fact}}.")
    with pytest.raises(microsite.errors.BuildFailed):
        build(project)
    assert not list((project / ".cache").glob("staging-*.json"))
    edit(project, "Fixed.")
    build(project)
    assert walks == [project / ".site.staging"]
    assert snapshot(project / "site") == clean(project)


def test_no_cache_takes_the_record_without_using_it(make_project, walks) -> None:
    project = make_project()
    learned(project, walks)
    edit(project, "No cache.")
    build(project, cache=False)
    assert walks == [project / ".site.staging"]
    assert list((project / ".cache").glob("staging-*.json")), "it leaves a record for the next build"


def test_the_preview_walks_after_a_command_line_build_published_meanwhile(make_project, walks) -> None:
    project = make_project()
    preview = Builder(project, BuildOptions(out=project / "site", search=False, preview=True))
    preview.build()
    edit(project, "Preview.")
    preview.build()
    walks.clear()
    (project / "content/en/new.md").write_text("---\ntitle: New\n---\nNew.\n", encoding="utf-8")
    build(project)  # another process: the preview's knowledge of the two folders is wrong now
    (project / "content/en/new.md").unlink()
    walks.clear()
    preview.build()
    assert walks == [project / ".site.staging"]
    assert snapshot(project / "site") == clean(project)



def test_a_record_naming_paths_outside_the_staging_folder_is_not_followed(make_project, walks) -> None:
    """Whoever can write .cache/ could hand-write a record; a path it names outside is never removed."""
    project = make_project()
    learned(project, walks)
    outside = project / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    record = next((project / ".cache").glob("staging-*.json"))
    data = microsite.cache.unpack_json(record.read_bytes())
    data["removed"].append("../outside.txt")  # in the staging folder and not published: removed by the next build
    spare = (frozenset(data["published"]) - frozenset(data["added"])) | frozenset(data["removed"])
    data["states"][1] = microsite.stagingrecord.folder_states(project / ".site.staging", spare, time.time_ns())
    record.write_bytes(microsite.cache.pack_json(data))
    edit(project, "Hand-written record.")
    build(project)
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert walks == [project / ".site.staging"]
    assert snapshot(project / "site") == clean(project)
