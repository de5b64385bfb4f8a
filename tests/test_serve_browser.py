"""Live reload in a real browser: the open page follows edits, CSS refreshes in place, errors come and go."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from conftest import copy_real_project
from test_serve import Served, break_facts, edit, serve  # noqa: F401 -- serve is a fixture

pytestmark = pytest.mark.browser
TIMEOUT_MS = 30_000
LIVERELOAD_QUIET = 3.5  # seconds: livereload ignores its watcher for 3 s after a reload


class LivePage:
    """A browser tab on the preview that counts its page loads and its live-reload connections."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.loads = 0  # navigations, counted when they commit: before the new page's text can show
        self.connections = 0  # livereload.js says 'info' once connected; only then does the server notify it
        page.on("framenavigated", self._navigated)
        page.on("websocket", lambda socket: socket.on("framesent", self._sent))
        page.goto(url)
        self.wait_connected()

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.loads += 1

    def _sent(self, payload: str | bytes) -> None:
        if '"command":"info"' in (payload if isinstance(payload, str) else payload.decode("utf-8", "replace")):
            self.connections += 1

    def wait_connected(self) -> None:
        """Wait until the page that is loaded now has its live-reload connection."""
        for _ in range(TIMEOUT_MS // 100):
            if self.connections >= self.loads:
                return
            self.page.wait_for_timeout(100)  # lets Playwright deliver the page's events
        pytest.fail(f"no live-reload connection after {self.loads} page loads")

    def wait_for_text(self, text: str) -> None:
        """Wait until the page (as reloaded by the server, never by the test) shows `text`."""
        from playwright.sync_api import expect
        expect(self.page.locator("body")).to_contain_text(text, timeout=TIMEOUT_MS)


@pytest.fixture
def live_page(browser: Any) -> Iterator[Callable[[str], LivePage]]:
    """Return a function opening a URL in a fresh browser context (closed after the test)."""
    contexts = []

    def open_page(url: str) -> LivePage:
        contexts.append(browser.new_context())
        return LivePage(contexts[-1].new_page(), url)

    yield open_page
    for context in contexts:
        context.close()


def test_the_open_page_reloads_by_itself_after_an_edit(serve: Callable[..., Served], tmp_path: Path,
                                                       live_page: Callable[[str], LivePage]) -> None:
    project = copy_real_project(tmp_path / "real")
    server = serve(project)
    tab = live_page(f"{server.origin}/en/")
    assert tab.loads == 1
    time.sleep(LIVERELOAD_QUIET)  # an editor pauses: livereload's own watcher would now send a reload too
    sentence = "A sentence the browser must show by itself, zq91."
    edit(project / "content/en/index.md", lambda text: text + f"\n{sentence}\n")
    tab.wait_for_text(sentence)
    assert tab.loads == 2  # one reload, after the rebuild: not one before it as well
    tab.wait_connected()
    time.sleep(LIVERELOAD_QUIET)
    second = "And a second edit, zq92."
    edit(project / "content/en/index.md", lambda text: text + f"\n{second}\n")
    tab.wait_for_text(second)
    assert tab.loads == 3
    assert server.stop(signal.SIGINT) == 0, server.output()  # Ctrl-C with a browser still connected
    assert server.stdout().splitlines()[-1] == "stopped", server.output()
    assert "Traceback" not in server.output(), server.output()


def test_a_stylesheet_edit_refreshes_css_without_reloading(serve: Callable[..., Served],
                                                           make_project: Callable[..., Path],
                                                           live_page: Callable[[str], LivePage]) -> None:
    project = make_project()
    server = serve(project)
    tab = live_page(f"{server.origin}/en/about/")
    probe = "getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'"
    assert not tab.page.evaluate(probe)
    tab.page.evaluate("window.__marker = 1")
    edit(project / "static/style.css", lambda text: text + "\nbody { outline: 7px solid rgb(1, 2, 3) !important; }\n")
    tab.page.wait_for_function(probe, timeout=TIMEOUT_MS)
    assert tab.page.evaluate("window.__marker") == 1  # the same document: the stylesheet alone was reloaded
    assert tab.loads == 1
    assert server.get("/static/style.css").text.endswith("rgb(1,2,3)!important}")  # published minified


def test_the_open_page_shows_a_broken_build_and_recovers(serve: Callable[..., Served],
                                                         make_project: Callable[..., Path],
                                                         live_page: Callable[[str], LivePage]) -> None:
    project = make_project()
    server = serve(project)
    tab = live_page(f"{server.origin}/en/")
    original = (project / "content/facts.yaml").read_text(encoding="utf-8")
    message = break_facts(project)
    tab.wait_for_text(message)
    assert tab.page.locator("h1").inner_text() == "Build failed"
    tab.wait_connected()  # the error page listens for the fix
    (project / "content/facts.yaml").write_text(original.replace("value: 1048", "value: 2048"), encoding="utf-8")
    tab.wait_for_text("2,048")
    assert "Build failed" not in tab.page.locator("body").inner_text()
    assert tab.page.url == f"{server.origin}/en/"
