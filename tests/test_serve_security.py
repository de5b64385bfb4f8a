"""The preview against a hostile web page, odd requests and failing rebuilds (issue 15, defects 7 and 9).

A page on another site can make the browser send requests to 127.0.0.1 under its own host name (DNS
rebinding) and open the live-reload socket; the preview must answer neither. It must answer HEAD with
GET's length, treat /en/index.html/ and over-long names as missing, keep answering while a rebuild
renders, and show every failure of a rebuild, expected or not, on the error page.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from conftest import free_port
from test_serve_hostile import get, handshake
from microsite.errors import BuildFailed
from microsite.pipeline import BuildOptions
from microsite.serve import Preview, Rebuilds, SiteApp
from microsite.serve_http import host_name, make_application, name_allowed, origin_allowed


class LiveServer:
    """The preview's tornado application, serving a built tiny project from a thread of this process."""

    def __init__(self, project: Path, host: str = "127.0.0.1") -> None:
        from tornado.httpserver import HTTPServer
        from tornado.ioloop import IOLoop
        from tornado.netutil import bind_sockets

        self.preview = Preview(project, BuildOptions(out=project / "site"))
        self.preview.build()
        self.port = free_port()
        self.outcomes: list[Any] = []
        self.finished = threading.Event()
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(asyncio.new_event_loop())
            self.loop = IOLoop.current()
            server = HTTPServer(make_application(SiteApp(self.preview), host))
            server.add_sockets(bind_sockets(self.port, "127.0.0.1"))
            self.rebuilds = Rebuilds(self.preview, self.loop, self._done)
            started.set()
            self.loop.start()
            server.stop()
            self.rebuilds.close()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert started.wait(10)

    def _done(self, changed: list[str], outcome: Any) -> None:
        self.outcomes.append(outcome)
        self.finished.set()

    def rebuild(self) -> None:
        """Ask for a rebuild, as the file watcher does (on the server's loop)."""
        self.finished.clear()
        self.loop.add_callback(self.rebuilds.request)

    def stop(self) -> None:
        self.loop.add_callback(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def live(make_project: Callable[..., Path]) -> Iterator[LiveServer]:
    server = LiveServer(make_project())
    yield server
    server.stop()


# -- who the preview answers -------------------------------------------------------------------------------------

def test_only_loopback_host_names_are_answered(live: LiveServer) -> None:
    port = live.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}",
                 f"docs.localhost:{port}", f"127.0.0.2:{port}", "localhost"):
        status, _, body = get(port, "/en/", host)
        assert status == 200 and b"<html" in body, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"localhost.evil:{port}",
                 "", f"10.0.0.1:{port}", f"[::2]:{port}"):
        status, _, body = get(port, "/en/", host)
        assert status == 403 and b"<html" not in body, host
        assert b"only to localhost" in body
    for host in (f"localhost:{port}@evil.example", "local host", f"localhost:{port}/x"):  # tornado refuses these
        status, _, body = get(port, "/en/", host)
        assert status in (400, 403) and b"<html" not in body
    assert get(port, "/en/", None)[0] in (400, 403)  # no Host at all (tornado refuses it for HTTP/1.1)
    assert get(port, "/livereload.js", f"evil.example:{port}")[0] == 403
    assert get(port, "/livereload.js", f"127.0.0.1:{port}")[0] == 200


def test_error_pages_are_not_shown_to_other_hosts(live: LiveServer) -> None:
    page = live.preview.root / "content/en/about/team.md"
    page.write_text("---\ntitle: [broken\n---\nx\n", encoding="utf-8")
    live.rebuild()
    assert live.finished.wait(30)
    status, _, body = get(live.port, "/en/", f"127.0.0.1:{live.port}")
    assert status == 500 and b"content/en/about/team.md:2: invalid YAML" in body
    status, _, body = get(live.port, "/en/", f"attacker.example:{live.port}")
    assert status == 403 and b"team.md" not in body and str(live.preview.root).encode() not in body


def test_the_live_reload_socket_checks_origin_and_host(live: LiveServer) -> None:
    port, host = live.port, f"127.0.0.1:{live.port}"
    assert " 101 " in handshake(port, host, f"http://127.0.0.1:{port}")
    assert " 101 " in handshake(port, f"localhost:{port}", f"http://localhost:{port}")
    assert " 101 " in handshake(port, host, None)  # not a browser: no page to protect
    for origin in ("http://evil.example", f"http://evil.example:{port}", "null", "file://", f"http://127.0.0.1.evil:{port}"):
        assert " 403 " in handshake(port, host, origin), origin
    assert " 403 " in handshake(port, f"evil.example:{port}", f"http://evil.example:{port}")


def test_host_parsing() -> None:
    assert host_name("localhost:8000") == "localhost" and host_name("[::1]:8000") == "::1"
    assert host_name("Example.ORG.") == "example.org"
    for bad in ("", "a b", "a:b", "[::1", "[::1]x", "a/b", "u@h", None):
        assert host_name(bad) is None, bad
    allowed = frozenset({"localhost", "127.0.0.1", "::1", "preview.lan"})
    assert name_allowed("preview.lan", allowed) and not name_allowed("lan", allowed)
    assert origin_allowed("http://preview.lan:8000", allowed) and not origin_allowed("ftp://localhost", allowed)


