"""Search without a browser: what Pagefind indexes (and what it leaves out), the search pages, --no-search, failures."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import ROOT, run_build, snapshot

from microsite.search import BINARY_ENV, ENTRY, publish_order


ZWSP = "\u200b"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def indexed(site: Path) -> dict[str, dict[str, object]]:
    """Return what the index holds per page URL (Pagefind's fragments: gzip, a signature, then JSON)."""
    records = {}
    for path in sorted((site / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        record = json.loads(data[len(b"pagefind_dcd"):])
        record["content"] = record["content"].replace(ZWSP, "")  # Pagefind marks Chinese word breaks with them
        records[record["url"]] = record
    return records


def run_with(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` with extra environment variables."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=project, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), **env})


def build(project: Path, *args: str) -> Path:
    result = run_build(project, *args)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_every_page_is_indexed_once_in_its_language_and_nothing_else(make_project):
    site = build(make_project())
    entry = json.loads((site / ENTRY).read_text(encoding="utf-8"))
    assert {lang: data["page_count"] for lang, data in entry["languages"].items()} == {"en": 4, "zh-cn": 3}
    assert sorted(indexed(site)) == ["/en/", "/en/about/", "/en/about/team/", "/en/figures/",
                                     "/zh/", "/zh/about/", "/zh/figures/"]  # no root, 404, search page or stub


def test_the_index_holds_the_text_readers_see_without_navigation_footer_or_contents(make_project):
    long_page = "Intro.\n\n" + "".join(f"## Part {n}\n\nText {n}.\n\n" for n in range(1, 4))
    site = build(make_project({"content/en/about/team.md": f"---\ntitle: Team\nweight: 5\n---\n{long_page}"}))
    records = indexed(site)
    home = records["/zh/"]["content"]
    assert "1,048家" in home  # the figure as the page shows it
    team = records["/en/about/team/"]["content"]
    assert "Part 3" in team and "Text 3" in team
    page = soup(site / "en/about/team/index.html")
    toc, footer, nav = page.select_one("nav.toc"), page.select_one("footer"), page.select_one("nav.site-nav")
    assert toc is not None and toc.has_attr("data-pagefind-ignore")
    assert team.count("Part 3") == 1  # the heading, not its entry in the table of contents
    for text in (footer.get_text(" ", strip=True)[:30], nav.get_text(" ", strip=True)):
        assert text and text not in team


def test_notices_are_left_out_of_the_index(make_project):
    project = make_project()
    build(project)
    about = project / "content/en/about/index.md"
    about.write_text(about.read_text(encoding="utf-8").replace("About this site.", "About this small site."),
                     encoding="utf-8")
    site = build(project)
    notice = soup(site / "zh/about/index.html").select_one(".notice").get_text(" ", strip=True)
    assert "过时" in notice
    assert "过时" not in indexed(site)["/zh/about/"]["content"]


def test_the_search_page_lists_every_page_of_its_language_and_is_not_indexed(make_project):
    site = build(make_project(), "--base-url", "https://user.github.io/repo/")
    for lang, titles in {"en": ["Home", "About", "Team", "Figures"], "zh": ["首页", "关于", "数据"]}.items():
        page = soup(site / lang / "search/index.html")
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert page.select_one("[data-pagefind-body]") is None
        form = page.select_one("main form[role=search]")
        assert form["action"] == f"/repo/{lang}/search/" and form.select_one("input[name=q]") is not None
        listed = page.select(".page-index a")
        assert [a.get_text() for a in listed] == titles
        assert all((site / a["href"].removeprefix("/repo/") / "index.html").is_file() for a in listed)
        assert page.select_one(".page-index noscript")  # says why, when scripts do not run
        switch = page.select_one("nav.lang-switch a")["href"]
        assert switch == f"/repo/{'zh' if lang == 'en' else 'en'}/search/"


def test_every_page_has_the_search_box_leading_to_its_language_search_page(make_project):
    site = build(make_project(), "--base-url", "https://user.github.io/repo/")
    pages = [p for p in site.rglob("*.html") if p.name != "index.html" or p.parent != site]  # not the root chooser
    assert len(pages) == 11
    for path in pages:
        page = soup(path)
        lang = page.html["lang"].split("-")[0]
        form = page.select_one("header form.search-box[role=search]")
        assert form is not None, path
        assert form["action"] == f"/repo/{lang}/search/" and form["method"] == "get"
        assert form["data-search"] == "/repo/static/search.js" and form["data-bundle"] == "/repo/pagefind/"
        field = form.select_one("input[type=search][name=q]")
        assert form.select_one(f"label[for={field['id']}]").get_text(), path
        assert "pagefind" not in "".join(str(s) for s in page.find_all("script"))  # loaded on focus, not here


def test_no_search_builds_without_an_index_and_the_next_build_makes_it(make_project):
    project = make_project()
    result = run_build(project, "--no-search")
    assert result.returncode == 0 and "search index" not in result.stdout
    assert not (project / "site/pagefind").exists()
    assert (project / "site/en/search/index.html").is_file()
    result = run_build(project)  # not skipped as 'nothing changed': the index is missing
    assert "search index" in result.stdout and (project / "site" / ENTRY).is_file()
    result = run_build(project, "--no-search")
    assert not (project / "site/pagefind").exists()


def test_an_unchanged_site_reuses_its_index(make_project):
    project = make_project()
    site = build(project)
    bundle = {p: p.stat().st_mtime_ns for p in (site / "pagefind").rglob("*") if p.is_file()}
    css = project / "static/style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0 and "search index" not in result.stdout, result.stdout
    # the files are the same (the folders holding them are new: each build publishes a whole new tree)
    assert {p: p.stat().st_mtime_ns for p in (site / "pagefind").rglob("*") if p.is_file()} == bundle


def test_a_missing_pagefind_binary_is_one_clear_line_and_the_site_is_untouched(make_project, tmp_path):
    project = make_project()
    site = build(project)
    before = snapshot(site)
    page = project / "content/en/about/team.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    missing = tmp_path / "no-such-pagefind"
    result = run_with(project, {BINARY_ENV: str(missing)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"search: cannot run Pagefind at {missing}: No such file or directory; install it with "
        "pip install 'pagefind[extended]', or build without search: --no-search",
        "failed: 1 error; site/ left unchanged"]
    assert snapshot(site) == before
    result = run_with(project, {BINARY_ENV: str(missing)}, "--no-search")
    assert result.returncode == 0, result.stderr


def test_a_failing_pagefind_is_reported_with_its_last_words(make_project, tmp_path):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    result = run_with(make_project(), {BINARY_ENV: str(fake)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == ("search: Pagefind failed: Error: something broke; install it with "
                                             "pip install 'pagefind[extended]', or build without search: --no-search")


def test_the_entry_file_is_published_after_the_files_it_names():
    paths = ["en/index.html", ENTRY, "pagefind/pagefind.en_1.pf_meta", "pagefind/index/en_1.pf_index"]
    assert sorted(paths, key=publish_order)[-1] == ENTRY


def bundle_stats(site: Path) -> dict[str, tuple[int, int]]:
    """Return each index file's inode and modification time: a file kept from the last build keeps both."""
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (site / "pagefind").rglob("*") if p.is_file()}


def logging_pagefind(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """Return the environment for a Pagefind that logs the pages of each run (one line per run), and the log."""
    from microsite.searchindex import pagefind_binary
    log, wrapper = tmp_path / "runs.log", tmp_path / "pagefind"
    # one write per run (printf's): runs may go several at a time (PARALLEL_RUNS), their lines must not interleave
    wrapper.write_text(f"#!/bin/sh\nline=$(cd \"$2\" && find . -name '*.html' | sort | tr '\\n' ' ')\n"
                       f"printf '%s\\n' \"$line\" >> '{log}'\nexec '{pagefind_binary()}' \"$@\"\n", encoding="utf-8")
    wrapper.chmod(0o755)
    return {BINARY_ENV: str(wrapper)}, log


def runs(log: Path) -> list[list[str]]:
    """Return the URLs of the pages each logged Pagefind run indexed."""
    return [sorted(path[1:].removesuffix("index.html") for path in line.split())
            for line in log.read_text(encoding="utf-8").splitlines()]


def test_an_edit_reindexes_only_its_language_and_equals_a_clean_build(make_project, tmp_path):
    project, (env, log) = make_project(), logging_pagefind(tmp_path)
    assert run_with(project, env).returncode == 0
    site = project / "site"
    before, entry = bundle_stats(site), json.loads((site / ENTRY).read_text(encoding="utf-8"))
    assert sorted(runs(log)) == [["/en/", "/en/about/", "/en/about/team/", "/en/figures/"],
                                 ["/zh/", "/zh/about/", "/zh/figures/"]]  # one run per language
    log.unlink()
    page = project / "content/en/about/team.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nQuixotically new words.\n", encoding="utf-8")
    result = run_with(project, env)
    assert result.returncode == 0 and "search index" in result.stdout, result.stderr
    assert runs(log) == [["/en/", "/en/about/", "/en/about/team/", "/en/figures/"]]
    after, new_entry = bundle_stats(site), json.loads((site / ENTRY).read_text(encoding="utf-8"))
    assert new_entry["languages"]["zh-cn"] == entry["languages"]["zh-cn"]
    assert new_entry["languages"]["en"]["hash"] != entry["languages"]["en"]["hash"]
    zh_files = [path for path in before if "zh-cn" in path]
    assert zh_files and all(after[path] == before[path] for path in zh_files)  # the same files, not rewritten
    assert "Quixotically new words." in indexed(site)["/en/about/team/"]["content"]
    result = run_build(project, "--out", str(tmp_path / "clean"), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == snapshot(tmp_path / "clean")


def test_an_outdated_notice_on_the_translation_does_not_reindex_its_language(make_project, tmp_path):
    project, (env, log) = make_project(), logging_pagefind(tmp_path)
    assert run_with(project, env).returncode == 0
    site = project / "site"
    log.unlink()
    page = project / "content/en/about/index.md"  # translated: the zh page now says the translation is outdated
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence the translation lacks.\n", encoding="utf-8")
    result = run_with(project, env)
    assert result.returncode == 0 and "1 outdated translation" in result.stdout, result.stdout
    assert 'class="notice"' in (site / "zh/about/index.html").read_text(encoding="utf-8")
    assert runs(log) == [["/en/", "/en/about/", "/en/about/team/", "/en/figures/"]]
    log.unlink()
    zh = project / "content/zh/about/index.md"  # a change Chinese readers can search for: Chinese again
    zh.write_text(zh.read_text(encoding="utf-8") + "\n新增的一句话。\n", encoding="utf-8")
    assert run_with(project, env).returncode == 0
    assert runs(log) == [["/zh/", "/zh/about/", "/zh/figures/"]]
    assert "新增的一句话。" in indexed(site)["/zh/about/"]["content"]
    result = run_build(project, "--out", str(tmp_path / "clean"), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == snapshot(tmp_path / "clean")


def test_what_the_index_reads_decides_whether_a_page_counts_as_changed():
    from microsite.searchindex import indexed_digest

    def page(before: str, body: str = "<p>Text.</p>", after: str = "<footer>F</footer>") -> bytes:
        return (f'<html lang="en"><head><title>T</title></head><body><nav>N</nav>{before}'
                f"<article data-pagefind-body>{body}</article>{after}</body></html>").encode()

    same = indexed_digest(page(""))
    assert indexed_digest(page('<aside class="notice">Outdated.</aside>')) == same  # outside what is indexed
    assert indexed_digest(page("", "<p>Other text.</p>")) != same
    assert indexed_digest(page("", after="<footer>G</footer>")) != same  # after the body: counted, to be safe
    assert indexed_digest(page("").replace(b"<title>T<", b"<title>U<")) != same
    assert indexed_digest(page("").replace(b'lang="en"', b'lang="fr"')) != same
    for readable in ("<h1>Title</h1>", "<H1 class=x>Title</H1>", '<img src="a.png" alt="">',
                     '<span data-pagefind-meta="author">A</span>', '<span DATA-PAGEFIND-FILTER="tag">T</span>'):
        assert indexed_digest(page(readable)) != same, readable  # Pagefind may read it: the whole page counts
        assert indexed_digest(page(readable)) != indexed_digest(page(readable + "<p>x</p>")), readable
    no_body = page("").replace(b" data-pagefind-body", b"")
    assert indexed_digest(no_body) != indexed_digest(no_body.replace(b"<nav>N<", b"<nav>M<"))
    mentioned = no_body.replace(b"<p>Text.</p>", b"<p>We mark it with data-pagefind-body.</p>")  # text, no attribute
    assert indexed_digest(mentioned) != indexed_digest(mentioned.replace(b"<nav>N<", b"<nav>M<"))


def test_a_damaged_index_file_is_made_again_with_its_whole_language(make_project, tmp_path):
    project = make_project()
    site = build(project)
    zh_meta = next((site / "pagefind").glob("pagefind.zh-cn_*.pf_meta"))
    zh_meta.write_bytes(b"damaged")
    page = project / "content/en/about/team.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0 and "search index" in result.stdout, result.stderr
    assert zh_meta.read_bytes() != b"damaged"
    result = run_build(project, "--out", str(tmp_path / "clean"), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == snapshot(tmp_path / "clean")


def test_a_language_given_up_takes_its_index_with_it(make_project, tmp_path):
    project = make_project()
    site = build(project)
    config = project / "site.yaml"
    zh = "  - {code: zh, html_lang: zh-CN, name: 中文, locale: zh_Hans_CN, compact_numbers: true}\n"
    assert zh in config.read_text(encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(zh, ""), encoding="utf-8")
    shutil.rmtree(project / "content/zh")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    entry = json.loads((site / ENTRY).read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"] and not list((site / "pagefind").rglob("*zh-cn*"))
    result = run_build(project, "--out", str(tmp_path / "clean"), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == snapshot(tmp_path / "clean")


def test_kept_parts_that_do_not_make_a_whole_index_are_not_published(tmp_path):
    """Two languages sharing a wasm file: the one that brought it is gone, the other is kept without it."""
    from types import SimpleNamespace

    from microsite.jobs import Outcome
    from microsite.searchindex import Page, plan_index, stage_bundles, unit_keys
    from microsite.write import Writer

    out, staging = tmp_path / "site", tmp_path / "staging"
    (out / "pagefind").mkdir(parents=True)
    staging.mkdir()
    (out / "us").mkdir()
    (out / "us/index.html").write_text("<html lang=en-US></html>", encoding="utf-8")
    pages = [Page("us/index.html", "en-US", "h1", out / "us/index.html")]
    us_key = unit_keys({"en-us": pages})["en-us"]
    entry = {"version": "1.5.2", "languages": {"en": {"hash": "en_1", "wasm": "en", "page_count": 1},
                                               "en-us": {"hash": "en-us_2", "wasm": "en", "page_count": 1}}}
    files = {"pagefind/pagefind.js": "", "pagefind/pagefind-worker.js": "", "pagefind/wasm.unknown.pagefind": "",
             "pagefind/wasm.en.pagefind": "en:old", "pagefind/pagefind.en_1.pf_meta": "en:old",
             "pagefind/pagefind.en-us_2.pf_meta": us_key, ENTRY: "whole:old"}
    previous = {}
    for path, key in files.items():
        (out / path).write_text(json.dumps(entry) if path == ENTRY else path, encoding="utf-8")
        st = (out / path).stat()
        previous[path] = Outcome(path, key, "hash", st.st_size, st.st_mtime_ns)
    plan = plan_index(previous, out, pages, 256)
    assert plan is not None and not plan.todo and "pagefind/pagefind.en-us_2.pf_meta" in plan.kept
    state = SimpleNamespace(previous=previous, out=out, writer=Writer(staging))
    assert stage_bundles(state, plan, tmp_path) is None  # en-us needs wasm.en, which left with en
    assert not list(staging.rglob("*"))


def test_an_entry_file_pagefind_garbled_is_one_clear_line(make_project, tmp_path):
    fake = tmp_path / "pagefind"  # called as: pagefind --site DIR --output-path DIR --silent
    fake.write_text('#!/bin/sh\nmkdir -p "$4" && echo "[]" > "$4/pagefind-entry.json"\n', encoding="utf-8")
    fake.chmod(0o755)
    result = run_with(make_project(), {BINARY_ENV: str(fake)})
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines()[0] == ("search: Pagefind wrote an entry file this build cannot read; install it "
                                             "with pip install 'pagefind[extended]', or build without search: "
                                             "--no-search")


def test_the_preview_indexes_all_again_when_kept_parts_do_not_fit_and_then_says_so(tmp_path):
    """IdleIndexer: kept parts that do not fit mean one more run over every language; if that fails too, one line."""
    from concurrent.futures import Future
    from types import SimpleNamespace

    from microsite.search import IdleIndexer
    from microsite.searchindex import IndexPlan

    class Loop:
        def __init__(self):
            self.later = []

        def call_later(self, delay, callback):
            self.later.append(callback)
            return callback

    loop, said = Loop(), []
    indexer = IdleIndexer(SimpleNamespace(), loop, lambda: None, said.append)
    indexer.publish = lambda work, plan: False  # the parts never fit
    done = Future()
    done.set_result(tmp_path / "work")
    (tmp_path / "work").mkdir()
    indexer.finish(done, indexer.generation, IndexPlan("k", {}, {}, kept={"pagefind/x": None}), 0.0)
    assert len(loop.later) == 1 and said == []  # kept parts did not fit: start again (over every language)
    loop.later.clear()
    (tmp_path / "work").mkdir()
    indexer.finish(done, indexer.generation, IndexPlan("k", {}, {}), 0.0)
    assert loop.later == [] and said == ["search: Pagefind's indexes of two languages disagree; the last index stays"]
    assert not (tmp_path / "work").exists()  # the work folder is removed either way
