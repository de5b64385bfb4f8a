"""Parsed pages and compiled templates kept in .cache/ between command-line builds (issue 18).

A command-line build reads again only the page files whose lstat changed, and never a page the cache
could get wrong: a file rewritten with its old size and mtime, one edited within the clock's
resolution, or front matter JSON would not give back as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import snapshot

import microsite.content
from microsite import pagecache
from microsite.pipeline import Builder, BuildOptions

TEAM = "content/en/about/team.md"


def build(project: Path, out: str = "site", **options: object):
    return Builder(project, BuildOptions(out=project / out, search=False, **options)).build()  # type: ignore[arg-type]


def age(project: Path, seconds: float = 3600) -> None:
    """Date every input an hour back, as files an editor has not touched for a while are."""
    for path in project.rglob("*"):
        if ".cache" not in path.parts:
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - int(seconds * 1e9)), follow_symlinks=False)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the list of page files parsed (read and their front matter parsed) from now on."""
    files: list[str] = []
    original = microsite.content.load_page
    def counted(config: object, lang: str, rel: str, path: Path) -> object:
        files.append(f"{lang}/{rel}")
        return original(config, lang, rel, path)

    monkeypatch.setattr(microsite.content, "load_page", counted)
    return files


def test_a_second_build_parses_only_the_page_that_changed(make_project, parsed: list[str]) -> None:
    project = make_project()
    age(project)
    (project / ".cache").mkdir()
    (project / ".cache/pages.json").write_text("{}", encoding="utf-8")  # what an older version kept: removed
    first = build(project)
    assert len(parsed) == len(first.site.pages) and (project / ".cache/pages.bin").is_file()
    assert not (project / ".cache/pages.json").exists()
    parsed.clear()
    assert build(project).rendered == 0 and parsed == []  # every page from .cache/pages.bin
    path = project / TEAM
    path.write_text(path.read_text(encoding="utf-8").replace("The team.", "The crew."), encoding="utf-8")
    result = build(project)
    assert parsed == ["en/about/team.md"] and result.rendered_paths == ("en/about/team/index.html",)
    assert "The crew." in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")


def test_a_few_edits_do_not_rewrite_the_cache_file_until_enough_have_changed(make_project,
                                                                             parsed: list[str]) -> None:
    pages = {f"content/en/notes/note-{n:03}.md": f"---\ntitle: Note {n}\n---\nNote {n}.\n" for n in range(120)}
    project = make_project(pages)
    age(project)
    total = len(build(project).site.pages)
    few = total // pagecache.REWRITE_SHARE  # 2 of 127
    cache = project / ".cache/pages.bin"
    kept = cache.read_bytes()

    def edit(rels: list[str]) -> None:
        for rel in rels:  # edited an hour ago: settled, so a build may keep them
            path = project / rel
            path.write_text(path.read_text(encoding="utf-8") + "Edited.\n", encoding="utf-8")
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 3600 * 10**9))
        parsed.clear()
        build(project)

    edited = sorted(pages)[:few]
    edit(edited)
    assert sorted(parsed) == [rel.removeprefix("content/") for rel in edited]
    assert cache.read_bytes() == kept  # writing 10 MB for a few pages costs more than parsing them again
    parsed.clear()
    build(project)
    assert sorted(parsed) == [rel.removeprefix("content/") for rel in edited]  # cheap, and still right
    edit([sorted(pages)[-1]])
    assert len(parsed) == few + 1 and cache.read_bytes() != kept
    parsed.clear()
    assert build(project).rendered == 0 and parsed == []  # all of them kept now


def test_a_page_rewritten_with_its_old_size_and_mtime_is_still_read_again(make_project, parsed: list[str]) -> None:
    project = make_project()
    age(project)
    build(project)
    path = project / TEAM
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("The team.", "Our team!"), encoding="utf-8")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    parsed.clear()
    build(project)
    assert parsed == ["en/about/team.md"]  # its ctime changed
    assert "Our team!" in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")


def test_pages_edited_moments_ago_are_not_kept(make_project, parsed: list[str]) -> None:
    project = make_project()  # every file written just now: within the clock's resolution of a later edit
    first = build(project)
    parsed.clear()
    build(project)
    assert len(parsed) == len(first.site.pages)


