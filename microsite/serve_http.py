"""The preview's HTTP layer: who it answers, the live-reload socket, HEAD, and the script it injects.

A web page the editor happens to open must not read the preview: with DNS rebinding, a hostile
site's own name can point at 127.0.0.1, and a browser would then send its requests (and open the
live-reload socket) to the preview. So every request must name a loopback host (or the one given
with --host) in its Host header, and the socket's Origin must be such a page too.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httputil, web
from tornado.wsgi import WSGIContainer

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
HEAD_END = b"</head>"
# livereload's own snippet: it loads the client from whichever host and port served the page
LIVE_SCRIPT = (b'<script>(function(){var s=document.createElement("script");var port=window.location.port||'
               b'(window.location.protocol=="https:"?443:80);s.src="//"+window.location.hostname+":"+port+'
               b'"/livereload.js?port="+port;document.head.appendChild(s);})();</script>')
FORBIDDEN = (b"This preview answers only to localhost, 127.0.0.1 and [::1] (and the --host it was started with).\n")


def allowed_hosts(host: str) -> frozenset[str]:
    """Return the host names the preview answers to: loopback names and the address it listens on."""
    name = host.strip().strip("[]").lower()
    return LOOPBACK_NAMES | ({name} if name else set())


def host_name(header: str | None) -> str | None:
    """Return the host name of a Host header ('localhost:8000' -> 'localhost', '[::1]:8000' -> '::1')."""
    if not header or any(ch.isspace() for ch in header) or "@" in header or "/" in header:
        return None
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return name.lower()
    name, _, port = header.partition(":")
    if port and not port.isdigit():
        return None
    return name.lower().rstrip(".") or None


def name_allowed(name: str | None, allowed: Iterable[str]) -> bool:
    """Return whether a host name is one the preview answers to (any *.localhost and 127.x.y.z count)."""
    if not name:
        return False
    if name in allowed or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str | None, allowed: Iterable[str]) -> bool:
    """Return whether a WebSocket's Origin is a page of the preview itself."""
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and name_allowed(host_name(parts.netloc), allowed)


class HostGuard:
    """A tornado handler mixin: requests whose Host is not an allowed name get 403 before anything else."""

    allowed: frozenset[str] = LOOPBACK_NAMES

    def prepare(self) -> None:
        if not name_allowed(host_name(self.request.headers.get("Host")), self.allowed):  # type: ignore[attr-defined]
            self.set_status(403)  # type: ignore[attr-defined]
            self.finish(FORBIDDEN)  # type: ignore[attr-defined]


class GuardedLiveReload(HostGuard, LiveReloadHandler):
    """livereload's socket, for pages of the preview only (livereload itself accepts any Origin)."""

    def check_origin(self, origin: str) -> bool:
        return origin_allowed(origin, self.allowed)


class GuardedLiveReloadJS(HostGuard, LiveReloadJSHandler):
    """livereload's client script, for the allowed host names only."""


class PreviewContainer:
    """Runs the preview's WSGI app for one request: Host checked, live-reload script injected, HEAD sized as GET."""

    def __init__(self, app: Callable[..., Any], allowed: frozenset[str]) -> None:
        self.app, self.allowed = app, allowed
        self.wsgi = WSGIContainer(app)

    def __call__(self, request: httputil.HTTPServerRequest) -> None:
        if not name_allowed(host_name(request.headers.get("Host")), self.allowed):
            self._send(request, 403, "Forbidden", [("Content-Type", "text/plain; charset=utf-8")], FORBIDDEN)
            return
        data: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            data["status"], data["headers"] = status, headers
            return lambda chunk: None

        body = b"".join(self.app(self.wsgi.environ(request), start_response))
        code, _, reason = data["status"].partition(" ")
        headers = [(k, v) for k, v in data["headers"] if k.lower() != "content-length"]
        if any(k.lower() == "content-type" and "html" in v for k, v in headers) and HEAD_END in body:
            body = body.replace(HEAD_END, LIVE_SCRIPT + HEAD_END, 1)
        self._send(request, int(code), reason, headers, body)

    @staticmethod
    def _send(request: httputil.HTTPServerRequest, code: int, reason: str, headers: list[tuple[str, str]],
              body: bytes) -> None:
        """Write the response; HEAD gets GET's headers, its real Content-Length included, and no body."""
        header_obj = httputil.HTTPHeaders()
        for key, value in headers:
            header_obj.add(key, value)
        header_obj["Content-Length"] = str(len(body))
        assert request.connection is not None
        start = httputil.ResponseStartLine("HTTP/1.1", code, reason)
        request.connection.write_headers(start, header_obj, b"" if request.method == "HEAD" else body)
        request.connection.finish()


def make_application(app: Callable[..., Any], host: str, live_css: bool = True) -> web.Application:
    """Return the tornado application of the preview: the live-reload socket and script, then the site."""
    allowed = allowed_hosts(host)
    socket = type("Socket", (GuardedLiveReload,), {"allowed": allowed})
    script = type("Script", (GuardedLiveReloadJS,), {"allowed": allowed})
    LiveReloadHandler.live_css = live_css
    return web.Application([(r"/livereload", socket), (r"/livereload\.js", script),
                            (r".*", web.FallbackHandler, {"fallback": PreviewContainer(app, allowed)})])
