"""Docs at scale: sections of any depth, navigation that reaches every page, every link form checked.

Most tests build tests/fixtures/docs, a tree shaped like the MkDocs and VitePress docs editors migrate from.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, run_build, snapshot, write_project
from microsite.pipeline import Builder, BuildOptions

DOCS = Path(__file__).parent / "fixtures" / "docs"

# Every broken link of the fixture, at every line it is written, with what the editor most likely meant.
BROKEN = [
    "content/en/guide/README.md:13: link to a missing page 'instal.md'; did you mean 'install.md'?",
    "content/en/guide/advanced/deep/tuning.md:6: link to a missing page '/guide/configur/'; "
    "did you mean '/guide/configure/'?",
    "content/en/guide/advanced/plugins.md:9: link to '#GlobalFlags' on /en/reference/cli/: the page has no such "
    "heading or id; did you mean '#global-flags'?",
    "content/en/guide/advanced/plugins.md:10: link to '#GlobalFlags' on /en/reference/cli/: the page has no such "
    "heading or id; did you mean '#global-flags'?",
    "content/en/guide/configure.md:12: link to '#Environment' on this page: the page has no such heading or id; "
    "did you mean '#environment-variables'?",
    "content/en/guide/install.md:17: link to '#Options' on /en/guide/configure/: the page has no such heading or id; "
    "did you mean '#options'?",
    "content/zh/guide/README.md:13: link to a missing page 'advanced/plugin.md'; did you mean 'advanced/plugins.md'?",
]
HIDDEN = {"en/changelog/", "zh/changelog/"}  # left out of the navigation on purpose (the orphan check's case)


def docs_project(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """Copy the docs fixture (with the repo's templates, static files and UI strings) to `root`."""
    fixture = {p.relative_to(DOCS).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted(DOCS.rglob("*")) if p.is_file()}
    return write_project(root, {**fixture, **(files or {})})


def fixed(text: str) -> str:
    """Return the fixture's text with its deliberately broken links mended."""
    for wrong, right in (("instal.md", "install.md"), ("/guide/configur/", "/guide/configure/"),
                         ("#GlobalFlags", "#global-flags"), ("#Environment", "#environment-variables"),
                         ("#Options", "#options"), ("advanced/plugin.md", "advanced/plugins.md")):
        text = text.replace(wrong, right)
    return text


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the docs fixture with --links warn once; return the output folder."""
    project = docs_project(tmp_path_factory.mktemp("docs") / "project")
    result = run_build(project, "build", "--links", "warn", "--out", "out")
    assert result.returncode == 0, result.stderr
    return project / "out"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_of(site: Path, url_path: str) -> BeautifulSoup:
    return soup(site / url_path.strip("/") / "index.html")


def pages_under(site: Path, lang: str) -> set[str]:
    """Return the pages of one language (not its search page, which the header's search form leads to)."""
    return {p.parent.relative_to(site).as_posix() + "/" for p in (site / lang).rglob("index.html")} - {f"{lang}/search/"}


def walk(site: Path, start: str, selector: str = "a[href]") -> set[str]:
    """Follow links matching `selector` from `start` like a reader would; return every page reached."""
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for link in page_of(site, current).select(selector):
            target = urlsplit(urljoin("/" + current, link["href"]))
            path = unquote(target.path).lstrip("/")
            if not target.scheme and path.endswith("/") and (site / path / "index.html").is_file():
                todo.append(path)
    return seen


# -- the fixture: errors, warnings, reachability ---------------------------------------------------------------


def test_every_broken_link_is_reported_at_every_line_with_a_suggestion(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project")
    result = run_build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == BROKEN + [f"failed: {len(BROKEN)} errors"]
    assert not (project / "site").exists()


def test_links_warn_builds_anyway_and_says_what_is_broken(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project")
    result = run_build(project, "build", "--links", "warn")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [f"warning: {line}" for line in BROKEN]
    assert (project / "site/en/guide/index.html").is_file()
    again = run_build(project, "build", "--links", "warn")  # not skipped as 'nothing changed': still broken
    assert again.stderr.splitlines() == [f"warning: {line}" for line in BROKEN]


def test_site_yaml_can_make_links_warnings_and_strict_makes_them_errors_again(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project")
    (project / "site.yaml").write_text((project / "site.yaml").read_text(encoding="utf-8") + "links: warn\n",
                                       encoding="utf-8")
    assert run_build(project).returncode == 0
    strict = run_build(project, "build", "--strict")
    assert strict.returncode == 1 and set(BROKEN) <= set(strict.stderr.splitlines())


def test_the_navigation_alone_reaches_every_page_in_both_languages(docs_site: Path) -> None:
    navigation = "nav a[href], ul.children a[href]"
    for lang in ("en", "zh"):
        everything = pages_under(docs_site, lang)
        assert len(everything) == 13  # 11 pages and 2 generated listings in en; 9, 2 listings and 2 stubs in zh
        assert walk(docs_site, f"{lang}/", navigation) >= everything - HIDDEN
        assert walk(docs_site, f"{lang}/") >= everything - HIDDEN


def test_a_mended_tree_builds_without_warnings_and_check_finds_the_orphan(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project")
    for path in (project / "content").rglob("*.md"):
        path.write_text(fixed(path.read_text(encoding="utf-8")), encoding="utf-8")
    stamped = run_build(project, "translated", "content/zh/", "content/zh/guide/install.md")
    assert stamped.returncode == 0, stamped.stderr
    assert "content/zh/guide/advanced/deep/tuning.md: marked as a translation of " \
           "content/en/guide/advanced/deep/tuning.md" in stamped.stdout
    built = run_build(project)
    assert built.returncode == 0 and built.stderr == ""
    check = run_build(project, "check")
    warnings = [line for line in check.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: content/en/changelog.md: no zh version (expected content/zh/changelog.md)",
        "warning: content/en/changelog.md: orphan page: left out of the navigation by content/en/_section.yaml, "
        "and no page that readers reach links to it",
        "warning: content/en/reference/api.md: no zh version (expected content/zh/reference/api.md)"]


def test_the_orphan_check_counts_links_from_reachable_pages(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project", {
        "content/en/faq.md": fixed((DOCS / "content/en/faq.md").read_text(encoding="utf-8"))
        + "\nOld news is in the [changelog](changelog.md).\n"})
    check = run_build(project, "check", "--links", "warn")
    assert "orphan" not in check.stderr


def test_load_errors_and_link_errors_come_in_one_run(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project", {
        "content/en/faq.md": "---\ntitle: Questions\nwieght: 40\n---\nSee [the guide](guide/).\n",
        "content/en/reference/api.md": "---\ntitle: [broken\n---\nText.\n"})
    result = run_build(project)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "content/en/faq.md:3: front matter: unknown key 'wieght'; did you mean 'weight'? (allowed: title, " \
           "description, date, weight, template, translation_of, draft, aliases, author; site.yaml's extra_front_matter can " \
           "declare more)" in lines
    assert any(line.startswith("content/en/reference/api.md:2: invalid YAML") for line in lines)
    assert set(BROKEN) - {line for line in BROKEN if "#" in line.split("link to", 1)[1][:3]} <= set(lines)
    assert not any("reference/api" in line and "missing page" in line for line in lines)  # it exists, though broken


# -- what the links became ---------------------------------------------------------------------------------------


def hrefs(site: Path, url_path: str) -> dict[str, str]:
    return {a.get_text(): a["href"] for a in page_of(site, url_path).select(".doc-body a[href]")}


def test_every_link_form_becomes_the_right_url(docs_site: Path) -> None:
    guide = hrefs(docs_site, "en/guide/")
    assert guide["Install"] == "/en/guide/install/"  # install.md
    assert guide["Configure"] == "/en/guide/configure/"  # ./configure
    assert guide["advanced topics"] == "/en/guide/advanced/"  # a folder without a page: its listing
    assert guide["tuning"] == "/en/guide/advanced/deep/"  # advanced/deep/index.md
    assert hrefs(docs_site, "en/")["install it"] == "/en/guide/install/"  # /guide/install/: the page's language
    assert hrefs(docs_site, "zh/")["安装"] == "/zh/guide/install/"
    assert hrefs(docs_site, "en/")["Get started"] == "/en/guide/"  # guide/ -> guide/README.md
    install = hrefs(docs_site, "en/guide/install/")
    assert install["the command line page"] == "/en/reference/cli/"  # /en/reference/cli/
    assert install["this sample"] == "/en/guide/sample.toml"  # a file beside the page
    assert install["the start"] == "/en/"
    assert hrefs(docs_site, "zh/guide/install/")["示例"] == "/en/guide/sample.toml"  # the English folder's file
    configure = hrefs(docs_site, "en/guide/configure/")
    assert configure["requirements"] == "/en/guide/install/#requirements"
    assert configure["environment variables"] == "#environment-variables"  # same page: left as written
    assert hrefs(docs_site, "en/guide/advanced/plugins/")["guide"] == "/en/guide/"  # ../README.md
    assert hrefs(docs_site, "en/guide/advanced/deep/tuning/")["all advanced topics"] == "/en/guide/advanced/"


def test_the_title_comes_from_the_first_heading_and_is_not_repeated(docs_site: Path) -> None:
    page = page_of(docs_site, "en/guide/configure/")
    assert [h.get_text() for h in page.select("main h1")] == ["Configure"]
    assert page.title.get_text() == "Configure · Tidewater"
    assert page_of(docs_site, "zh/reference/cli/").select_one("main h1").get_text() == "命令行"


# -- what readers see: sidebar, breadcrumbs, previous/next, listings -------------------------------------------


def test_the_sidebar_shows_the_section_tree_in_its_order_with_the_page_marked(docs_site: Path) -> None:
    page = page_of(docs_site, "en/guide/advanced/deep/tuning/")
    sidebar = page.select_one("nav.sidebar")
    assert sidebar.select_one(".sidebar-title a").get_text() == "Guide"
    top = [li.find(["a", "details"], recursive=False) for li in sidebar.select_one("ul").find_all("li", recursive=False)]
    assert [el.get_text() if el.name == "a" else el.summary.get_text() for el in top] == [
        "Install", "Configure", "Advanced topics"]  # _section.yaml's order, then the folder titled by its own
    assert top[2].has_attr("open")  # on the way to this page
    assert sidebar.select_one('[aria-current="page"]').get_text() == "Tuning"
    closed = page_of(docs_site, "en/guide/install/").select_one("nav.sidebar details")
    assert not closed.has_attr("open") and closed.summary.get_text() == "Advanced topics"


def test_breadcrumbs_and_previous_next_follow_the_reading_order(docs_site: Path) -> None:
    page = page_of(docs_site, "en/guide/advanced/plugins/")
    crumbs = page.select("nav.breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs] == ["Home", "Guide", "Advanced topics", "Plugins"]
    assert crumbs[-1].select_one('[aria-current="page"]') is not None
    pager = page.select_one("nav.pager")
    assert pager.select_one('a[rel="prev"]')["href"] == "/en/guide/advanced/"
    assert pager.select_one('a[rel="next"]')["href"] == "/en/guide/advanced/deep/"
    order, current = [], "en/guide/"
    while current:
        order.append(current)
        after = page_of(docs_site, current).select_one('nav.pager a[rel="next"]')
        current = after["href"].lstrip("/") if after else ""
    assert order == ["en/guide/", "en/guide/install/", "en/guide/configure/", "en/guide/advanced/",
                     "en/guide/advanced/plugins/", "en/guide/advanced/deep/", "en/guide/advanced/deep/tuning/"]


def test_a_folder_without_a_page_gets_a_listing_in_each_language(docs_site: Path) -> None:
    en, zh = page_of(docs_site, "en/guide/advanced/"), page_of(docs_site, "zh/guide/advanced/")
    assert en.select_one("main h1").get_text() == "Advanced topics" and zh.select_one("main h1").get_text() == "进阶主题"
    assert [a.get_text() for a in en.select("ul.children a")] == ["Plugins", "Under the hood"]
    assert zh.html["lang"] == "zh-CN" and [a.get_text() for a in zh.select("ul.children a")] == ["插件", "内部原理"]
    reference = page_of(docs_site, "en/reference/")
    assert reference.select_one("main h1").get_text() == "Reference"  # no _section.yaml: the folder's name
    assert page_of(docs_site, "zh/reference/").select_one("main h1").get_text() == "参考"
    alternates = {link["hreflang"] for link in en.select('link[rel="alternate"][hreflang]')}
    assert alternates == {"en", "zh-CN", "x-default"}


def test_a_page_not_translated_yet_is_in_the_other_languages_navigation_under_its_title(docs_site: Path) -> None:
    listing = page_of(docs_site, "zh/reference/")
    api = listing.select_one('ul.children a[href="/zh/reference/api/"]')
    assert api.get_text() == "Library API" and api["lang"] == "en"
    assert "（英文）" in api.parent.get_text()
    stub = page_of(docs_site, "zh/reference/api/")
    assert stub.select_one('nav.sidebar [aria-current="page"]').get_text() == "Library API"


def test_pages_link_to_their_source_for_editing_and_templates_see_extra_keys(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project", {
        "templates/page.html": (ROOT / "templates/page.html").read_text(encoding="utf-8").replace(
            "{% block article %}", "{% block article %}{% if page.extra.author %}<p class=\"by\">{{ page.extra.author }}</p>{% endif %}")})
    assert run_build(project, "build", "--links", "warn").returncode == 0
    faq = page_of(project / "site", "en/faq/")
    assert faq.select_one(".page-meta a")["href"] == "https://github.com/example/tidewater/edit/main/docs/content/en/faq.md"
    assert faq.select_one(".page-meta a").get_text() == "Edit this page"
    assert page_of(project / "site", "zh/faq/").select_one(".page-meta a").get_text() == "编辑此页"
    assert faq.select_one("p.by").get_text() == "The Tidewater team"
    assert page_of(project / "site", "zh/faq/").select_one("p.by") is None


def test_every_heading_has_a_link_named_in_the_pages_language(docs_site: Path) -> None:
    wrapper = page_of(docs_site, "en/guide/install/").select_one("div.heading")
    assert wrapper.h2["id"] == "requirements" and wrapper.h2.get_text() == "Requirements"
    link = wrapper.select_one("a.heading-link")
    assert link["href"] == "#requirements"
    assert link.select_one(".visually-hidden").get_text() == "Link to the section “Requirements”"
    assert link.select_one('[aria-hidden="true"]').get_text() == "#"
    zh = page_of(docs_site, "zh/guide/install/").select_one("a.heading-link .visually-hidden")
    assert zh.get_text() == "本节链接：要求"


def test_the_table_of_contents_lists_headings_with_their_children(docs_site: Path) -> None:
    toc = page_of(docs_site, "en/reference/cli/").select_one("nav.toc")
    assert [a["href"] for a in toc.select("a")] == ["#global-flags", "#commands"]
    assert page_of(docs_site, "en/guide/advanced/deep/").select_one("nav.toc") is None  # no headings, no contents


# -- _section.yaml and front matter --------------------------------------------------------------------------


@pytest.mark.parametrize("files, expected", [
    ({"content/en/guide/_section.yaml": "order: [install, configur, advanced]\ntitel: Guide\n"},
     ["content/en/guide/_section.yaml:1: order: no page or folder 'configur' in content/en/guide/; "
      "did you mean 'configure'?",
      "content/en/guide/_section.yaml:2: unknown key 'titel'; did you mean 'title'? (allowed: title, weight, order, "
      "hidden)"]),
    ({"content/en/guide/_section.yaml": "weight: first\n"},
     ["content/en/guide/_section.yaml:1: 'weight' must be a whole number, got 'first'"]),
])
def test_section_files_are_checked(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    project = docs_project(tmp_path / "project", files)
    result = run_build(project, "build", "--links", "warn")
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if "_section.yaml" in line] == expected


def test_hidden_and_weight_in_section_files_order_the_navigation(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project", {
        "content/en/_section.yaml": "hidden: [changelog, faq]\n",
        "content/en/reference/_section.yaml": "title: Commands and API\nweight: 50\n"})
    assert run_build(project, "build", "--links", "warn").returncode == 0
    top = [a.get_text() for a in page_of(project / "site", "en/").select("nav.site-nav a")]
    assert top == ["Home", "Guide", "Commands and API"]


# -- the cache: a title shows wherever a sidebar shows it, and only there ------------------------------------------


def test_a_deep_title_change_renders_exactly_the_pages_that_show_it(tmp_path: Path, monkeypatch) -> None:
    project = docs_project(tmp_path / "project")
    options = BuildOptions(out=Path("site"), links="warn", jobs=1)
    Builder(project, options).build()
    plugins = project / "content/en/guide/advanced/plugins.md"
    plugins.write_text(plugins.read_text(encoding="utf-8").replace("title: Plugins", "title: Extensions"),
                       encoding="utf-8")
    result = Builder(project, options).build()
    section = ("en/guide/advanced/deep/index.html", "en/guide/advanced/deep/tuning/index.html",
               "en/guide/advanced/index.html", "en/guide/advanced/plugins/index.html", "en/guide/configure/index.html",
               "en/guide/index.html", "en/guide/install/index.html")
    # a small section: every page's sidebar shows its whole tree; the Chinese page names its English original
    assert result.rendered_paths == (*section, "zh/guide/advanced/plugins/index.html")
    assert "Extensions" in (project / "site/en/guide/install/index.html").read_text(encoding="utf-8")
    import microsite.nav
    monkeypatch.setattr(microsite.nav, "SIDEBAR_FULL", 3)  # a large section: sidebars show only their own branch
    Builder(project, options).build()  # the new baseline: every sidebar shows less
    plugins.write_text(plugins.read_text(encoding="utf-8").replace("title: Extensions", "title: Add-ons"),
                       encoding="utf-8")
    result = Builder(project, options).build()
    assert result.rendered_paths == ("en/guide/advanced/deep/index.html", "en/guide/advanced/deep/tuning/index.html",
                                     "en/guide/advanced/index.html", "en/guide/advanced/plugins/index.html",
                                     "zh/guide/advanced/plugins/index.html")
    assert "Add-ons" not in (project / "site/en/guide/install/index.html").read_text(encoding="utf-8")


# -- last updated, from git --------------------------------------------------------------------------------------


def git(project: Path, *args: str, date: str = "2024-03-01T12:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "Ed",
           "GIT_AUTHOR_EMAIL": "ed@example.org", "GIT_COMMITTER_NAME": "Ed", "GIT_COMMITTER_EMAIL": "ed@example.org"}
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pages_show_the_date_of_their_last_commit(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project")
    assert run_build(project, "build", "--links", "warn").returncode == 0
    assert page_of(project / "site", "en/guide/install/").select_one(".page-meta time") is None  # not in git yet
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "first")
    install = project / "content/en/guide/install.md"
    install.write_text(install.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    git(project, "commit", "-qam", "second", date="2024-05-20T09:00:00+00:00")
    result = run_build(project, "build", "--links", "warn")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    updated = page_of(site, "en/guide/install/").select_one(".page-meta time")
    assert (updated["datetime"], updated.get_text()) == ("2024-05-20", "May 20, 2024")
    assert page_of(site, "en/guide/configure/").select_one(".page-meta time")["datetime"] == "2024-03-01"
    assert page_of(site, "zh/guide/install/").select_one(".page-meta p").get_text() == "最后更新：2024年3月1日"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r"<loc>https://docs.example.org/en/guide/install/</loc>\s*<lastmod>2024-05-20</lastmod>", sitemap)
    git(project, "commit", "-q", "--allow-empty", "-m", "third", date="2024-06-01T09:00:00+00:00")
    install.write_text(install.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    git(project, "commit", "-qam", "fourth", date="2024-07-02T09:00:00+00:00")
    rebuilt = run_build(project, "build", "--links", "warn")
    assert "nothing changed" not in rebuilt.stdout  # a commit changes dates: the no-change shortcut must not skip
    assert page_of(site, "en/guide/install/").select_one(".page-meta time")["datetime"] == "2024-07-02"


def test_a_listing_and_a_stub_are_in_the_sitemap_with_alternates(docs_site: Path) -> None:
    sitemap = (docs_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://docs.example.org/zh/guide/advanced/</loc>" in sitemap
    assert "<loc>https://docs.example.org/zh/reference/api/</loc>" not in sitemap  # not translated: noindex


def test_the_output_does_not_depend_on_the_machine(docs_site: Path, tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project")
    assert run_build(project, "build", "--links", "warn", "--jobs", "1", "--no-cache").returncode == 0
    assert snapshot(project / "site") == snapshot(docs_site)


def test_a_page_without_any_title_takes_its_file_name_and_check_says_so(tmp_path: Path) -> None:
    project = docs_project(tmp_path / "project", {"content/en/guide/sync-rules.md": "Rules decide what is copied.\n",
                                                  "content/en/reference/README.md": "Everything the commands take.\n"})
    result = run_build(project, "check", "--links", "warn")
    assert result.returncode == 0
    warnings = result.stderr.splitlines()
    assert ("warning: content/en/guide/sync-rules.md:1: no title: it shows as 'Sync rules', made from the file name; "
            "add 'title:' to the front matter or start the page with a '# Title' line") in warnings
    assert any(line.startswith("warning: content/en/reference/README.md:1: no title: it shows as 'Reference'")
               for line in warnings)


def test_a_missing_anchor_with_nothing_close_gets_the_next_best_hint(tmp_path: Path) -> None:
    zh = (DOCS / "content/zh/reference/cli.md").read_text(encoding="utf-8")
    project = docs_project(tmp_path / "project", {
        "content/zh/reference/cli.md": zh + "\n参见[全局参数](#global-flags)和[退出码](#exit-codes)。\n",
        "content/en/faq.md": "---\ntitle: Questions\n---\nSee [the board](/guide/board/team/).\n"})
    result = run_build(project, "build", "--links", "warn")
    warnings = result.stderr.splitlines()
    assert ("warning: content/zh/reference/cli.md:11: link to '#global-flags' on this page: the page has no such heading "
            "or id; the en page has it: give the heading here the same id, e.g. '## … {#global-flags}'") in warnings
    assert ("warning: content/zh/reference/cli.md:11: link to '#exit-codes' on this page: the page has no such heading "
            "or id; its ids: #全局参数, #命令") in warnings
    assert ("warning: content/en/faq.md:4: link to a missing page '/guide/board/team/'; no page has a similar path "
            "(the nearest section above it is '/guide/')") in warnings


# -- the preview: an edit that changes what other pages show takes the full build ------------------------------


@pytest.mark.parametrize("rel, old, new, shown_on", [
    ("content/en/guide/configure.md", "# Configure", "# Set up", "en/guide/install/index.html"),  # a heading title
    ("content/en/guide/advanced/_section.yaml", "title: Advanced topics", "title: Going further",
     "en/guide/install/index.html"),
    ("content/en/guide/advanced/plugins.md", "title: Plugins\n", "title: Plugins\ndescription: Adding targets.\n",
     "en/guide/advanced/index.html"),  # a description: the folder's generated listing shows it
])
def test_the_preview_updates_every_page_that_shows_an_edit(tmp_path: Path, rel: str, old: str, new: str,
                                                           shown_on: str) -> None:
    from microsite.serve import Preview
    project = docs_project(tmp_path / "project")
    preview = Preview(project, BuildOptions(out=project / "site", links="warn"))
    preview.build()
    path = project / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = preview.rebuild()
    assert result is not None and shown_on in result.changed
    shown = (project / "site" / shown_on).read_text(encoding="utf-8")
    assert new.strip().split(": ")[-1].lstrip("# ") in shown


# -- the Beijing site uses it -------------------------------------------------------------------------------------


def test_the_plan_section_has_sidebar_breadcrumbs_and_pager_in_both_languages(real_site: Path) -> None:
    for lang, home, section in (("en", "Home", "Priorities"), ("zh", "首页", "发展重点")):
        talent = page_of(real_site, f"{lang}/plan/talent/")
        assert [li.get_text(strip=True) for li in talent.select("nav.breadcrumbs li")][:2] == [home, section]
        sidebar = talent.select("nav.sidebar ul a")
        assert len(sidebar) == 5 and talent.select_one('nav.sidebar [aria-current="page"]')["href"] == f"/{lang}/plan/talent/"
        assert talent.select_one('nav.pager a[rel="prev"]')["href"] == f"/{lang}/plan/ethics/"
        index = page_of(real_site, f"{lang}/plan/")
        assert index.select_one('nav.pager a[rel="next"]')["href"] == f"/{lang}/plan/core-technology/"
        assert page_of(real_site, f"{lang}/sources/").select_one("nav.sidebar") is None  # a top-level page


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_beijing_pages_show_when_they_were_last_updated(tmp_path: Path) -> None:
    from conftest import copy_real_project
    project = copy_real_project(tmp_path / "project")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "the site", date="2026-11-28T10:00:00+08:00")
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    for lang, text in (("en", "Last updated November 28, 2026"), ("zh", "最后更新：2026年11月28日")):
        for path in (f"{lang}/plan/", f"{lang}/plan/talent/", f"{lang}/sources/", f"{lang}/key-figures/"):
            assert page_of(project / "out", path).select_one(".page-meta p").get_text() == text, path