@pytest.mark.parametrize("damage", [b"", b"garbage", b"not the version\nx\n{}", "key", "offsets", "utf-8"])
def test_a_damaged_or_foreign_page_cache_is_ignored(make_project, tmp_path: Path, damage: bytes | str) -> None:
    project = make_project()
    age(project)
    build(project)
    cache = project / ".cache/pages.bin"
    if isinstance(damage, str):  # right version and checksum, but another key, or bodies that are not there
        header, bodies = pagecache._unpack(cache.read_bytes())
        for _, values in header["pages"].values():
            if damage == "offsets":
                values["body"] = [values["body"][0], len(bodies) + 1]
            elif damage == "utf-8":
                values["body"] = [0, 1]
        header["key"] = "0" + header["key"] if damage == "key" else header["key"]
        cache.write_bytes(b"".join(pagecache._pack(header, [b"\xe4" + bodies[1:] if damage == "utf-8" else bodies])))
    else:
        cache.write_bytes(damage)
    path = project / TEAM
    path.write_text(path.read_text(encoding="utf-8").replace("The team.", "The crew."), encoding="utf-8")
    build(project)
    build(project, out="clean", cache=False)
    assert snapshot(project / "site") == snapshot(project / "clean")


def test_front_matter_json_cannot_keep_is_parsed_every_time(make_project, parsed: list[str]) -> None:
    """A mapping with number keys would come back from JSON with string keys: such a page is never kept."""
    team = "---\ntitle: Team\nscores: {1: one}\nwhen: 2024-01-02\n---\nX.\n"
    project = make_project({"content/en/about/team.md": team})
    site_yaml = project / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "extra_front_matter: [scores, when]\n",
                         encoding="utf-8")
    age(project)
    build(project)
    parsed.clear()
    build(project)
    assert parsed == ["en/about/team.md"]


def test_templates_are_compiled_once_and_a_changed_one_again(make_project) -> None:
    project = make_project()
    build(project)
    compiled = sorted(p.name for p in (project / ".cache/templates").iterdir())
    assert compiled, "Jinja's bytecode cache keeps the compiled templates"
    page = project / "templates/page.html"
    page.write_text(page.read_text(encoding="utf-8").replace('<div class="doc-body">', '<div class="doc-body x">'),
                    encoding="utf-8")
    build(project)
    assert '<div class="doc-body x">' in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")
    build(project, out="clean", cache=False)
    assert snapshot(project / "site") == snapshot(project / "clean")


def test_no_cache_keeps_neither_pages_nor_templates(make_project) -> None:
    project = make_project()
    age(project)
    build(project, cache=False)
    assert not (project / ".cache/pages.bin").exists() and not (project / ".cache/templates").exists()


