"""The preview server: `python build.py serve` in a subprocess, its request paths, and its incremental rebuilds."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

from conftest import ROOT, copy_real_project, free_port, run_build, snapshot
from test_search import indexed
from microsite.errors import BuildFailed
from microsite.minify import minify
from microsite.pipeline import BuildOptions
from microsite.serve import Preview, resolve_request

T = TypeVar("T")
TIMEOUT = 30.0  # seconds: generous, for a loaded 2-core machine; livereload's watcher polls every 0.8 s
REBUILT_RE = re.compile(r"^rebuilt in \d+ ms: \d+ pages? rendered, \d+ files? written$", re.M)
PASSWD_LINE = "root:x:0:0:"  # what /etc/passwd starts with
BROKEN_TITLE = "title: About\n\tbroken: yes\n"  # front matter with a tab-indented line 3


def wait_for(check: Callable[[], T], what: str, timeout: float = TIMEOUT, details: Callable[[], str] = str) -> T:
    """Call `check` every 0.1 s until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}\n{details()}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Response:
    """What the server sent for one request."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """Return the body as text."""
        return self.body.decode("utf-8", errors="replace")


def request(port: int, path: str, method: str = "GET") -> Response | None:
    """Send `path` exactly as given (no normalising, unlike urllib); return None if nobody answers yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        reply = conn.getresponse()
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read())
    except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected, socket.timeout):
        return None
    finally:
        conn.close()


