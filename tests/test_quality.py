"""Quality gates run by independent tools on the real built site, each also seen failing on a broken fixture.

The Nu HTML Checker validates every page; axe-core audits every page in both languages, at two widths and in
both colour schemes; a keyboard walk, a request log, a weight budget and a phone-width check run in Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import ROOT, PagesServer, require

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
FIXTURES = Path(__file__).parent / "fixtures" / "quality"

WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
PHONE = 360  # the narrowest screen a page must fit without scrolling sideways
MAX_PAGE_BYTES = 50 * 1024  # HTML + CSS + JS + icons a page loads, uncompressed
DATA_PATHS = ("data/",)  # downloads (facts.json, facts.csv) are not part of a page's weight
ROOT_CHOOSER = ""  # the root page redirects with JS; its no-JS view is what gets audited

# Nu checker warnings the site accepts: message pattern -> why. The README repeats this list.
VNU_ALLOWED_WARNINGS: dict[str, str] = {}


def require_tools(*tools: str) -> None:
    """Skip (or fail under CI) unless java, vnu.jar and axe-core are installed, as .ci/run installs them."""
    if "java" in tools:
        require(shutil.which("java") is not None, "java is not installed (apt-get install default-jre-headless)")
    if "vnu" in tools:
        require(VNU.is_file(), "vnu-jar is not installed (npm ci)")
    if "axe" in tools:
        require(AXE.is_file(), "axe-core is not installed (npm ci)")


# -- Nu HTML Checker ---------------------------------------------------------------------------------


def run_vnu(files: list[Path]) -> list[dict[str, Any]]:
    """Run the Nu HTML Checker once over all `files` (HTML, CSS, SVG); return its messages."""
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always",
                             "--also-check-css", "--also-check-svg", *map(str, files)],
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["messages"]


def vnu_problems(messages: list[dict[str, Any]], root: Path, allowed: dict[str, str]) -> list[str]:
    """Return every error, and every warning not allowed, as 'file:line: kind: message'."""
    problems = []
    for message in messages:
        kind = "warning" if message.get("subType") == "warning" else message["type"]
        if kind == "info" or (kind == "warning" and any(re.search(p, message["message"]) for p in allowed)):
            continue
        path = Path(urllib.parse.unquote(urllib.parse.urlsplit(message.get("url", "")).path))
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        problems.append(f"{where}:{message.get('lastLine', '?')}: {kind}: {message['message']}")
    return problems


def site_files(root: Path) -> list[Path]:
    """Return every HTML page, stylesheet and SVG of a built site, in a stable order."""
    return sorted(p for p in root.rglob("*") if p.suffix in {".html", ".css", ".svg"})


def test_nu_html_checker_passes_every_page(real_site: Path) -> None:
    require_tools("java", "vnu")
    files = site_files(real_site)
    assert any(f.name == "style.css" for f in files) and sum(f.suffix == ".html" for f in files) > 4
    assert vnu_problems(run_vnu(files), real_site, VNU_ALLOWED_WARNINGS) == []


def test_nu_html_checker_reports_errors_and_unlisted_warnings() -> None:
    require_tools("java", "vnu")
    messages = run_vnu(site_files(FIXTURES))
    problems = vnu_problems(messages, FIXTURES, {})
    assert any(p.startswith("invalid-markup.html:") and ": error: " in p for p in problems), problems
    assert any(p.startswith("missing-alt.html:") and "alt" in p for p in problems), problems
    assert any(p.startswith("invalid.css:") and ": error: " in p for p in problems), problems
    warning = [p for p in problems if p.startswith("vnu-warning.html:")]
    assert warning and all(": warning: " in p for p in warning), problems
    allowed = {r"The .type. attribute is unnecessary for JavaScript": "the reason the README gives"}
    assert not any(p.startswith("vnu-warning.html:") for p in vnu_problems(messages, FIXTURES, allowed))


# -- Browser audits ----------------------------------------------------------------------------------

View = tuple[int, str]  # (viewport width, colour scheme)
VIEWS: tuple[View, ...] = tuple((width, scheme) for width in WIDTHS for scheme in SCHEMES)


@dataclass
class PageAudit:
    """What one page did in the browser: requests made, bytes loaded, axe violations per view, phone width."""

    url: str
    requests: list[str] = field(default_factory=list)
    loaded: dict[str, int] = field(default_factory=dict)  # URL -> bytes, from the serving host, data excluded
    violations: dict[View, list[str]] = field(default_factory=dict)
    phone_width: dict[str, int] = field(default_factory=dict)  # scheme -> scrollWidth at PHONE px

    @property
    def weight(self) -> int:
        """Return the bytes of everything the page loaded (data files excluded)."""
        return sum(self.loaded.values())


def is_foreign(url: str, origin: str) -> bool:
    """Tell whether a network URL goes to a host other than the one serving the site."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and f"{parts.scheme}://{parts.netloc}" != origin


