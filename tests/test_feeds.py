"""Atom feeds: one per language, pages by last update, valid by a feed parser and by RFC 4287's required elements."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import run_build

from microsite.outputs.feeds import FEED_LIMIT

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_problems(xml: bytes) -> list[str]:
    """Return what RFC 4287 requires that a feed lacks, and what feedparser finds wrong with it."""
    parsed = feedparser.parse(xml)
    problems = [f"feedparser: {parsed.bozo_exception}"] if parsed.bozo else []
    if parsed.version != "atom10":
        problems.append(f"not Atom 1.0: {parsed.version!r}")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [*problems, f"not well-formed: {exc}"]
    for name in ("id", "title", "updated"):
        if root.find(ATOM + name) is None:
            problems.append(f"feed: no <{name}>")
    if root.find(f"{ATOM}link[@rel='self']") is None:
        problems.append("feed: no <link rel=self>")
    entries = root.findall(ATOM + "entry")
    if root.find(ATOM + "author") is None and any(e.find(ATOM + "author") is None for e in entries):
        problems.append("feed: no <author> (needed when an entry has none)")
    for index, entry in enumerate(entries):
        for name in ("id", "title", "updated"):
            if entry.find(ATOM + name) is None:
                problems.append(f"entry {index}: no <{name}>")
        if entry.find(f"{ATOM}link[@rel='alternate']") is None:
            problems.append(f"entry {index}: no <link rel=alternate>")
    for stamp in root.iter(ATOM + "updated"):
        try:
            datetime.datetime.fromisoformat((stamp.text or "").replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"<updated> {stamp.text!r} is not an RFC 3339 date-time")
    return problems


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_language_has_a_valid_feed_of_its_pages(real_site: Path, lang: str) -> None:
    xml = (real_site / lang / "feed.xml").read_bytes()
    assert atom_problems(xml) == []
    feed = feedparser.parse(xml)
    base_url = yaml.safe_load((real_site.parent / "site.yaml").read_text(encoding="utf-8"))["base_url"]
    pages = sorted(p.parent for p in (real_site / lang).rglob("index.html") if "search" not in p.parts)
    assert len(feed.entries) == min(len(pages), FEED_LIMIT)
    assert feed.feed.language == ("en" if lang == "en" else "zh-CN")
    for entry in feed.entries:
        path = real_site / entry.link.removeprefix(base_url) / "index.html"
        assert entry.link.startswith(base_url + lang + "/") and path.is_file(), entry.link
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert entry.title == page.h1.get_text(strip=True)
        assert entry.summary == page.select_one("meta[name=description]")["content"]
    stamps = [entry.updated_parsed for entry in feed.entries]
    assert stamps == sorted(stamps, reverse=True)


def test_every_page_links_the_feed_of_its_language(real_site: Path) -> None:
    for path in sorted(real_site.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = page.select("head link[rel=alternate][type='application/atom+xml']")
        lang = page.html["lang"].split("-")[0]
        assert [link["href"] for link in links] == [f"/{lang}/feed.xml"], path
        assert links[0].get("title"), path


def test_pages_come_in_order_of_their_last_update(make_project) -> None:
    project = make_project({
        "content/en/about/team.md": "---\ntitle: Team\nweight: 5\ndate: 2024-03-01\n---\nThe team.\n",
        "content/en/figures.md": "---\ntitle: Figures\nweight: 20\ntemplate: key-figures.html\ndate: 2023-01-15\n"
                                 "---\nAll figures.\n\n{{chart:shares}}\n"})
    result = run_build(project, "--base-url", "https://user.github.io/repo/")
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse((project / "site/en/feed.xml").read_bytes())
    assert [(e.title, e.updated) for e in feed.entries] == [
        ("Team", "2024-03-01T00:00:00Z"), ("Figures", "2023-01-15T00:00:00Z"),
        ("Home", "2022-10-01T00:00:00Z"), ("About", "2022-10-01T00:00:00Z")]  # undated: the data's date, by URL
    assert feed.feed.updated == "2024-03-01T00:00:00Z"
    assert feed.entries[0].link == "https://user.github.io/repo/en/about/team/"


def test_the_feed_check_catches_a_broken_feed(real_site: Path) -> None:
    xml = (real_site / "en/feed.xml").read_text(encoding="utf-8")
    first_entry = xml.index("<entry>")
    broken = xml[:first_entry] + xml[first_entry:].replace("<updated>", "<changed>", 1).replace(
        "</updated>", "</changed>", 1).replace("<id>", "<ident>", 1).replace("</id>", "</ident>", 1)
    assert atom_problems(broken.encode()) == ["entry 0: no <id>", "entry 0: no <updated>"]
    unclosed = xml.replace("</feed>", "")
    assert any(p.startswith("feedparser:") for p in atom_problems(unclosed.encode().replace(b"</entry>", b"", 1)))
