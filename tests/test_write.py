"""The staging writer: a new name is written directly; whatever stands at a name already is replaced, never written
through (a hard link to the published site, a link out of the project, a FIFO, a folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from microsite.write import Writer


@pytest.fixture()
def places(tmp_path: Path) -> tuple[Path, Path, Path]:
    staging, published, outside = tmp_path / "staging", tmp_path / "site", tmp_path / "outside"
    for folder in (staging, published, outside):
        folder.mkdir()
    return staging, published, outside


def test_a_new_file_and_its_folders_are_made(places: tuple[Path, Path, Path]) -> None:
    staging, _, _ = places
    st = Writer(staging).write("en/guide/setup/index.html", b"<p>new</p>")
    written = staging / "en/guide/setup/index.html"
    assert written.read_bytes() == b"<p>new</p>"
    assert (st.st_ino, st.st_size) == (written.stat().st_ino, 10)
    assert sorted(p.name for p in staging.iterdir()) == ["en"]  # no temporary file left beside it


def test_a_hard_link_to_the_published_site_is_replaced_not_written_through(places: tuple[Path, Path, Path]) -> None:
    staging, published, _ = places
    (published / "index.html").write_bytes(b"old")
    os.link(published / "index.html", staging / "index.html")
    Writer(staging).write("index.html", b"new")
    assert (published / "index.html").read_bytes() == b"old"  # the site readers see did not change in place
    assert (staging / "index.html").read_bytes() == b"new"
    assert (staging / "index.html").stat().st_ino != (published / "index.html").stat().st_ino


def test_a_link_out_of_the_folder_is_replaced_and_its_target_untouched(places: tuple[Path, Path, Path]) -> None:
    staging, _, outside = places
    (outside / "secret.txt").write_bytes(b"keep")
    (staging / "page.html").symlink_to(outside / "secret.txt")
    (staging / "gone.html").symlink_to(outside / "missing.txt")  # dangling: O_EXCL must not create its target
    writer = Writer(staging)
    writer.write("page.html", b"page")
    writer.write("gone.html", b"gone")
    assert (outside / "secret.txt").read_bytes() == b"keep"
    assert not (outside / "missing.txt").exists()
    assert not (staging / "page.html").is_symlink() and (staging / "page.html").read_bytes() == b"page"
    assert not (staging / "gone.html").is_symlink() and (staging / "gone.html").read_bytes() == b"gone"


def test_a_folder_link_in_the_path_is_replaced_by_a_real_folder(places: tuple[Path, Path, Path]) -> None:
    staging, _, outside = places
    (staging / "en").symlink_to(outside, target_is_directory=True)
    Writer(staging).write("en/index.html", b"en")
    assert list(outside.iterdir()) == []
    assert (staging / "en").is_dir() and not (staging / "en").is_symlink()
    assert (staging / "en/index.html").read_bytes() == b"en"


def test_a_fifo_or_a_folder_at_the_name_is_replaced_without_hanging(places: tuple[Path, Path, Path]) -> None:
    staging, _, _ = places
    os.mkfifo(staging / "feed.xml")
    (staging / "about.html").mkdir()
    (staging / "about.html/stray").write_bytes(b"x")
    writer = Writer(staging)
    writer.write("feed.xml", b"<feed/>")
    writer.write("about.html", b"about")
    assert (staging / "feed.xml").is_file() and (staging / "feed.xml").read_bytes() == b"<feed/>"
    assert (staging / "about.html").is_file() and (staging / "about.html").read_bytes() == b"about"