def is_data(url: str) -> bool:
    """Tell whether a URL is one of the site's data downloads."""
    path = urllib.parse.urlsplit(url).path
    return any(f"/{folder}" in path for folder in DATA_PATHS)


def without_scripts(route: Any) -> None:
    """Serve a document with a Content-Security-Policy that runs none of its scripts (its no-JS view)."""
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": "script-src 'none'"})


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run every axe-core rule (best practices, AAA and experimental rules included); return the violations."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""() => {
        const rules = Object.fromEntries(axe.getRules().map(rule => [rule.ruleId, {enabled: true}]));
        return axe.run(document, {rules, resultTypes: ["violations"]}).then(result => result.violations);
    }""")


def describe_violations(violations: list[dict[str, Any]]) -> list[str]:
    """Return one line per violated rule: id, impact, help text and the first offending elements."""
    return [f"{v['id']} ({v['impact']}): {v['help']}: " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in violations]


def audit_page(context: Any, origin: str, path: str, views: tuple[View, ...] = VIEWS, *,
               scripts: bool = True) -> PageAudit:
    """Load one page with foreign hosts blocked; run axe in each view, measure it on a phone, weigh it."""
    audit = PageAudit(origin + "/" + path)
    page = context.new_page()
    finished: list[Any] = []
    page.on("request", lambda request: audit.requests.append(request.url))
    page.on("requestfinished", lambda request: finished.append(request))
    # Routing every request also turns off the HTTP cache, so each page's weight counts every file it loads.
    page.route("**/*", lambda route: route.abort("blockedbyclient") if is_foreign(route.request.url, origin)
               else route.continue_())
    if not scripts:
        page.route(audit.url, without_scripts)
    page.goto(audit.url, wait_until="load")
    for width, scheme in views:  # one load serves every view: resizing and re-emulating restyle the page live
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        audit.violations[width, scheme] = describe_violations(run_axe(page))
    page.set_viewport_size({"width": PHONE, "height": 740})
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        audit.phone_width[scheme] = page.evaluate("document.documentElement.scrollWidth")
    if page.url == audit.url:  # a page that navigated away (the root, with JS) has no bodies left to weigh
        for request in finished:
            response = request.response()
            if response is not None and not is_foreign(request.url, origin) and not is_data(request.url):
                audit.loaded[request.url] = 0 if 300 <= response.status < 400 else len(response.body())
    page.close()
    return audit


def page_paths(root: Path) -> list[str]:
    """Return the URL path of every HTML page of a built site: '', 'en/', 'en/plan/', '404.html'."""
    paths = []
    for file in sorted(root.rglob("*.html")):
        rel = file.relative_to(root).as_posix()
        paths.append(rel.removesuffix("index.html") if file.name == "index.html" else rel)
    return paths


@pytest.fixture(scope="session")
def real_audits(browser: Any, real_server: PagesServer, real_site: Path) -> list[PageAudit]:
    """Audit every page of the real site once per session, the root chooser as readers without JS see it."""
    require_tools("axe")
    context = browser.new_context()
    audits = [audit_page(context, real_server.origin, path, scripts=path != ROOT_CHOOSER)
              for path in page_paths(real_site)]
    context.close()
    return audits


@pytest.mark.browser
def test_every_page_is_audited(real_audits: list[PageAudit], real_site: Path) -> None:
    assert len(real_audits) == len(list(real_site.rglob("*.html")))
    assert {a.url.split("/")[3] for a in real_audits} >= {"", "en", "zh", "404.html"}
    assert all(set(a.violations) == set(VIEWS) and set(a.phone_width) == set(SCHEMES) for a in real_audits)


@pytest.mark.browser
@pytest.mark.parametrize("view", VIEWS, ids=[f"{w}px-{s}" for w, s in VIEWS])
def test_axe_finds_no_violation(real_audits: list[PageAudit], view: View) -> None:
    assert [f"{a.url}: {v}" for a in real_audits for v in a.violations[view]] == []


@pytest.mark.browser
def test_no_request_leaves_the_serving_host(browser: Any, real_audits: list[PageAudit],
                                            real_server: PagesServer) -> None:
    context = browser.new_context()
    chooser = audit_page(context, real_server.origin, ROOT_CHOOSER, views=())  # with JS: redirects to a home
    context.close()
    audits = [chooser, *real_audits]
    assert all(len(a.requests) > 1 for a in audits)  # each page loaded at least its stylesheet
    assert [f"{a.url} -> {r}" for a in audits for r in a.requests if is_foreign(r, real_server.origin)] == []


@pytest.mark.browser
def test_every_page_weighs_under_the_budget(real_audits: list[PageAudit]) -> None:
    assert all(any(url.endswith(".css") for url in a.loaded) for a in real_audits)  # the stylesheet is counted
    assert [f"{a.url}: {a.weight} bytes ({', '.join(a.loaded)})" for a in real_audits
            if a.weight > MAX_PAGE_BYTES] == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_page_is_wider_than_a_phone(real_audits: list[PageAudit], scheme: str) -> None:
    assert [f"{a.url}: {a.phone_width[scheme]}px" for a in real_audits if a.phone_width[scheme] > PHONE] == []


# -- Keyboard ----------------------------------------------------------------------------------------

# Each element focused gets a number (data-tab-stop), so identical links are still told apart.
FOCUSED = r"""() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    if (!el.dataset.tabStop) el.dataset.tabStop = String(document.querySelectorAll("[data-tab-stop]").length);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        stop: el.dataset.tabStop,
        html: el.outerHTML.replace(/ data-tab-stop="\d+"/, "").slice(0, 120),
        skip_target: el.hash ? (document.getElementById(el.hash.slice(1)) || {}).tagName || "" : "",
        outline: parseFloat(style.outlineWidth) > 0 && style.outlineStyle !== "none"
                 && !/, 0\)$|transparent/.test(style.outlineColor) ? style.outlineStyle : "",
        shadow: style.boxShadow === "none" ? "" : style.boxShadow,
        on_screen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                   && box.top < innerHeight && box.left < innerWidth,
    };
}"""
UNREACHED_NAV_LINKS = r"""() => Array.from(document.querySelectorAll("header nav a[href]"))
    .filter(a => !a.dataset.tabStop).map(a => a.outerHTML.slice(0, 120))"""
# The language switcher's links carry hreflang; the other header nav links are the site's sections.
NAV_LINKS = """() => [document.querySelectorAll("header nav a[href][hreflang]").length,
                      document.querySelectorAll("header nav a[href]:not([hreflang])").length]"""


def tab_stops(page: Any, limit: int = 150) -> list[dict[str, Any]]:
    """Press Tab until focus leaves the page or comes round again; return what each press focused."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or (stops and stop["stop"] == stops[0]["stop"]):
            break
        stops.append(stop)
    return stops


