"""The preview server: live reload, rebuilds of just what an edit affects, errors shown in the browser.

It serves the output folder under base_url's path, as GitHub Pages would. A broken edit never stops
it: the terminal and the browser show `path:line: message`, the last good site stays on disk, and
the page reloads by itself once the file is fixed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import errno
import logging
import mimetypes
import signal
import sys
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from . import watch
from .errorpage import error_page
from .errors import BuildError, BuildFailed, unexpected_error
from .pipeline import BuildOptions, BuildResult, build_lock
from .preview import Preview
from .search import IdleIndexer
from .transdiff import DIFF_PREFIX, render_diff_page

__all__ = ["Preview", "Rebuilds", "SiteApp", "resolve_request", "serve"]

DEBOUNCE_SECONDS = 0.15  # a burst of saves within this window triggers one build (when polling)
# After a file notification, which itself comes once no file changed for watch.STEP_MS (50 ms): a shorter wait.
NOTIFIED_DEBOUNCE_SECONDS = 0.05
WATCH_INTERVAL_MS = 800  # how often the preview looks at every input file, when it polls
StartResponse = Callable[[str, list[tuple[str, str]]], Any]
MAX_SEGMENT = 255  # bytes in one path segment: longer names cannot exist on disk


# -- serving ----------------------------------------------------------------------------------------

def resolve_request(out: Path, base_path: str, path: str) -> Path | None:
    """Return the file a request path names inside `out`, or None if it is missing or would escape.

    `path` is already percent-decoded, so %2e%2e and %2f arrive here as '..' and '/'.
    """
    if not path.startswith(base_path) or "\0" in path or "\\" in path:
        return None
    rel = path[len(base_path):]
    parts = [part for part in rel.split("/") if part]
    if rel.startswith("/") or any(part in (".", "..") or len(part.encode()) > MAX_SEGMENT for part in parts):
        return None
    try:
        root = out.resolve()
        target = root.joinpath(*parts).resolve() if parts else root
        if target != root and root not in target.parents:
            return None  # a symlink that points outside the site
        if target.is_dir():
            if not path.endswith("/"):
                return None  # the caller redirects to the folder's URL with its slash, as GitHub Pages does
            target = target / "index.html"
        elif path.endswith("/"):
            return None  # /en/index.html/ is not a page (GitHub Pages answers 404 too)
        return target if target.is_file() and root in target.resolve().parents else None
    except OSError:  # a name too long, a symlink loop, a folder that cannot be read
        return None


def request_path(environ: dict[str, Any]) -> str:
    """Return the request's percent-decoded path as text: WSGI passes its bytes as Latin-1, URLs use UTF-8."""
    return (environ.get("PATH_INFO") or "/").encode("latin-1").decode("utf-8", errors="replace")


