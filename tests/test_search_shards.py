"""Search shards: a large language's index in parts Pagefind makes one at a time and the browser merges."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from conftest import run_build, snapshot
from test_search import ZWSP, bundle_stats, logging_pagefind, run_with

from microsite.search import ENTRY, SHARDS, publish_order
from microsite.searchshards import group_pages, shard_count, shard_of, shards_manifest

TINY_PAGES = {"en": ["/en/", "/en/about/", "/en/about/team/", "/en/figures/"],
              "zh-cn": ["/zh/", "/zh/about/", "/zh/figures/"]}


def shard_site(make_project, shard_pages: int = 1) -> Path:
    """Return the tiny project with its search index split into shards of at most about `shard_pages` pages."""
    project = make_project()
    config = project / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"search_shard_pages: {shard_pages}\n", encoding="utf-8")
    return project


def bundles(site: Path) -> dict[str, dict[str, list[str]]]:
    """Return every bundle folder (relative to pagefind/) with, per language of its entry, the URLs it indexes."""
    found = {}
    for entry_file in sorted((site / "pagefind").rglob("pagefind-entry.json")):
        folder = entry_file.parent
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        urls = []
        for path in sorted((folder / "fragment").iterdir()):
            data = gzip.decompress(path.read_bytes())
            urls.append(json.loads(data[len(b"pagefind_dcd"):])["url"])
        rel = folder.relative_to(site / "pagefind").as_posix()
        found["/" if rel == "." else rel + "/"] = {"languages": sorted(entry["languages"]), "urls": sorted(urls)}
    return found


def build(project: Path, *args: str) -> Path:
    result = run_build(project, *args)
    assert result.returncode == 0, result.stderr
    return project / "site"


def clean_build(project: Path, tmp_path: Path) -> Path:
    """Build the project afresh into another folder, without the cache; return that folder."""
    result = run_build(project, "--out", str(tmp_path / "clean"), "--no-cache")
    assert result.returncode == 0, result.stderr
    return tmp_path / "clean"


def test_a_language_past_the_shard_size_is_split_and_every_page_is_indexed_once(make_project):
    site = build(shard_site(make_project))
    found = bundles(site)
    shards = json.loads((site / SHARDS).read_text(encoding="utf-8"))
    assert sorted(shards) == ["en", "zh-cn"] and all(shards.values())  # both languages are split
    assert sorted(found) == sorted(["/", *(f for folders in shards.values() for f in folders)])
    for lang, folders in shards.items():
        assert all(found[folder]["languages"] == [lang] for folder in folders)  # a shard holds its language
        prefix = TINY_PAGES[lang][0]
        urls = [url for folder in ["/", *folders] for url in found[folder]["urls"] if url.startswith(prefix)]
        assert sorted(urls) == TINY_PAGES[lang]  # every page once, in a bundle of its own language
    runtime = [p.name for p in (site / "pagefind/shards").rglob("*") if p.suffix in (".js", ".pagefind")]
    assert runtime == []  # a merged shard runs on the first bundle's pagefind.js and WebAssembly
    entry = json.loads((site / ENTRY).read_text(encoding="utf-8"))
    assert sum(data["page_count"] for data in entry["languages"].values()) == len(found["/"]["urls"])


def test_a_small_site_has_one_bundle_and_an_empty_shard_list(make_project):
    site = build(make_project())
    assert json.loads((site / SHARDS).read_text(encoding="utf-8")) == {"en": [], "zh-cn": []}
    assert not (site / "pagefind/shards").exists() and list(bundles(site)) == ["/"]


def test_an_edit_reindexes_only_its_shard_and_equals_a_clean_build(make_project, tmp_path):
    project, (env, log) = shard_site(make_project), logging_pagefind(tmp_path)
    assert run_with(project, env).returncode == 0
    site = project / "site"
    found = bundles(site)
    home = next(folder for folder, data in found.items() if "/en/about/team/" in data["urls"])
    before = bundle_stats(site)
    log.unlink()
    page = project / "content/en/about/team.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nQuixotically new words.\n", encoding="utf-8")
    result = run_with(project, env)
    assert result.returncode == 0 and "search index" in result.stdout, result.stderr
    with_it = [url for url in found[home]["urls"] if url.startswith("/en/")]
    (run,) = log.read_text(encoding="utf-8").splitlines()
    assert sorted(path[1:].removesuffix("index.html") for path in run.split()) == with_it  # its shard, no more
    after = bundle_stats(site)
    others = [path for path in before
              if path.startswith("pagefind/shards/") and not path.startswith("pagefind/" + home)]
    assert others and all(after.get(path) == before[path] for path in others)  # kept as they were
    content = json.loads(gzip.decompress(next(
        p for p in (site / "pagefind" / home.strip("/") / "fragment").iterdir()
        if b"/en/about/team/" in gzip.decompress(p.read_bytes())).read_bytes())[len(b"pagefind_dcd"):])["content"]
    assert "Quixotically new words." in content.replace(ZWSP, "")
    assert snapshot(site) == snapshot(clean_build(project, tmp_path))


def test_changing_the_shard_size_reshards_and_back_again_leaves_no_shard_behind(make_project, tmp_path):
    project = shard_site(make_project)
    site = build(project)
    assert (site / "pagefind/shards").is_dir()
    config = project / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search_shard_pages: 1\n", ""), encoding="utf-8")
    build(project)
    assert not (site / "pagefind/shards").exists() and list(bundles(site)) == ["/"]
    assert json.loads((site / SHARDS).read_text(encoding="utf-8")) == {"en": [], "zh-cn": []}
    assert snapshot(site) == snapshot(clean_build(project, tmp_path))


def test_a_damaged_shard_is_made_again(make_project, tmp_path):
    project = shard_site(make_project)
    site = build(project)
    shard_meta = next((site / "pagefind/shards").rglob("*.pf_meta"))
    shard_meta.write_bytes(b"damaged")
    page = project / "content/en/about/team.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    build(project)
    assert snapshot(site) == snapshot(clean_build(project, tmp_path))


def test_the_shard_size_must_be_a_whole_number_of_pages(make_project):
    for value in ("0", "-3", "1.5", "many", "true"):
        project = shard_site(make_project, value)  # type: ignore[arg-type]
        lines = (project / "site.yaml").read_text(encoding="utf-8").splitlines()
        result = run_build(project)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        shown = {"0": "0", "-3": "-3", "1.5": "1.5", "many": "'many'", "true": "True"}[value]
        assert result.stderr.splitlines()[0] == (f"site.yaml:{len(lines)}: search_shard_pages must be a whole number "
                                                 f"of pages, at least 1, got {shown}")
        (project / "site.yaml").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")


def test_pages_keep_their_shard_while_others_come_and_go():
    assert [shard_count(n, 256) for n in (0, 1, 256, 257, 512, 513, 1000, 4000)] == [1, 1, 1, 2, 2, 4, 4, 16]
    paths = [f"en/page-{n}/index.html" for n in range(600)]
    before = {path: shard_of(path, 4) for path in paths[:520]}
    assert {path: shard_of(path, 4) for path in paths} | before == {path: shard_of(path, 4) for path in paths}
    assert sorted(set(before.values())) == [0, 1, 2, 3]  # the hash spreads pages over every shard

    class Page:
        def __init__(self, out_path: str, html_lang: str) -> None:
            self.out_path, self.html_lang = out_path, html_lang

    units = group_pages([Page(path, "zh-CN") for path in reversed(paths)] + [Page("en/index.html", "en")], 256)
    assert list(units) == ["en", "zh-cn", "zh-cn/1", "zh-cn/2", "zh-cn/3"]  # languages lowercased, in order
    assert all(units[unit] == sorted(units[unit], key=lambda page: page.out_path) for unit in units)
    assert shards_manifest(units) == (b'{"en":[],"zh-cn":["shards/zh-cn/1/","shards/zh-cn/2/","shards/zh-cn/3/"]}')


def test_shard_entries_and_the_shard_list_are_published_after_what_they_name():
    paths = [ENTRY, SHARDS, "pagefind/shards/en/1/pagefind-entry.json", "pagefind/shards/en/1/index/en_1.pf_index",
             "pagefind/shards/en/1/pagefind.en_1.pf_meta", "pagefind/pagefind.en_2.pf_meta", "en/index.html"]
    order = sorted(paths, key=publish_order)
    assert order[-3:] == ["pagefind/shards/en/1/pagefind-entry.json", SHARDS, ENTRY]


def test_a_kept_shard_without_its_metadata_is_not_published(tmp_path):
    """A shard kept from the last build must bring its entry file and its metadata, or everything is indexed again."""
    from types import SimpleNamespace

    from microsite.jobs import Outcome
    from microsite.searchindex import IndexPlan, stage_bundles
    from microsite.write import Writer

    out, staging = tmp_path / "site", tmp_path / "staging"
    (out / "pagefind/shards/en/1").mkdir(parents=True)
    staging.mkdir()
    entry = {"version": "1.5.2", "languages": {"en": {"hash": "en_1", "wasm": "en", "page_count": 1}}}
    files = {"pagefind/pagefind.js": "", "pagefind/pagefind-worker.js": "", "pagefind/wasm.unknown.pagefind": "",
             "pagefind/wasm.en.pagefind": "en:k", "pagefind/pagefind.en_1.pf_meta": "en:k",
             "pagefind/shards/en/1/pagefind-entry.json": "en/1:k",
             "pagefind/shards/en/1/pagefind.en_2.pf_meta": "en/1:k"}
    kept = {}
    for path, key in files.items():
        (out / path).write_text(json.dumps(entry) if path.endswith("entry.json") else path, encoding="utf-8")
        st = (out / path).stat()
        kept[path] = Outcome(path, key, "hash", st.st_size, st.st_mtime_ns)
    state = SimpleNamespace(previous=kept, out=out, writer=Writer(staging))
    plan = IndexPlan("whole", {"en": "en:k", "en/1": "en/1:k"}, {}, kept, {"en": entry["languages"], "en/1": {}},
                     {"version": "1.5.2"})
    assert stage_bundles(state, plan, tmp_path) is not None  # whole: it stages
    del kept["pagefind/shards/en/1/pagefind.en_2.pf_meta"]
    assert stage_bundles(state, plan, tmp_path) is None


def test_pagefind_runs_one_at_a_time_and_none_starts_after_one_failed(make_project, tmp_path):
    """Two Pagefind processes at once would take twice the memory (issue 18's budget: 250 MB in all)."""
    from microsite.searchindex import BINARY_ENV, pagefind_binary

    project, log, busy = shard_site(make_project), tmp_path / "runs.log", tmp_path / "busy"
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\nmkdir '{busy}' 2>/dev/null || echo overlap >> '{log}'\necho run >> '{log}'\n"
                    f"sleep 0.2\nrmdir '{busy}' 2>/dev/null\n[ -e '{tmp_path}/fail' ] && exit 3\n"
                    f"exec '{pagefind_binary()}' \"$@\"\n", encoding="utf-8")
    fake.chmod(0o755)
    assert run_with(project, {BINARY_ENV: str(fake)}).returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(list((project / "site/pagefind").rglob("pagefind-entry.json"))) > 2
    assert set(lines) == {"run"}  # one run per bundle, never two at once
    log.unlink()
    (tmp_path / "fail").touch()
    result = run_with(project, {BINARY_ENV: str(fake)}, "--no-cache")
    assert result.returncode == 1 and "search: Pagefind failed: exit status 3" in result.stderr, result.stderr
    assert log.read_text(encoding="utf-8").splitlines() == ["run"]  # the others never started
