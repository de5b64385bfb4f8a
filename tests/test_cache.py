"""The cache and incremental builds: only what an edit affects is rendered, and the output never differs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_build, snapshot, tiny_files

from microsite.parallel import PARALLEL_THRESHOLD
from microsite.pipeline import Builder, BuildOptions


def build(project: Path, **options: object):
    """Build in-process (a fresh Builder, as a new CLI run would) and return the result."""
    return Builder(project, BuildOptions(out=Path("site"), **options)).build()  # type: ignore[arg-type]


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def project(make_project):
    project = make_project()
    build(project)
    return project


def test_nothing_changed_renders_nothing(project):
    result = build(project)
    assert result.rendered_paths == () and result.written == 0


def test_editing_a_body_renders_that_page_and_its_translation_only(project):
    before = mtimes(project / "site")
    edit(project, "content/en/about/team.md", "The team.", "The whole team.")
    result = build(project)
    # the team page has no Chinese version: its 'not translated yet' page shows only the title, so stays
    assert result.rendered_paths == ("en/about/team/index.html",)
    # the search index follows the page: only its English part and the entry file naming it change
    assert [path for path in result.changed if not path.startswith("pagefind/")] == ["en/about/team/index.html"]
    assert "pagefind/pagefind-entry.json" in result.changed
    assert not any(path.startswith(("pagefind/fragment/zh", "pagefind/index/zh")) for path in result.changed)
    after = mtimes(project / "site")
    assert {k for k in after if after[k] != before.get(k) and not k.startswith("pagefind/")} == {"en/about/team/index.html"}


def test_editing_a_source_body_outdates_its_translation(project):
    edit(project, "content/en/about/index.md", "About this site.", "About this small site.")
    result = build(project)
    assert result.rendered_paths == ("en/about/index.html", "zh/about/index.html")
    assert "本译文可能已过时" in (project / "site/zh/about/index.html").read_text(encoding="utf-8")


def test_changing_a_template_renders_the_pages_that_use_it(project):
    edit(project, "templates/key-figures.html", '<section class="charts"', '<section class="charts all"')
    result = build(project)
    assert result.rendered_paths == ("en/figures/index.html", "zh/figures/index.html")


def test_changing_a_shared_partial_renders_every_page_that_includes_it(project):
    edit(project, "templates/partials/lang_switch.html", '<nav class="lang-switch"', '<nav class="lang-switch x"')
    result = build(project)
    pages = {p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("index.html")}
    pages -= {"index.html", "en/search/index.html", "zh/search/index.html"}  # made at every build, as 404.html is
    assert set(result.rendered_paths) == pages


def test_changing_a_fact_renders_the_pages_that_show_it(project):
    edit(project, "content/facts.yaml", "value: 1048", "value: 2096")
    result = build(project)
    # the homes cite it in their bodies; the figures pages list every fact
    assert result.rendered_paths == ("en/figures/index.html", "en/index.html", "zh/figures/index.html", "zh/index.html")
    assert "2,096" in (project / "site/en/index.html").read_text(encoding="utf-8")
    assert '"value": 2096' in (project / "site/data/facts.json").read_text(encoding="utf-8")


def test_changing_a_nav_title_renders_the_pages_whose_nav_shows_it(project):
    edit(project, "content/en/about/team.md", "title: Team", "title: Our team")
    result = build(project)
    # the team page is in the About section: the section's pages in both languages show it in their sidebars
    # (Chinese ones under its English title, as it is not translated yet); the Chinese stub shows its title
    assert result.rendered_paths == ("en/about/index.html", "en/about/team/index.html", "zh/about/index.html",
                                     "zh/about/team/index.html")
    assert "Our team" in (project / "site/en/about/index.html").read_text(encoding="utf-8")


def test_changing_a_top_level_title_renders_that_language(project):
    edit(project, "content/en/figures.md", "title: Figures", "title: Numbers")
    result = build(project)
    # every English page shows the top navigation; the Chinese figures page knows its original's title
    assert result.rendered_paths == ("en/about/index.html", "en/about/team/index.html", "en/figures/index.html",
                                     "en/index.html", "zh/figures/index.html")


def test_changing_a_static_file_copies_only_that_file(project):
    edit(project, "static/style.css", "--measure: 44rem;", "--measure: 40rem;")
    result = build(project)
    assert result.rendered_paths == () and result.changed == ("static/style.css",)


def many_pages(n: int) -> dict[str, str]:
    """Return a tiny project with n extra pages per language, enough to render in parallel."""
    files = tiny_files()
    for i in range(n):
        body = f"Page {i} cites {{{{fact:firms}}}} firms. See [page {(i + 1) % n}](p{(i + 1) % n}.md).\n\n## Part {i}\n"
        files[f"content/en/many/p{i}.md"] = f"---\ntitle: Page {i}\nweight: {i}\n---\n{body}"
        files[f"content/zh/many/p{i}.md"] = f"---\ntitle: 第{i}页\nweight: {i}\n---\n第{i}页。{{{{fact:firms}}}}\n"
    return files


def test_parallel_output_is_identical_to_a_clean_serial_build(make_project, tmp_path):
    project = make_project(base=many_pages(PARALLEL_THRESHOLD))
    serial = run_build(project, "--no-cache", "--jobs", "1", "--out", str(tmp_path / "serial"))
    parallel = run_build(project, "--jobs", "2", "--out", str(tmp_path / "parallel"))
    assert serial.returncode == parallel.returncode == 0, parallel.stderr
    assert "in 2 processes" in parallel.stdout and "processes" not in serial.stdout
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")
    # and a cached rebuild after an edit matches a clean build of the edited project
    edit(project, "content/facts.yaml", "value: 1048", "value: 1049")
    assert run_build(project, "--jobs", "2", "--out", str(tmp_path / "parallel")).returncode == 0
    assert run_build(project, "--no-cache", "--jobs", "1", "--out", str(tmp_path / "serial")).returncode == 0
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_a_corrupted_cache_is_detected_and_rebuilt(project, tmp_path):
    clean = run_build(project, "--no-cache", "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0
    edit(project, "content/en/about/team.md", "The team.", "The new team.")  # so the shortcut cannot apply
    for path in (project / ".cache").iterdir():
        if path.is_file() and path.name != "build.lock":
            path.write_bytes(b"\x00garbage" * 100)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\(\d+ rendered", result.stdout)
    rebuilt = run_build(project, "--no-cache", "--out", str(tmp_path / "clean"))
    assert rebuilt.returncode == 0
    assert snapshot(project / "site") == snapshot(tmp_path / "clean")


def test_a_damaged_cache_entry_is_never_served(project):
    import sqlite3

    db = sqlite3.connect(project / ".cache/bodies.sqlite")
    rows = db.execute("SELECT key, data FROM body").fetchall()
    assert rows
    for key, data in rows:  # keep each entry readable, but change the cached HTML behind its checksum
        db.execute("UPDATE body SET data = ? WHERE key = ?", (data.replace(b"The team.", b"Stale text!"), key))
    db.commit()
    db.close()
    edit(project, "templates/page.html", "<div class=\"doc-body\">", "<div class=\"doc-body page\">")
    result = build(project)
    assert "en/about/team/index.html" in result.rendered_paths
    assert "Stale text!" not in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")
    assert "The team." in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")


def test_an_output_file_changed_by_hand_is_rebuilt(project):
    page = project / "site/en/about/team/index.html"
    good = page.read_bytes()
    page.write_text("tampered", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0
    assert page.read_bytes() == good


def test_a_stray_file_in_the_output_is_removed(project):
    (project / "site/en/old-page").mkdir()
    (project / "site/en/old-page/index.html").write_text("left over", encoding="utf-8")
    edit(project, "content/en/about/team.md", "The team.", "The team!")
    assert run_build(project).returncode == 0
    assert not (project / "site/en/old-page").exists()


def test_long_builds_show_progress_on_a_terminal_only(make_project):
    import os
    import pty
    import subprocess
    import sys

    from conftest import ROOT

    project = make_project(base=many_pages(60))
    parent, child = pty.openpty()
    process = subprocess.run([sys.executable, str(ROOT / "build.py"), "--no-cache"], cwd=project, stdout=subprocess.PIPE,
                             stderr=child, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(parent)
    assert process.returncode == 0
    assert re.search(rb"\rrendering \[[#.]+\] \d+/130", shown), shown[:200]  # and many/ listed in each language
    quiet = run_build(project, "--no-cache")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_fresh_clone_with_the_restored_cache_builds_exactly_what_a_clean_build_does(project, tmp_path, monkeypatch):
    """The Pages workflow's case (actions/cache restores .cache/ into a new checkout): nothing is converted again,
    and the site is byte for byte a clean build's."""
    import shutil

    import microsite.render
    clone = tmp_path / "clone"  # a new checkout: the sources with new mtimes, no site/, the cache restored
    shutil.copytree(project, clone, ignore=shutil.ignore_patterns("site", ".site.staging"))
    assert (clone / ".cache/bodies.sqlite").is_file() and not (clone / "site").exists()
    converted = []
    original = microsite.render.Renderer.convert
    monkeypatch.setattr(microsite.render.Renderer, "convert",
                        lambda self, page: converted.append(page.source) or original(self, page))
    result = build(clone)
    assert result.rendered == len(result.site.pages) + 1 and converted == []  # every page, from cached Markdown
    Builder(clone, BuildOptions(out=tmp_path / "clean", cache=False)).build()
    assert len(converted) == len(result.site.pages)  # the clean build converted them all
    assert snapshot(clone / "site") == snapshot(tmp_path / "clean")


