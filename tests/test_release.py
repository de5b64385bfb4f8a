"""A command-line build lets go of the pages' Markdown before Pagefind runs (issue 18: memory with search).

Nothing reads a page's Markdown after rendering, and Pagefind's process runs beside ours: the Markdown is
about a third of our Python objects then (benchmarks: 255 -> 220 MB in all at 4,000 pages per language). These tests show that it is gone by the time Pagefind runs, that
the site is byte for byte what it is when the Markdown is kept, and that the preview keeps it.
"""

from __future__ import annotations

from conftest import snapshot

import microsite.pipeline
import microsite.searchindex
from microsite.pipeline import Builder, BuildOptions


def test_the_markdown_is_released_before_pagefind_runs_and_the_site_is_the_same(make_project, tmp_path,
                                                                                  monkeypatch) -> None:
    project = make_project()
    sites = []
    loads: list[object] = []
    real_load = microsite.pipeline.load_site

    def load(*args: object, **kwargs: object) -> object:
        loads.append(loaded := real_load(*args, **kwargs))  # type: ignore[arg-type]
        return loaded

    monkeypatch.setattr(microsite.pipeline, "load_site", load)
    seen: list[list[object]] = []
    real = microsite.searchindex.make_bundles
    monkeypatch.setattr(microsite.searchindex, "make_bundles",
                        lambda out, todo: seen.append([p.body for p in loads[-1][0].pages]) or real(out, todo))
    for release in (True, False):
        if not release:  # the reference: the same build keeping every page's Markdown
            monkeypatch.setattr(microsite.pipeline, "release_bodies", lambda pages: None)
        out = tmp_path / f"site-{release}"
        result = Builder(project, BuildOptions(out=out, cache=False)).build()
        assert result.index_seconds > 0 and seen, "Pagefind ran"
        bodies = seen.pop()
        assert len(bodies) == len(result.site.pages) > 3
        if release:
            assert bodies == [None] * len(bodies)
        else:
            assert all(isinstance(body, str) and body for body in bodies)
        seen.clear()
        sites.append(snapshot(out))
    assert sites[0] == sites[1]


def test_the_preview_and_check_keep_the_markdown(make_project, tmp_path) -> None:
    project = make_project()
    preview = Builder(project, BuildOptions(out=tmp_path / "preview", preview=True, cache=False))
    preview.build()
    assert preview.site is not None and all(isinstance(page.body, str) for page in preview.site.pages)
    checked = Builder(project, BuildOptions(out=tmp_path / "check", throwaway=True)).build()
    assert all(isinstance(page.body, str) for page in checked.site.pages)
    cli = Builder(project, BuildOptions(out=tmp_path / "site", cache=False)).build()
    assert all(page.body is None for page in cli.site.pages)