@pytest.mark.parametrize("damage", ["fifo", "edited"])
def test_a_damaged_template_cache_is_never_used_and_never_hangs(make_project, damage: str) -> None:
    """A FIFO at a compiled template's name, or compiled code changed behind the cache's back: compile again."""
    from conftest import run_build

    project = make_project()
    assert run_build(project, "--no-search").returncode == 0
    folder = project / ".cache/templates"
    files = sorted(folder.glob("*.jinja"))
    assert files, "compiled templates are kept"
    edited = False
    for path in files:
        if damage == "fifo":
            path.unlink()
            os.mkfifo(path)
        elif b"<main" in path.read_bytes():  # the base template's code, edited where it writes <main>
            path.write_bytes(path.read_bytes().replace(b"<main", b"<mXin"))
            edited = True
    assert damage == "fifo" or edited
    page = project / "templates/page.html"  # and a template changed, so pages are rendered again
    page.write_text(page.read_text(encoding="utf-8").replace('<div class="doc-body">', '<div class="doc-body y">'),
                    encoding="utf-8")
    done = run_build(project, "--no-search", timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    build(project, out="clean", cache=False)
    assert snapshot(project / "site") == snapshot(project / "clean")


@pytest.mark.parametrize("damage", ["checksum", "fifo"])
def test_a_damaged_template_analysis_is_never_trusted(make_project, damage: str) -> None:
    """What parsing a template found (what it includes, which variables) is kept too, and checked like the code.

    Trusted while damaged, it would say base.html includes nothing: a change to a partial would then
    leave every page as it was.
    """
    project = make_project()
    build(project)
    kept = sorted((project / ".cache/templates").glob("*.meta"))
    assert len(kept) == len(list((project / "templates").rglob("*.html")))
    for path in kept:
        if damage == "fifo":
            path.unlink()
            os.mkfifo(path)
        else:
            check, _, payload = path.read_bytes().partition(b"\n")
            path.write_bytes(check + b"\n[[], " + payload.split(b"], ", 1)[1])  # the same names, no includes
    build(project)  # trusted, the damage would now stand for base.html: it includes nothing
    partial = project / "templates/partials/lang_switch.html"
    partial.write_text(partial.read_text(encoding="utf-8") + "<!-- switch v2 -->\n", encoding="utf-8")
    build(project)
    assert "<!-- switch v2 -->" in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")
    build(project, out="clean", cache=False)
    assert snapshot(project / "site") == snapshot(project / "clean")


@pytest.mark.parametrize("name", ["pages.bin", "manifest", "memo", "templates"])
def test_a_fifo_in_the_cache_never_hangs_a_build(make_project, tmp_path: Path, name: str) -> None:
    """What sits at a cache file's name is read only if it is a regular file, opened without blocking."""
    from conftest import run_build

    project = make_project()
    age(project)
    assert run_build(project, "--no-search").returncode == 0
    assert run_build(project, "--no-search").returncode == 0  # settled inputs: the memo is written too
    cache = project / ".cache"
    if name == "templates":
        targets = sorted((cache / "templates").glob("*.meta"))
    else:
        targets = sorted(cache.glob(name if "." in name else f"{name}*.json"))
    assert targets, f"no {name} in {sorted(p.name for p in cache.iterdir())}"
    for path in targets:
        path.unlink()
        os.mkfifo(path)
    (project / TEAM).write_text("---\ntitle: Team\n---\nThe crew.\n", encoding="utf-8")
    done = run_build(project, "--no-search", timeout=60)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "The crew." in (project / "site/en/about/team/index.html").read_text(encoding="utf-8")


def test_a_symlinked_build_lock_is_refused_and_its_target_left_whole(make_project, tmp_path: Path) -> None:
    """Opening the lock for writing once followed a link, truncating whatever it pointed at."""
    from conftest import run_build

    project = make_project()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    (project / ".cache").mkdir(exist_ok=True)
    (project / ".cache/build.lock").symlink_to(precious)
    done = run_build(project, "--no-search", timeout=60)
    assert done.returncode == 1 and done.stderr.splitlines()[0] == (
        ".cache/build.lock: is not a regular file; delete it (.cache/ only holds what builds can make again)")
    assert precious.read_text(encoding="utf-8") == "keep me\n" and not (project / "site").exists()


@pytest.mark.parametrize("cached", [True, False])
def test_a_template_parsed_once_gives_what_jinja_gives(tmp_path: Path, cached: bool) -> None:
    """A cold load parses each template once, for what it includes, the variables it reads and its code.

    All three must be what Jinja's own route gives (jinja2.meta, Environment.compile), for every template.
    """
    import jinja2.meta

    from conftest import ROOT
    from microsite.templates import _analyse, load_templates, make_environment

    templates = ROOT / "templates"
    env = make_environment(templates, cache_dir=tmp_path / "t" if cached else None)
    loader, handed = env.loader, {}
    original = loader.load

    def load(environment, name, globals=None):  # noqa: A002 -- Jinja's parameter name
        if name in loader.ready:
            handed[name] = loader.ready[name][2]
        return original(environment, name, globals)

    loader.load = load
    info = load_templates(env, templates)
    assert sorted(handed) == sorted(info) and len(info) > 10, "every template's code came from its single parse"
    for name in info:
        source, filename, _ = loader.get_source(env, name)
        assert handed[name] == compile(env.compile(source, name, filename, raw=True), filename, "exec"), name
        assert handed[name].co_filename == filename  # tracebacks locate template errors by it
        ast = env.parse(source)
        expected = ({r for r in jinja2.meta.find_referenced_templates(ast) if r},
                    jinja2.meta.find_undeclared_variables(ast))
        assert _analyse(make_environment(templates), source, name, filename) == expected, name