def test_workers_leave_what_they_inherit_out_of_garbage_collection() -> None:
    """Collecting would write to every inherited object's header, copying the memory the workers share."""
    import gc

    from microsite.parallel import fork_pool

    with fork_pool(1) as pool:
        inherited = pool.apply(gc.get_freeze_count)
    assert inherited > 10_000 and gc.get_freeze_count() == 0  # the parent collects as before


def test_the_parent_loads_the_lexers_pages_need_before_forking() -> None:
    """Each worker would otherwise import and compile them for itself (microsite/markdown/warm.py)."""
    from pygments.lexers.configs import TOMLLexer

    from microsite.markdown.warm import fence_languages, load_lexers

    bodies = ["Text.\n\n```toml\na = 1\n```\n", "> ~~~ Rust{2}\n> fn x() {}\n> ~~~\n", "```\nplain\n```\n",
              "```ts:line-numbers {1}\nlet a\n```\n", "no fences at all"]
    assert fence_languages(bodies) == {"toml", "Rust", "ts"}
    if "_tokens" in TOMLLexer.__dict__:  # compiled by an earlier test: start as a fresh process would
        delattr(TOMLLexer, "_tokens")
    load_lexers(fence_languages(bodies) | {f"nonsense-{n}" for n in range(500)})  # names no lexer has: skipped
    assert "_tokens" in TOMLLexer.__dict__


def test_cache_keys_name_the_installed_library_versions_as_importlib_metadata_does(tmp_path, monkeypatch):
    import importlib.metadata

    from microsite.cache import LIBRARIES, installed_distributions

    assert installed_distributions(LIBRARIES) == {name: importlib.metadata.version(name) for name in LIBRARIES}
    # the first folder on the path wins, as for imports; an egg-info's Python tag is not part of the version
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Markdown-9.1.dist-info").mkdir(parents=True)
    (second / "markdown-1.0.dist-info").mkdir(parents=True)
    (second / "pymdown_extensions-2.0-py3.11.egg-info").mkdir()
    monkeypatch.setattr("sys.path", [str(first), str(second)])
    assert installed_distributions(("Markdown", "pymdown-extensions", "Babel")) == {
        "Markdown": "9.1", "pymdown-extensions": "2.0"}
