"""The preview learns which files changed from the operating system (microsite/watch.py) and stats only those.

The names are a hint: whenever they might not tell the whole story (a folder came or went, a symlink,
site.yaml) the preview scans every input as before. The server itself is driven in test_serve.py.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import snapshot
from microsite import preview as previews
from microsite import watch
from microsite.pipeline import BuildOptions
from microsite.preview import Preview

TIMEOUT = 10.0


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project()


@pytest.fixture
def events(project: Path) -> Iterator[watch.FileEvents]:
    started = watch.start(project, lambda: None)
    assert started is not None, "file notifications should work on this machine (inotify)"
    yield started
    started.close()


def collect(events: watch.FileEvents, until: Callable[[set[str] | None], bool]) -> set[str] | None:
    """Return what the events name (None once they say 'unknown') when `until` holds, within TIMEOUT."""
    seen: set[str] = set()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        taken = events.take()
        if taken is None:
            return None
        seen |= taken
        if until(seen):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"no such events within {TIMEOUT} s; got {sorted(seen)}")


@pytest.fixture
def stats_scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the preview's scans of every input file."""
    scans: list[int] = []
    full = previews._stats
    monkeypatch.setattr(previews, "_stats", lambda root: scans.append(1) or full(root))
    return scans


def test_an_edit_is_named_as_the_preview_names_the_file(project: Path, events: watch.FileEvents) -> None:
    page = project / "content/en/about/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    named = collect(events, lambda seen: str(page) in seen)
    assert named is not None and str(page) in previews._stats(project)
    assert all(path.startswith(str(project / "content")) for path in named)


def test_site_yaml_or_a_replaced_folder_makes_the_hint_unknown(project: Path, events: watch.FileEvents) -> None:
    settings = project / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert collect(events, lambda seen: False) is None  # site.yaml is not watched, but looked at every 0.5 s
    assert events.take() == set()  # ... once: the next batch starts afresh
    shutil.move(project / "templates", project / "templates-old")
    shutil.copytree(project / "templates-old", project / "templates")
    assert collect(events, lambda seen: False) is None


def test_a_hinted_rebuild_stats_only_the_named_files(project: Path, stats_scans: list[int]) -> None:
    preview = Preview(project, BuildOptions(out=project / "site", search=False))
    preview.build()
    page = project / "content/en/about/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited, kw55.\n", encoding="utf-8")
    stats_scans.clear()
    result = preview.rebuild({str(page), str(project / "content/en/about/.index.md.swp")})
    assert result is not None and result.rendered == 2 and stats_scans == []
    assert preview.changed == [str(page)]
    assert "kw55" in (project / "site/en/about/index.html").read_text(encoding="utf-8")
    assert preview.rebuild(set()) is None and stats_scans == []


def test_a_hint_with_a_new_folder_scans_every_file(project: Path, stats_scans: list[int]) -> None:
    preview = Preview(project, BuildOptions(out=project / "site", search=False))
    preview.build()
    news = project / "content/en/news/today.md"  # content/en/news/ is new: what else is in it is not named
    news.parent.mkdir()
    news.write_text("---\ntitle: Today\n---\nNews.\n", encoding="utf-8")
    (news.parent / "yesterday.md").write_text("---\ntitle: Yesterday\n---\nOld news.\n", encoding="utf-8")
    stats_scans.clear()
    assert preview.rebuild({str(news)}) is not None and stats_scans == [1]
    assert (project / "site/en/news/yesterday/index.html").is_file()


def test_a_hint_with_a_removed_page_rebuilds_without_it(project: Path, stats_scans: list[int]) -> None:
    preview = Preview(project, BuildOptions(out=project / "site", search=False))
    preview.build()
    team = project / "content/en/about/team.md"
    team.unlink()
    stats_scans.clear()
    assert preview.rebuild({str(team)}) is not None and stats_scans == []
    assert not (project / "site/en/about/team").exists()
    removed = project / "content/en/about"
    words = ["About", "this", "site."]
    assert " ".join(words) in (project / "site/en/about/index.html").read_text(encoding="utf-8")
    shutil.rmtree(removed)  # a folder gone: the pages in it are not all named
    assert preview.rebuild({str(removed)}) is not None and stats_scans == [1]
    # The Chinese page remains, so /en/about/ now says it is not translated yet, without the English text.
    assert " ".join(words) not in (project / "site/en/about/index.html").read_text(encoding="utf-8")


def test_a_project_with_symlinks_never_trusts_the_hint(project: Path, stats_scans: list[int]) -> None:
    os.symlink("style.css", project / "static/linked.css")  # notifications may not follow links
    preview = Preview(project, BuildOptions(out=project / "site", search=False))
    preview.build()
    page = project / "content/en/about/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    stats_scans.clear()
    assert preview.rebuild({str(page)}) is not None and stats_scans == [1]


def test_hinted_rebuilds_leave_the_same_site_as_a_clean_build(project: Path, tmp_path: Path) -> None:
    preview = Preview(project, BuildOptions(out=project / "site", search=False))
    preview.build()
    changes = {"content/en/index.md": "\nA new paragraph on the home page.\n",
               "content/zh/about/index.md": "\n关于页的新段落。\n"}
    for rel, added in changes.items():
        page = project / rel
        page.write_text(page.read_text(encoding="utf-8") + added, encoding="utf-8")
        assert preview.rebuild({str(page)}) is not None
    clean = tmp_path / "clean"  # the preview's own full build (its pages link to translation diffs)
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site", ".cache"))
    Preview(clean, BuildOptions(out=clean / "site", search=False, cache=False)).build()
    assert snapshot(project / "site") == snapshot(clean / "site")


def test_without_notifications_the_server_polls(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise OSError(28, "inotify watch limit reached")
    monkeypatch.setattr(watch, "FileEvents", refuse)
    assert watch.start(project, lambda: None) is None  # serve() then polls, as with --poll (test_serve.py)


def test_closing_stops_the_thread_and_gives_the_watch_back(project: Path) -> None:
    limit = int(Path("/proc/sys/fs/inotify/max_user_instances").read_text())
    for _ in range(min(limit, 300) + 2):  # more previews than Linux allows watchers at once (128), in turn
        events = watch.start(project, lambda: None)
        assert events is not None
        events.close()
        assert not events.thread.is_alive()


def test_a_folder_made_later_is_watched_too(project: Path, events: watch.FileEvents) -> None:
    shutil.rmtree(project / "static")
    assert collect(events, lambda seen: False) is None  # static/ went: a full scan, once
    (project / "static").mkdir()
    assert collect(events, lambda seen: False) is None  # static/ is back: a full scan, and it is watched
    sheet = project / "static/extra.css"
    sheet.write_text("p { color: red }\n", encoding="utf-8")
    assert collect(events, lambda seen: str(sheet) in seen) is not None
    facts = project / "content/facts.yaml"  # a file replaced by a rename, as some editors save
    facts.with_name("facts.yaml.new").write_text(facts.read_text(encoding="utf-8"), encoding="utf-8")
    os.replace(facts.with_name("facts.yaml.new"), facts)
    assert collect(events, lambda seen: str(facts) in seen) is not None


def test_a_name_that_is_not_utf8_makes_the_server_poll(project: Path, events: watch.FileEvents) -> None:
    """watchfiles cannot name such a file; the preview then finds edits by polling, which reports the name."""
    with open(os.fsencode(project / "content/en") + b"/bad\xff.md", "wb") as handle:
        handle.write(b"---\ntitle: Bad\n---\n")
    assert collect(events, lambda seen: False) is None
    assert events.failed and events.take() is None  # from now on: every rebuild scans every input
