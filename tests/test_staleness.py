"""A cached build is byte-identical to a clean one, whatever input file changed (issue 15, defect 2).

For every kind of input (page body and front matter, facts, UI strings, site settings, templates, static
files; edited, added, removed), one valid edit is made to a project whose site/, .cache/ and staging
folder come from an earlier build. Then the cached build (the CLI, so the no-change shortcut is in play)
and the preview's rebuild must both equal a clean `--no-cache` build of the edited project, byte for byte.
The builds run in this process, on the tiny project, so the whole table takes a few seconds.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from conftest import TINY_FACTS, snapshot, tiny_files, write_project
from microsite.cli import main
from microsite.pipeline import BuildOptions, load_site
from microsite.serve import Preview

EN_STRINGS, ZH_STRINGS = "content/strings/en.yaml", "content/strings/zh.yaml"
TEAM = "content/en/about/team.md"
PAGE = "---\ntitle: New page\nweight: 30\n---\nA new page citing {{fact:firms}}.\n"

# name -> (file, old text, new text); old None: create the file, new None: delete it
EDITS: dict[str, tuple[str, str | None, str | None]] = {
    "page body": (TEAM, "The team.", "The whole team."),
    "page title": (TEAM, "title: Team", "title: Our team"),
    "page weight": ("content/en/figures.md", "weight: 20", "weight: 1"),
    "page template": (TEAM, "weight: 5", "weight: 5\ntemplate: home.html"),
    "page added": ("content/en/about/new.md", None, PAGE),
    "translation added": ("content/zh/about/team.md", None, "---\ntitle: 团队\n---\n团队。\n"),
    "page removed": (TEAM, "", None),
    "fact value": ("content/facts.yaml", "value: 1048", "value: 2096"),
    "fact as_of": ("content/facts.yaml", "as_of: 2022-10\n    label: {en: Firms", "as_of: 2023-01\n    label: {en: Firms"),
    "fact label": ("content/facts.yaml", "label: {en: Firms, zh: 企业}", "label: {en: Companies, zh: 公司}"),
    "unit text": ("content/facts.yaml", 'firms: {en: "", zh: 家}', 'firms: {en: " firms", zh: 个}'),
    "source publisher": ("content/facts.yaml", "publisher: {en: Survey office, zh: 调查办公室}",
                         "publisher: {en: Statistics office, zh: 统计局}"),
    "chart title": ("content/facts.yaml", "title: {en: Shares, zh: 占比}", "title: {en: Some shares, zh: 一些占比}"),
    "chart kind": ("content/facts.yaml", "kind: share", "kind: bars"),
    "string fact_value (en)": (EN_STRINGS, 'fact_value: "{number}{suffix}"', 'fact_value: "{number} {suffix}!"'),
    "string fact_value (zh)": (ZH_STRINGS, 'fact_value: "{number}{suffix}"', 'fact_value: "约{number}{suffix}"'),
    "string fact_title": (EN_STRINGS, 'fact_title: "Source: {source}, {date}"', 'fact_title: "From {source} ({date})"'),
    "string chart_col_value": (EN_STRINGS, "chart_col_value: Value", "chart_col_value: Amount"),
    "string in a template": (EN_STRINGS, "skip_to_content: Skip to content", "skip_to_content: Skip ahead"),
    "locale": ("site.yaml", "locale: en}", "locale: de}"),
    "compact numbers": ("site.yaml", "compact_numbers: true", "compact_numbers: false"),
    "html_lang": ("site.yaml", "html_lang: zh-CN", "html_lang: zh-Hans"),
    "site title": ("site.yaml", "title: {en: Tiny site", "title: {en: Small site"),
    "base_url": ("site.yaml", "base_url: https://example.org/", "base_url: https://example.org/sub/"),
    "facts_page": ("site.yaml", "facts_page: figures", "facts_page: about"),
    "cname": ("site.yaml", "facts_page: figures", "facts_page: figures\ncname: tiny.example.org"),
    "default language": ("site.yaml", "default_language: en", "default_language: zh"),
    "page template file": ("templates/page.html", "<div class=\"doc-body\">", "<div class=\"doc-body title\">"),
    "partial template": ("templates/partials/lang_switch.html", '<nav class="lang-switch"',
                         '<nav class="lang-switch x"'),
    "static file": ("static/style.css", "--measure: 44rem;", "--measure: 40rem;"),
    "static file removed": ("static/site.js", "", None),
}


# The preview keeps converted pages in memory and rebuilds single pages: the same edits through it (one of
# each kind of file; every kind goes through the same cache keys as the command line's build).
PREVIEWED = {"page body", "page title", "page added", "fact value", "unit text", "string fact_value (en)",
             "string fact_value (zh)", "string fact_title", "locale", "compact numbers", "base_url", "facts_page",
             "partial template", "static file"}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, fast_templates: None) -> Path:
    """Return a folder holding `pristine/`: the tiny project after a cached build, its inputs dated an hour ago."""
    base = tmp_path_factory.mktemp("staleness")
    big = "  staff:\n    value: 42000\n    unit: firms\n    as_of: 2022-10\n    label: {en: Staff, zh: 员工}\n" \
          "    source: survey\ncharts:\n"  # 4.2万 in Chinese, unless compact_numbers is off
    work = write_project(base / "work", {**tiny_files(), "content/facts.yaml": TINY_FACTS.replace("charts:\n", big)})
    hour_ago = os.stat(work).st_mtime - 3600  # so the no-change shortcut records this build (see memo._RACY_NS)
    for path in work.rglob("*"):
        os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)
    assert cli(work, "build") == 0
    work.rename(base / "pristine")
    return base


def cli(project: Path, *args: str) -> int:
    """Run the command line in this process; return its exit code (output swallowed)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["--root", str(project), *args])
    assert code == 0, err.getvalue()
    return code


def without_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Return a snapshot without the search index."""
    return {path: data for path, data in files.items() if not path.startswith("pagefind/")}


def fresh_copy(base: Path) -> Path:
    """Return base/work: a copy of the pristine project at the same path as its first build (so the cache applies)."""
    work = base / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base / "pristine", work, symlinks=True)  # copy2 keeps the mtimes the manifest records
    return work


def apply(project: Path, edit: tuple[str, str | None, str | None]) -> None:
    rel, old, new = edit
    path = project / rel
    if new is None:
        path.unlink()
    elif old is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("name", EDITS)
def test_a_cached_build_equals_a_clean_build_after_any_edit(base: Path, name: str) -> None:
    edit = EDITS[name]
    work = fresh_copy(base)
    load_site(work, cache=True)  # as a build before the edit would: the parsed pages kept in .cache/pages.bin
    assert (work / ".cache/pages.bin").is_file()
    apply(work, edit)
    cli(work, "build", "--no-cache", "--out", str(base / f"clean-{name}"))
    clean = snapshot(base / f"clean-{name}")
    assert clean != snapshot(base / "pristine/site"), "the edit changes nothing, so it proves nothing"

    cli(work, "build")  # cached
    assert snapshot(work / "site") == clean
    if name not in PREVIEWED:
        return

    work = fresh_copy(base)
    preview = Preview(work, BuildOptions(out=work / "site"))
    preview.build()
    apply(work, edit)
    assert preview.rebuild() is not None
    # the preview re-indexes search once edits pause (search.IdleIndexer, tested in test_search.py): the pages
    # and every other file must be the clean build's now, the search index a moment later
    assert without_index(snapshot(work / "site")) == without_index(clean)