class Served:
    """A running `python build.py serve` with its terminal output captured in files."""

    def __init__(self, project: Path, args: tuple[str, ...], logs: Path) -> None:
        self.project = project
        self.port = free_port()
        args = tuple(arg.replace("{port}", str(self.port)) for arg in args)  # e.g. in --base-url
        logs.mkdir(parents=True)
        self.stdout_path, self.stderr_path = logs / "stdout", logs / "stderr"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port), *args],
                cwd=project, stdout=out, stderr=err, env={**os.environ, "PYTHONPATH": str(ROOT)})

    @property
    def origin(self) -> str:
        """Return http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    def stdout(self) -> str:
        """Return what the server printed to stdout so far."""
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        """Return what the server printed to stderr so far."""
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def output(self) -> str:
        """Return stdout and stderr, for failure messages."""
        return f"--- stdout\n{self.stdout()}--- stderr\n{self.stderr()}"

    def get(self, path: str, method: str = "GET") -> Response:
        """Request a path; fail if the server does not answer."""
        response = request(self.port, path, method)
        assert response is not None, f"no answer for {path}\n{self.output()}"
        return response

    def wait(self, check: Callable[[], T], what: str) -> T:
        """Wait until `check` holds, failing early (with the server's output) if the server exits."""
        def alive_check() -> T:
            assert self.process.poll() is None, f"the server exited while waiting for {what}\n{self.output()}"
            return check()
        return wait_for(alive_check, what, details=self.output)

    def wait_until_served(self, path: str, text: str, status: int = 200) -> Response:
        """Wait until `path` answers `status` with `text` in its body."""
        def check() -> Response | None:
            response = request(self.port, path)
            return response if response and response.status == status and text in response.text else None
        return self.wait(check, f"{path} to answer {status} with {text!r}")

    def rebuilds(self) -> int:
        """Return how many 'rebuilt in' lines the server printed."""
        return len(REBUILT_RE.findall(self.stdout()))

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Send `sig` (Ctrl-C by default) and return the exit code; kill the server if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Return a function starting `build.py serve` in a project and waiting until it answers; stops them all."""
    started: list[Served] = []

    def start(project: Path, *args: str) -> Served:
        server = Served(project, args, tmp_path / f"serve-{len(started)}")
        started.append(server)
        server.wait(lambda: request(server.port, "/"), f"the server to answer on port {server.port}")
        return server

    yield start
    for server in started:
        server.stop()


def edit(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a text file through `change`, as an editor saving it would."""
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def index_text(site: Path, url: str | None = None) -> str:
    """Return the text the search index holds (of one page URL, or all), '' while there is no index yet."""
    try:
        pages = indexed(site)
    except FileNotFoundError:  # not indexed yet, or a file replaced while read: ask again
        return ""
    return " ".join(page["content"] for key, page in pages.items() if url in (None, key))


def break_facts(project: Path) -> str:
    """Put a tab-indented line under the first fact's value; return the error the build must report."""
    path = project / "content/facts.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.lstrip().startswith("value:"))
    lines.insert(index + 1, "\tbroken: yes")
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"content/facts.yaml:{index + 2}: invalid YAML: found a tab character that violates indentation"


# -- the whole editing loop, in a subprocess ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["tiny", "real", "tiny --poll"])
def test_edit_break_and_fix_without_a_restart(serve: Callable[..., Served], make_project: Callable[..., Path],
                                              tmp_path: Path, kind: str) -> None:
    """Edits are found by file notifications (microsite/watch.py), or by polling every file with --poll."""
    project = copy_real_project(tmp_path / "real") if kind == "real" else make_project()
    server = serve(project, *(["--poll"] if kind.endswith("--poll") else []))
    assert f"serving http://127.0.0.1:{server.port}/ (Ctrl-C to stop)" in server.stdout()
    first = server.get("/en/")
    assert first.status == 200 and "<html lang=\"en\"" in first.text

    before_edit = snapshot(project / "site")
    sentence = "A sentence added while the preview runs, zq81."
    edit(project / "content/en/index.md", lambda text: text + f"\n{sentence}\n")
    server.wait_until_served("/en/", sentence)
    server.wait(lambda: server.rebuilds() >= 1, "the rebuild line")
    assert server.rebuilds() == 1, server.output()
    assert "rebuilt in" in server.stdout() and "2 pages rendered, 2 files written" in server.stdout()
    server.wait(lambda: sentence in index_text(project / "site"), "the search index to catch up")  # it re-indexes once edits pause, and must not change the site below
    good_site = snapshot(project / "site")
    assert good_site != before_edit  # so comparing snapshots does see a change
    css = minify("static/style.css", (project / "static/style.css").read_bytes())  # published minified

    message = break_facts(project)
    error = server.wait_until_served("/en/", "Build failed", status=500)
    assert message in error.text  # no HTML escaping needed for this message
    assert f"<li><code>{message}</code></li>" in error.text
    server.wait(lambda: message in server.stderr().splitlines(), f"{message!r} on the terminal")
    assert "build failed (1 error); still serving the last good site" in server.stderr()
    assert snapshot(project / "site") == good_site
    asset = server.get("/static/style.css")
    assert (asset.status, asset.body) == (200, css)
    assert server.get("/zh/").status == 500  # every page shows the error, not just the edited one

    edit(project / "content/facts.yaml", lambda text: text.replace("\n\tbroken: yes", ""))
    server.wait_until_served("/en/", sentence)
    assert server.get("/zh/").status == 200
    server.wait(lambda: server.rebuilds() >= 2, "the second rebuild line")
    assert server.rebuilds() == 2, server.output()
    assert "Traceback" not in server.output()


def test_a_broken_page_shows_the_error_page_until_fixed(serve: Callable[..., Served],
                                                        make_project: Callable[..., Path]) -> None:
    project = make_project()
    server = serve(project)
    page = project / "content/en/about/index.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original.replace("title: About\n", BROKEN_TITLE), encoding="utf-8")
    message = "content/en/about/index.md:3: invalid YAML: found a tab character that violates indentation"
    error = server.wait_until_served("/en/about/", "Build failed", status=500)
    assert message in error.text
    assert message in server.stderr().splitlines()
    page.write_text(original + "\nFixed, zq82.\n", encoding="utf-8")
    server.wait_until_served("/en/about/", "Fixed, zq82.")


def test_a_burst_of_saves_triggers_one_build(serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    project = make_project()
    server = serve(project)
    page = project / "content/en/about/index.md"
    original = page.read_text(encoding="utf-8")
    # The file notification comes once no file changed for 50 ms, and the server waits 50 ms more (150 ms
    # when it polls, every 0.8 s, where a look may come in the middle of the burst): one build either way.
    for n in range(5):  # an editor saving five times within about 50 ms
        page.write_text(original + f"\nSave number {n}.\n", encoding="utf-8")
        time.sleep(0.01)
    server.wait_until_served("/en/about/", "Save number 4.")
    # A later, separate edit: once it is served, the watcher has looked at every file after the burst.
    edit(project / "content/en/index.md", lambda text: text + "\nAfter the burst, zq83.\n")
    server.wait_until_served("/en/", "After the burst, zq83.")
    server.wait(lambda: server.rebuilds() >= 2, "the rebuild lines")
    assert server.rebuilds() == 2, server.output()


def test_search_catches_up_once_edits_pause(serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    project = make_project()
    server = serve(project)
    server.wait(lambda: "search index updated in" in server.stdout(), "the first search index")
    assert server.get("/pagefind/pagefind-entry.json").status == 200
    assert server.get("/en/search/").status == 200
    edit(project / "content/en/about/team.md", lambda text: text + "\nThe word quokkabird, zq84.\n")
    server.wait_until_served("/en/about/team/", "quokkabird")
    server.wait(lambda: "quokkabird" in index_text(project / "site", "/en/about/team/"), "the edit in the search index")
    lines = [line for line in server.stdout().splitlines() if line.startswith("search index updated in")]
    assert len(lines) >= 2 and all(re.fullmatch(r"search index updated in \d+\.\d\d s", line) for line in lines)
    bundle = {p.relative_to(project / "site").as_posix() for p in (project / "site/pagefind").rglob("*") if p.is_file()}
    fragments = [p for p in bundle if p.startswith("pagefind/fragment/en_")]
    assert len(fragments) == 4, bundle  # the old fragment of the edited page is gone
    server.stop()
    assert not list(project.glob("site.tmp-*")), "a work folder was left behind"


# -- what the server answers ---------------------------------------------------------------------------

ESCAPES = ["/../etc/passwd", "/../../../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
           "/..%2f..%2fetc%2fpasswd", "/%2e%2e%5c..%5cetc/passwd", "/..\\..\\etc/passwd", "//etc/passwd",
           "/%2fetc/passwd", "/static/../../site.yaml", "/static/%2e%2e/%2e%2e/site.yaml", "/en/../../site.yaml",
           "/static/evil", "/static/evil-dir/passwd", "/static/evil-dir/", "/static/evil-config",
           "/static/evil-dir", "/static/style.css%00.html", "/./site.yaml", "/static/%c0%ae%c0%ae/site.yaml",
           "/static/%ff/../../site.yaml"]


@pytest.fixture
def escaping_site(make_project: Callable[..., Path]) -> Path:
    """Return a built tiny project whose site/ holds symlinks pointing outside it."""
    project = make_project()
    assert run_build(project, "build").returncode == 0
    add_evil_links(project / "site")
    return project


def add_evil_links(site: Path) -> None:
    """Put symlinks to /etc/passwd, /etc and the project's site.yaml into site/static/."""
    (site / "static/evil").symlink_to("/etc/passwd")
    (site / "static/evil-dir").symlink_to("/etc", target_is_directory=True)
    (site / "static/evil-config").symlink_to(site.parent / "site.yaml")


def test_requests_cannot_escape_the_site(serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    project = make_project()
    server = serve(project)
    add_evil_links(project / "site")  # into the folder being served, after its build
    secrets = [PASSWD_LINE, "default_language:"]
    assert PASSWD_LINE in Path("/etc/passwd").read_text(encoding="utf-8")
    for path in ESCAPES:
        response = server.get(path)
        assert response.status == 404, f"{path} -> {response.status} {response.headers}"
        assert not any(secret in response.text for secret in secrets), path
    assert server.get("/static/style.css").status == 200  # the check above is not just a server refusing all


def test_resolve_request_refuses_every_escape(escaping_site: Path) -> None:
    out = escaping_site / "site"
    decoded = ["/../etc/passwd", "/../../etc/passwd", "/..//..//etc/passwd", "/..\\..\\etc/passwd",
               "//etc/passwd", "/static/../../site.yaml", "/static/evil", "/static/evil-dir/passwd",
               "/static/evil-dir/", "/static/evil-config", "/static/style.css\0.html", "/./index.html", "/en/./"]
    for path in decoded:  # request paths arrive percent-decoded: %2e%2e is '..', %2f is '/', %5c is '\'
        assert resolve_request(out, "/", path) is None, path
    root = out.resolve()
    assert resolve_request(out, "/", "/") == root / "index.html"
    assert resolve_request(out, "/", "/en/about/") == root / "en/about/index.html"
    assert resolve_request(out, "/", "/static/style.css") == root / "static/style.css"
    assert resolve_request(out, "/", "/en/about") is None  # a folder without its slash: the app redirects
    assert resolve_request(out, "/", "/en/missing/") is None


def test_resolve_request_under_a_base_path(escaping_site: Path) -> None:
    out, base = escaping_site / "site", "/beijing-ai/"
    root = out.resolve()
    assert resolve_request(out, base, "/beijing-ai/") == root / "index.html"
    assert resolve_request(out, base, "/beijing-ai/zh/") == root / "zh/index.html"
    for path in ["/", "/en/", "/static/style.css", "/beijing-ai", "/beijing-aix/en/", "/beijing-ai/../site.yaml",
                 "/beijing-ai//etc/passwd", "/beijing-ai/static/evil"]:
        assert resolve_request(out, base, path) is None, path


def test_serves_under_the_base_path(serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    server = serve(make_project(), "--base-url", "http://127.0.0.1:{port}/beijing-ai/")
    assert f"serving http://127.0.0.1:{server.port}/beijing-ai/ (Ctrl-C to stop)" in server.stdout()
    home = server.get("/beijing-ai/en/")
    assert home.status == 200 and 'href="/beijing-ai/static/style.css"' in home.text
    assert server.get("/beijing-ai/").status == 200
    assert server.get("/beijing-ai/static/style.css").status == 200
    for path, location in [("/", "/beijing-ai/"), ("/beijing-ai", "/beijing-ai/"),
                           ("/beijing-ai/en/about", "/beijing-ai/en/about/")]:
        response = server.get(path)
        assert (response.status, response.headers.get("location")) == (301, location), path
    for path in ["/en/", "/static/style.css", "/beijing-aix/", "/en/about", "/beijing-ai/en/nowhere/"]:
        response = server.get(path)
        assert response.status == 404, path
        assert "<html" in response.text  # the site's 404 page


def test_a_folder_without_its_slash_is_redirected(serve: Callable[..., Served],
                                                  make_project: Callable[..., Path]) -> None:
    server = serve(make_project())
    response = server.get("/en/about")
    assert (response.status, response.headers.get("location")) == (301, "/en/about/")
    assert server.get("/en/about/").status == 200
    assert server.get("/en/about/team").headers.get("location") == "/en/about/team/"
    assert server.get("/en/nowhere").status == 404


def test_serves_paths_that_are_not_ascii(serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    chart = '<svg xmlns="http://www.w3.org/2000/svg"><title>图表</title></svg>'
    page = "---\ntitle: Guanyu\n---\nNamed in Chinese.\n"
    server = serve(make_project({"static/图表.svg": chart, "content/en/关于.md": page}))
    response = server.get("/static/%E5%9B%BE%E8%A1%A8.svg")
    assert (response.status, response.text) == (200, chart)
    assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert "Named in Chinese." in server.get("/en/%E5%85%B3%E4%BA%8E/").text
    response = server.get("/en/%E5%85%B3%E4%BA%8E")
    assert (response.status, response.headers.get("location")) == (301, "/en/%E5%85%B3%E4%BA%8E/")
    assert server.get("/static/%E5%9B%BE.svg").status == 404
    assert server.get("/static/%ff.svg").status == 404  # not UTF-8


# -- starting and stopping -------------------------------------------------------------------------------

def test_a_taken_port_gives_one_line_and_exit_1(make_project: Callable[..., Path]) -> None:
    project = make_project()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_build(project, "serve", "--port", str(port), timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [f"port {port} on 127.0.0.1 is already in use; try --port {port + 1}"]
    assert "Traceback" not in result.stdout + result.stderr


def listening_addresses(port: int) -> set[str]:
    """Return the local addresses with a TCP socket listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for name in ("tcp", "tcp6"):
        table = Path("/proc/net", name)
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if name == "tcp":
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_binds_loopback_and_stops_cleanly_on_ctrl_c(serve: Callable[..., Served], make_project: Callable[..., Path],
                                                    signum: int) -> None:
    server = serve(make_project())
    assert server.get("/en/").status == 200  # through 127.0.0.1
    if Path("/proc/net/tcp").exists():
        assert listening_addresses(server.port) == {"127.0.0.1"}
    assert server.stop(signum) == 0, server.output()
    assert server.stdout().splitlines()[-1] == "stopped", server.output()
    assert "Traceback" not in server.output()
    assert request(server.port, "/") is None  # the port is free again


# -- incremental rebuilds, in process ---------------------------------------------------------------------

@pytest.fixture
def preview(make_project: Callable[..., Path]) -> Preview:
    """Return a Preview of the tiny project after its first build."""
    project = make_project()
    preview = Preview(project, BuildOptions(out=project / "site"))
    preview.build()
    return preview


def rebuild_after(preview: Preview, rel: str, change: Callable[[str], str]) -> tuple[tuple[str, ...], int]:
    """Edit one project file, rebuild, and return (the output files written or removed, pages rendered)."""
    edit(preview.root / rel, change)
    result = preview.rebuild()
    assert result is not None
    return result.changed, result.rendered


def out_text(preview: Preview, rel: str) -> str:
    """Return one output file's text."""
    return (preview.out / rel).read_text(encoding="utf-8")


def test_a_page_body_edit_rerenders_that_page_and_its_translation(preview: Preview) -> None:
    before = snapshot(preview.out)
    changed, rendered = rebuild_after(preview, "content/en/about/index.md", lambda t: t + "\nA new line, zq84.\n")
    assert changed == ("en/about/index.html", "zh/about/index.html")  # zh now says its source changed
    assert rendered == 2
    assert "zq84" in out_text(preview, "en/about/index.html")
    after = snapshot(preview.out)
    assert {path for path in before if before[path] != after[path]} == set(changed)
    changed, rendered = rebuild_after(preview, "content/zh/about/index.md", lambda t: t + "\n新的一句。\n")
    assert (changed, rendered) == (("zh/about/index.html",), 1)
    assert "新的一句。" in out_text(preview, "zh/about/index.html")


def test_a_title_edit_rerenders_the_pages_whose_nav_shows_it(preview: Preview) -> None:
    changed, _ = rebuild_after(preview, "content/en/about/index.md",
                               lambda t: t.replace("title: About", "title: About us"))
    en_pages = {"en/index.html", "en/figures/index.html", "en/about/index.html", "en/about/team/index.html"}
    assert en_pages <= set(changed)
    assert not {path for path in changed if path.startswith("zh/")}
    for path in en_pages:
        assert ">About us<" in out_text(preview, path), path


def test_a_fact_edit_rerenders_the_pages_citing_it(preview: Preview) -> None:
    changed, _ = rebuild_after(preview, "content/facts.yaml", lambda t: t.replace("value: 1048", "value: 2048"))
    assert set(changed) == {"en/index.html", "zh/index.html", "en/figures/index.html", "zh/figures/index.html",
                            "data/facts.json", "data/facts.csv"}
    assert "2,048" in out_text(preview, "en/index.html")
    assert "1,048" not in out_text(preview, "en/index.html")


def test_a_template_edit_rerenders_the_pages_using_it(preview: Preview) -> None:
    changed, _ = rebuild_after(preview, "templates/untranslated.html",
                               lambda t: t.replace("</h1>", "</h1>\n<p>Template probe zq85.</p>", 1))
    assert changed == ("zh/about/team/index.html",)  # the one 'not translated yet' page
    assert "zq85" in out_text(preview, "zh/about/team/index.html")
    changed, _ = rebuild_after(preview, "templates/page.html",
                               lambda t: t.replace('<div class="doc-body">', '<div class="doc-body"> zq86', 1))
    assert set(changed) == {"en/about/index.html", "en/about/team/index.html", "zh/about/index.html"}


def test_a_stylesheet_edit_writes_only_its_copy(preview: Preview) -> None:
    changed, rendered = rebuild_after(preview, "static/style.css", lambda t: t + "\nbody { color: red; }\n")
    assert (changed, rendered) == (("static/style.css",), 0)
    assert out_text(preview, "static/style.css").endswith("body{color:red}")  # published minified


def test_no_change_means_no_rebuild(preview: Preview) -> None:
    assert preview.rebuild() is None


def test_a_broken_page_edit_is_remembered_until_fixed(preview: Preview) -> None:
    page = preview.root / "content/en/about/index.md"
    original = page.read_text(encoding="utf-8")
    before = snapshot(preview.out)
    page.write_text(original.replace("title: About\n", BROKEN_TITLE), encoding="utf-8")
    with pytest.raises(BuildFailed):
        preview.rebuild()
    assert [str(e) for e in preview.errors] == [
        "content/en/about/index.md:3: invalid YAML: found a tab character that violates indentation"]
    assert snapshot(preview.out) == before
    page.write_text(original + "\nFixed.\n", encoding="utf-8")
    assert preview.rebuild() is not None and preview.errors == []
    assert "Fixed." in out_text(preview, "en/about/index.html")


def test_editor_scratch_files_do_not_force_a_full_build(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    full_builds = []
    build = preview.build
    monkeypatch.setattr(preview, "build", lambda stats=None: full_builds.append(1) or build(stats))
    for scratch in ("content/en/about/.index.md.swp", "content/en/about/index.md~", "content/en/.#index.md"):
        (preview.root / scratch).write_text("editor state", encoding="utf-8")
    changed, rendered = rebuild_after(preview, "content/en/about/index.md", lambda t: t + "\nEdited, kw31.\n")
    assert full_builds == [] and rendered == 2 and "kw31" in out_text(preview, "en/about/index.html")
    (preview.root / "content/en/about/index.md~").unlink()
    assert preview.rebuild() is None


def test_a_page_edit_checks_the_anchors_it_breaks_or_adds(preview: Preview) -> None:
    before = snapshot(preview.out)
    home = preview.root / "content/en/index.md"
    original = home.read_text(encoding="utf-8")
    home.write_text(original.replace("## About us", "## Who we are"), encoding="utf-8")  # en/about links #about-us
    with pytest.raises(BuildFailed):
        preview.rebuild()
    assert [str(e) for e in preview.errors] == [
        "content/en/about/index.md:9: link to '#about-us' on /en/: the page has no such heading or id; "
        "its ids: #home-figures, #who-we-are"]
    assert snapshot(preview.out) == before
    home.write_text(original, encoding="utf-8")
    assert preview.rebuild() is not None and preview.errors == []
    about = preview.root / "content/en/about/index.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSee [the count](../index.md#nowhere).\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        preview.rebuild()
    assert [str(e) for e in preview.errors] == [
        "content/en/about/index.md:11: link to '#nowhere' on /en/: the page has no such heading or id; "
        "its ids: #about-us, #home-figures"]
    assert snapshot(preview.out) == before


def test_a_link_added_in_one_edit_is_checked_when_its_target_changes_later(preview: Preview) -> None:
    """The preview's index of who links to whom (microsite/linkindex.py) follows each partial rebuild."""
    team = preview.root / "content/en/about/team.md"
    team.write_text(team.read_text(encoding="utf-8") + "\n## Our people\n\nNames.\n", encoding="utf-8")
    assert preview.rebuild() is not None and preview.errors == []
    home = preview.root / "content/en/index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\nMeet [our people](about/team.md#our-people).\n",
                    encoding="utf-8")
    assert preview.rebuild() is not None and preview.errors == []
    team.write_text(team.read_text(encoding="utf-8").replace("## Our people", "## Our staff"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        preview.rebuild()
    line = home.read_text(encoding="utf-8").splitlines().index(
        "Meet [our people](about/team.md#our-people).") + 1
    assert [str(e) for e in preview.errors] == [
        f"content/en/index.md:{line}: link to '#our-people' on /en/about/team/: the page has no such heading or id; "
        "its ids: #our-staff"]


def test_an_edit_behind_a_folder_linked_while_serving_is_seen(serve: Callable[..., Served],
                                                             make_project: Callable[..., Path]) -> None:
    """A link made while the preview runs is not followed by file notifications: the preview then polls too."""
    project = make_project({"notes/ideas.md": "---\ntitle: Ideas\n---\nFirst idea.\n"})
    server = serve(project)
    (project / "content/en/notes").symlink_to("../../notes", target_is_directory=True)
    server.wait_until_served("/en/notes/ideas/", "First idea.")
    edit(project / "notes/ideas.md", lambda text: text.replace("First idea.", "Second idea, kw72."))
    server.wait_until_served("/en/notes/ideas/", "Second idea, kw72.")
    assert "Traceback" not in server.output()