def keyboard_problems(page: Any) -> list[str]:
    """Tab through a loaded page; return what is wrong: skip link, visible focus, reachable nav and switcher."""
    stops = tab_stops(page)
    if not stops:
        return ["nothing on the page takes keyboard focus"]
    problems = []
    if stops[0]["skip_target"] != "MAIN":
        problems.append(f"the first focus stop is not a skip link to <main>: {stops[0]['html']}")
    for stop in stops:
        if not (stop["outline"] or stop["shadow"]):
            problems.append(f"no visible focus indicator on {stop['html']}")
        if not stop["on_screen"]:
            problems.append(f"focused but off screen: {stop['html']}")
    problems += [f"not reachable by keyboard: {link}" for link in page.evaluate(UNREACHED_NAV_LINKS)]
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_keyboard_reaches_everything_on_the_home_page(browser: Any, real_server: PagesServer, lang: str,
                                                      width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{real_server.url}{lang}/")
    switcher, sections = page.evaluate(NAV_LINKS)
    assert switcher == 1 and sections >= 3, "the header has lost its language switcher or its navigation"
    problems = keyboard_problems(page)
    page.goto(f"{real_server.url}{lang}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    skipped_to = page.evaluate("document.activeElement.id")
    context.close()
    assert problems == []
    assert skipped_to == "main"


# -- Search: the box's results as you type and the search page, audited like every page ------------------

SEARCHES = (("en", "talent"), ("zh", "人才"))


def audit_open_search(page: Any) -> dict[View, list[str]]:
    """Run axe on the page as it is now (results showing) in every view; return the violations per view."""
    found = {}
    for width, scheme in VIEWS:
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        found[width, scheme] = describe_violations(run_axe(page))
    return found


@pytest.mark.browser
@pytest.mark.parametrize("lang, query", SEARCHES, ids=[lang for lang, _ in SEARCHES])
def test_search_results_pass_axe_and_fit_a_phone(browser: Any, real_server: PagesServer, lang: str,
                                                 query: str) -> None:
    require_tools("axe")
    context = browser.new_context(viewport={"width": PHONE, "height": 740})
    page = context.new_page()
    page.goto(f"{real_server.url}{lang}/")
    page.focus("header form.search-box input[type=search]")
    page.keyboard.type(query)
    page.wait_for_selector(".search-panel:not([hidden]) .search-hits a")
    widths = {scheme: page.evaluate("document.documentElement.scrollWidth") for scheme in SCHEMES
              if page.emulate_media(color_scheme=scheme) is None}  # type: ignore[arg-type]
    in_box = audit_open_search(page)
    assert page.is_visible(".search-panel .search-hits a"), "the results closed during the audit"
    page.goto(f"{real_server.url}{lang}/search/?q={query}")
    page.wait_for_selector("[data-search-results]:not([hidden]) .search-hits a")
    on_page = audit_open_search(page)
    context.close()
    assert {scheme: width for scheme, width in widths.items() if width > PHONE} == {}
    assert [f"box {view}: {v}" for view, found in in_box.items() for v in found] == []
    assert [f"page {view}: {v}" for view, found in on_page.items() for v in found] == []


# -- The checkers bite: each one fails on a deliberately broken page ---------------------------------


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesServer]:
    """Serve the broken fixture pages, plus a page whose stylesheet alone blows the weight budget."""
    root = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(FIXTURES, root)
    rule = ".filler { color: #111; }\n"
    (root / "heavy.css").write_text(rule * (MAX_PAGE_BYTES // len(rule) + 1), encoding="utf-8")
    page = (FIXTURES / "low-contrast.html").read_text(encoding="utf-8")
    (root / "oversized.html").write_text(page.replace("</title>", '</title>\n<link rel="stylesheet" href="heavy.css">'),
                                         encoding="utf-8")
    server = PagesServer(root)
    yield server
    server.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """Return a fresh light-scheme browser context at desktop width."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, color_scheme="light")
    yield context
    context.close()


@pytest.mark.browser
def test_axe_reports_a_missing_alt(context: Any, broken_server: PagesServer) -> None:
    require_tools("axe")
    violations = audit_page(context, broken_server.origin, "missing-alt.html", VIEWS[:1]).violations[VIEWS[0]]
    assert any(v.startswith("image-alt (critical)") for v in violations), violations


@pytest.mark.browser
def test_axe_reports_low_contrast(context: Any, broken_server: PagesServer) -> None:
    require_tools("axe")
    violations = audit_page(context, broken_server.origin, "low-contrast.html", VIEWS[:1]).violations[VIEWS[0]]
    assert any(v.startswith("color-contrast (serious)") for v in violations), violations


@pytest.mark.browser
def test_axe_reports_low_contrast_that_only_the_dark_scheme_has(context: Any, broken_server: PagesServer) -> None:
    require_tools("axe")
    found = audit_page(context, broken_server.origin, "low-contrast-dark.html").violations
    for width in WIDTHS:
        assert not any(v.startswith("color-contrast") for v in found[width, "light"]), found
        assert any(v.startswith("color-contrast (serious)") for v in found[width, "dark"]), found


@pytest.mark.browser
def test_request_log_reports_a_web_font_service(context: Any, broken_server: PagesServer) -> None:
    audit = audit_page(context, broken_server.origin, "external-font.html", views=())
    foreign = [r for r in audit.requests if is_foreign(r, broken_server.origin)]
    assert [urllib.parse.urlsplit(r).hostname for r in foreign] == ["fonts.googleapis.com"]


@pytest.mark.browser
def test_weight_budget_counts_what_a_page_loads(context: Any, broken_server: PagesServer) -> None:
    audit = audit_page(context, broken_server.origin, "oversized.html", views=())
    assert audit.weight > MAX_PAGE_BYTES
    assert audit.loaded[f"{broken_server.origin}/oversized.html"] < MAX_PAGE_BYTES  # the HTML alone is small


def test_weight_budget_leaves_out_data_files() -> None:
    origin = "http://127.0.0.1:8000"
    assert is_data(f"{origin}/data/facts.json") and is_data(f"{origin}/repo/data/facts.csv")
    assert not is_data(f"{origin}/static/style.css") and not is_data(f"{origin}/en/data-notes/")


@pytest.mark.browser
def test_width_check_reports_a_page_wider_than_a_phone(context: Any, broken_server: PagesServer) -> None:
    wide = audit_page(context, broken_server.origin, "too-wide.html", views=())
    fine = audit_page(context, broken_server.origin, "low-contrast.html", views=())
    assert all(wide.phone_width[scheme] > PHONE >= fine.phone_width[scheme] for scheme in SCHEMES)


@pytest.mark.browser
def test_keyboard_walk_reports_a_missing_skip_link_hidden_focus_and_an_unreachable_link(
        context: Any, broken_server: PagesServer) -> None:
    page = context.new_page()
    page.goto(f"{broken_server.url}bad-keyboard.html")
    problems = keyboard_problems(page)
    assert any(p.startswith("the first focus stop is not a skip link") for p in problems), problems
    assert any(p.startswith("no visible focus indicator") and "<a " in p for p in problems), problems
    assert any(p.startswith("no visible focus indicator") and "ghost" in p for p in problems), problems
    assert any(p.startswith("not reachable by keyboard") and "中文" in p for p in problems), problems


def test_is_foreign_compares_scheme_host_and_port() -> None:
    origin = "http://127.0.0.1:8000"
    assert not is_foreign(f"{origin}/static/style.css", origin)
    assert not is_foreign("data:image/svg+xml,<svg/>", origin)
    assert is_foreign("http://127.0.0.1:9000/x.css", origin)
    assert is_foreign("https://fonts.gstatic.com/s/notosanssc.woff2", origin)


def test_a_missing_tool_skips_locally_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "VNU", tmp_path / "missing" / "vnu.jar")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="vnu-jar is not installed"):
        require_tools("vnu")
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="vnu-jar is not installed"):
        require_tools("vnu")


# -- Markdown blocks: a page with every block (notes, details, tabs, footnotes, code, tables, images) ------

BLOCK_PAGES = tuple(f"{lang}/{name}/" for name in ("material", "github") for lang in ("en", "zh"))
OPEN_EVERYTHING = """() => document.querySelectorAll("details").forEach(d => { d.open = true; })"""


def test_nu_html_checker_passes_the_markdown_blocks(markdown_site: Path) -> None:
    require_tools("java", "vnu")
    files = [markdown_site / path / "index.html" for path in BLOCK_PAGES]
    files.append(markdown_site / "static/highlight.css")
    assert vnu_problems(run_vnu(files), markdown_site, VNU_ALLOWED_WARNINGS) == []


@pytest.mark.browser
def test_markdown_blocks_pass_axe_fit_a_phone_and_the_budget(browser: Any, markdown_server: PagesServer) -> None:
    require_tools("axe")
    context = browser.new_context()
    problems = []
    for path in BLOCK_PAGES:
        audit = audit_page(context, markdown_server.origin, path)
        problems += [f"{path} {view}: {v}" for view, found in audit.violations.items() for v in found]
        problems += [f"{path} {scheme}: {width}px wide" for scheme, width in audit.phone_width.items() if width > PHONE]
        if audit.weight > MAX_PAGE_BYTES:
            problems.append(f"{path}: {audit.weight} bytes")
        assert any(url.endswith("/static/highlight.css") for url in audit.loaded), "code styles are weighed too"
    # what is folded away and the second tab are audited too, in both schemes
    page = context.new_page()
    for path in BLOCK_PAGES:
        page.goto(f"{markdown_server.url}{path}")
        page.evaluate(OPEN_EVERYTHING)
        page.click(".tabbed-labels > label:nth-child(2)")
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            problems += [f"{path} opened, {scheme}: {v}" for v in describe_violations(run_axe(page))]
    context.close()
    assert problems == []