class SiteApp:
    """A WSGI app serving the output folder under the base path, or the error page after a failed build."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            return self._answer(environ, start_response)
        except Exception as exc:  # noqa: BLE001 -- one odd request must not show a traceback, or stop the server
            body = f"The preview could not answer this request: {type(exc).__name__}\n".encode()
            return self._respond(start_response, "500 Internal Server Error", body, "text/plain")

    def _answer(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """Answer one GET or HEAD (the server sends HEAD the same headers, without the body)."""
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return self._respond(start_response, "405 Method Not Allowed", b"", "text/plain")
        path = request_path(environ)
        base = self.preview.base_path
        if path.startswith(base + DIFF_PREFIX):  # what changed in a source: the outdated notice links here
            status, page = render_diff_page(self.preview.root, path[len(base + DIFF_PREFIX):])
            return self._respond(start_response, status, page, "text/html")
        if self.preview.errors and (path.endswith("/") or path.endswith(".html")):
            page = error_page(self.preview.errors, path, base, self.preview.site)
            return self._respond(start_response, "500 Build Failed", page, "text/html")
        if path == "/" and base != "/":
            return self._redirect(start_response, base)
        target = resolve_request(self.preview.out, base, path)
        if target is None:
            folder = resolve_request(self.preview.out, base, path + "/") if not path.endswith("/") else None
            if folder is not None:
                return self._redirect(start_response, quote(path + "/"))
            page = self.preview.out / "404.html"
            body = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>Not found</title>Not found"
            return self._respond(start_response, "404 Not Found", body, "text/html")
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        try:
            body = target.read_bytes()
        except OSError:  # replaced by a rebuild between finding and reading it: the next request finds it
            return self._respond(start_response, "503 Service Unavailable", b"Rebuilding, try again\n", "text/plain")
        return self._respond(start_response, "200 OK", body, kind)

    @staticmethod
    def _respond(start_response: StartResponse, status: str, body: bytes, kind: str) -> list[bytes]:
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                 ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [body]

    @staticmethod
    def _redirect(start_response: StartResponse, location: str) -> list[bytes]:
        start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
        return [b""]


def _print_result(result: BuildResult) -> None:
    _print_warnings(result)
    print(f"rebuilt in {result.seconds * 1000:.0f} ms: {_count(result.rendered, 'page')} rendered, "
          f"{_count(result.written, 'file')} written", flush=True)


def _print_warnings(result: BuildResult) -> None:
    for warning in result.link_warnings:  # --links warn: broken links do not stop the preview, and are not hidden
        print(f"warning: {warning}", file=sys.stderr, flush=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_errors(errors: list[BuildError], served: bool) -> None:
    for error in errors:
        print(error, file=sys.stderr, flush=True)
    tail = "still serving the last good site" if served else "nothing to serve until it builds"
    print(f"build failed ({len(errors)} error{'s' if len(errors) != 1 else ''}); {tail}", file=sys.stderr, flush=True)


def reload_path(changed: list[str], root: Path) -> str:
    """Return what the browser should reload: a stylesheet path alone (CSS refresh), else the page."""
    rels = [Path(p).relative_to(root).as_posix() if Path(p).is_absolute() else p for p in changed]
    if rels and all(rel.startswith("static/") and rel.endswith(".css") for rel in rels):
        return rels[0]
    return "*"


def listen_error(exc: OSError, host: str, port: int) -> str:
    """Return the one line explaining why the server cannot listen on host:port."""
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; try --port {port + 1}"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


class Rebuilds:
    """Runs rebuilds one at a time in a worker thread, so the server answers requests while pages render.

    `done(changed, outcome)` runs on the server's loop afterwards: outcome is the BuildResult, None
    (nothing to do) or the errors. Saves during a rebuild queue one more rebuild, run right after.
    """

    def __init__(self, preview: Preview, loop: Any, done: Callable[[list[str], Any], None],
                 hint: Callable[[], set[str] | None] = lambda: None) -> None:
        self.preview, self.loop, self.done, self.hint = preview, loop, done, hint
        self.executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="rebuild")
        self.running = self.again = False

    def request(self) -> None:
        """Start a rebuild now, or right after the one that is running (call on the loop)."""
        if self.running:
            self.again = True
            return
        self.running, self.again = True, False
        future = self.loop.run_in_executor(self.executor, self._run)
        future.add_done_callback(self._finished)

    def _run(self) -> tuple[list[str], Any]:
        try:
            result = self.preview.rebuild(self.hint())
            return self.preview.changed, result
        except BuildFailed as exc:
            return [], exc.errors
        except Exception as exc:  # noqa: BLE001 -- e.g. reading the inputs' stats failed: show it, keep serving
            self.preview.errors = [unexpected_error(exc)]
            return [], self.preview.errors

    def _finished(self, future: Any) -> None:
        self.running = False
        self.done(*future.result())
        if self.again:
            self.request()

    def close(self) -> None:
        """Wait for a running rebuild to finish (it publishes atomically, but its manifest is saved after)."""
        self.executor.shutdown(wait=True, cancel_futures=True)


def serve(root: Path, args: argparse.Namespace) -> int:
    """Build, serve with live reload, rebuild on every change; return the exit code."""
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado import ioloop

    from .serve_http import make_application

    options = BuildOptions(out=args.out, base_url=args.base_url, strict=args.strict, jobs=args.jobs,
                           cache=not args.no_cache, links=args.links, search=not args.no_search)
    preview = Preview(root, options)
    logging.getLogger("livereload").setLevel(logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # the error page's 500s: errors print once
    LiveReloadHandler.watcher = Watcher()  # livereload's handler names its `filepath`; it never polls here
    try:  # before the first build, so a taken port is reported at once
        make_application(SiteApp(preview), args.host).listen(args.port, address=args.host)
    except OSError as exc:
        print(listen_error(exc, args.host, args.port), file=sys.stderr)
        return 1
    loop = ioloop.IOLoop.current()
    # Before the first build's scan of every input, so no edit falls between the two; None: poll instead.
    events = None if args.poll else watch.start(root, lambda: loop.add_callback(on_event))
    search = IdleIndexer(preview, loop, lambda: build_lock(root), lambda line: print(line, flush=True))
    try:
        result = preview.build()
        _print_warnings(result)
        print(result.summary(shown_out=args.out), flush=True)
        search.after_build()
    except BuildFailed as exc:
        _print_errors(exc.errors, served=False)

    def done(changed: list[str], outcome: Any) -> None:
        if preview.has_links():  # notifications may not follow a link: look at every file too
            poll()
        if isinstance(outcome, list):
            _print_errors(outcome, served=preview.site is not None)
            LiveReloadHandler.reload_waiters("*")
        elif outcome is not None:
            _print_result(outcome)
            LiveReloadHandler.reload_waiters(reload_path(changed, root))
            search.after_build()

    rebuilds = Rebuilds(preview, loop, done, hint=lambda: events.take() if events is not None else None)
    pending: list[Any] = []
    polling: list[Any] = []

    def rebuild() -> None:
        pending.clear()
        rebuilds.request()

    def schedule(delay: float = DEBOUNCE_SECONDS) -> None:
        for handle in pending:
            loop.remove_timeout(handle)
        pending[:] = [loop.call_later(delay, rebuild)]

    def look() -> None:
        if not rebuilds.running and preview.stale():
            schedule()

    def poll() -> None:
        """Look at every input file every WATCH_INTERVAL_MS: without file notifications, or once they fail.

        Compared with what the last build saw, not with the previous look, so nothing that changed while
        notifications were failing is missed.
        """
        if not polling:
            polling.append(ioloop.PeriodicCallback(look, WATCH_INTERVAL_MS))
            polling[0].start()

    def on_event() -> None:
        if events is not None and events.failed:
            poll()
        schedule(NOTIFIED_DEBOUNCE_SECONDS)

    if events is None or preview.has_links():
        poll()
    base = preview.base_path
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Stop between two callbacks: a KeyboardInterrupt could land mid-build, or in a finalizer that swallows it.
        loop.asyncio_loop.add_signal_handler(signum, loop.stop)
    print(f"serving http://{args.host}:{args.port}{base} (Ctrl-C to stop)", flush=True)
    try:
        loop.start()
    finally:
        if events is not None:
            events.close()
        rebuilds.close()
        preview.save()
    print("\nstopped", flush=True)
    return 0