def test_the_host_given_with_host_is_answered(make_project: Callable[..., Path]) -> None:
    server = LiveServer(make_project(), host="preview.lan")
    try:
        assert get(server.port, "/en/", f"preview.lan:{server.port}")[0] == 200
        assert get(server.port, "/en/", f"other.lan:{server.port}")[0] == 403
        assert " 101 " in handshake(server.port, f"preview.lan:{server.port}", f"http://preview.lan:{server.port}")
    finally:
        server.stop()


# -- odd requests ------------------------------------------------------------------------------------------------

def test_head_has_the_length_of_get(live: LiveServer) -> None:
    host = f"127.0.0.1:{live.port}"
    for path in ("/en/", "/static/style.css", "/en/nowhere/", "/"):
        status, headers, body = get(live.port, path, host)
        head_status, head_headers, head_body = get(live.port, path, host, method="HEAD")
        assert head_status == status and head_body == b""
        assert int(head_headers["content-length"]) == len(body) > 0, path
        assert head_headers["content-type"] == headers["content-type"]


def test_a_file_with_a_slash_is_not_found(live: LiveServer) -> None:
    host = f"127.0.0.1:{live.port}"
    assert get(live.port, "/en/index.html", host)[0] == 200
    for path in ("/en/index.html/", "/static/style.css/", "/en/about/index.html/x"):
        status, _, body = get(live.port, path, host)
        assert status == 404 and b"<html" in body, path


def test_over_long_names_are_not_found(live: LiveServer) -> None:
    host = f"127.0.0.1:{live.port}"
    for path in ("/en/" + "a" * 256 + "/", "/" + "x" * 300, "/en/" + "%E4%B8%AD" * 90 + "/", "/a/" * 2000):
        status, _, body = get(live.port, path, host)
        assert status == 404, path
        assert b"Traceback" not in body


# -- rebuilds -----------------------------------------------------------------------------------------------------

def test_requests_are_answered_while_a_page_renders(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from microsite.render import Renderer

    rendering, release = threading.Event(), threading.Event()
    convert = Renderer.convert

    def slow_convert(self: Renderer, page: Any) -> Any:
        if "Slow page" in page.body:
            rendering.set()
            release.wait(30)  # a page that takes as long as the test likes
        return convert(self, page)

    monkeypatch.setattr(Renderer, "convert", slow_convert)
    page = live.preview.root / "content/en/about/team.md"
    page.write_text("---\ntitle: Team\nweight: 5\n---\nSlow page.\n", encoding="utf-8")
    live.rebuild()
    assert rendering.wait(30), "the rebuild did not start"
    started = time.monotonic()
    for path in ("/en/", "/static/style.css", "/en/about/team/"):
        status, _, body = get(live.port, path, f"127.0.0.1:{live.port}", timeout=5)
        assert status == 200 and b"Slow page" not in body  # the last good site, while the new one renders
    assert time.monotonic() - started < 5
    page.write_text("---\ntitle: Team\nweight: 5\n---\nSlow page, saved again.\n", encoding="utf-8")
    live.loop.add_callback(live.rebuilds.request)  # a save during the rebuild: one more rebuild, right after
    release.set()
    deadline = time.monotonic() + 30
    while b"saved again" not in get(live.port, "/en/about/team/", f"127.0.0.1:{live.port}")[2]:
        assert time.monotonic() < deadline, live.outcomes
        time.sleep(0.05)


@pytest.mark.parametrize("error", [KeyError("nav"), RecursionError("maximum recursion depth exceeded"),
                                   ZeroDivisionError("division by zero")])
def test_an_unexpected_error_reaches_the_error_page(live: LiveServer, monkeypatch: pytest.MonkeyPatch,
                                                    error: Exception) -> None:
    from microsite.render import Renderer

    def broken(self: Renderer, *args: Any) -> Any:
        raise error

    monkeypatch.setattr(Renderer, "page_context", broken)
    page = live.preview.root / "content/en/about/team.md"
    page.write_text("---\ntitle: Team\nweight: 5\n---\nAn edit.\n", encoding="utf-8")
    live.rebuild()
    assert live.finished.wait(30)
    assert isinstance(live.outcomes[-1], list)  # errors, not a crash of the rebuild thread
    status, _, body = get(live.port, "/en/", f"127.0.0.1:{live.port}")
    text = body.decode()
    assert status == 500 and "Build failed" in text
    assert f"unexpected {type(error).__name__}" in text and "microsite/" in text and "Traceback" not in text
    monkeypatch.undo()
    page.write_text("---\ntitle: Team\nweight: 5\n---\nFixed.\n", encoding="utf-8")
    live.rebuild()
    assert live.finished.wait(30)
    assert get(live.port, "/en/about/team/", f"127.0.0.1:{live.port}")[0] == 200


def test_an_unexpected_error_in_the_first_build_is_kept(make_project: Callable[..., Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from microsite import pipeline

    monkeypatch.setattr(pipeline, "check_translations", lambda *args: {}["boom"])
    preview = Preview(make_project(), BuildOptions(out=Path("site")))
    with pytest.raises(BuildFailed):
        preview.build()
    assert len(preview.errors) == 1
    assert str(preview.errors[0]).startswith("microsite/") and "unexpected KeyError: 'boom'" in str(preview.errors[0])
