"""The real `python build.py serve` (a subprocess) against a hostile page and inputs that once crashed a rebuild.

The same promises as test_serve_security.py, through the command an editor runs: other Host names and
Origins get nothing, HEAD carries GET's length, odd paths are 404, and a rebuild that fails in a way no check
foresaw still turns the browser's page into the error page.
"""

from __future__ import annotations

import http.client
import socket
from pathlib import Path
from typing import Callable

from test_serve import Served, serve  # noqa: F401 -- the fixture that starts `build.py serve`


def get(port: int, path: str, host: str | None = None, method: str = "GET",
        headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send one request with exactly this Host header (None: none at all); return status, headers, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        conn.putheader("Host", host)
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    reply = conn.getresponse()
    body = reply.read()
    conn.close()
    return reply.status, {k.lower(): v for k, v in reply.getheaders()}, body


def handshake(port: int, host: str, origin: str | None) -> str:
    """Open the live-reload WebSocket as a browser would; return the status line of the answer."""
    lines = ["GET /livereload HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_another_host_name_gets_nothing(serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    server = serve(make_project())
    assert get(server.port, "/en/", f"127.0.0.1:{server.port}")[0] == 200
    status, _, body = get(server.port, "/en/", f"rebound.attacker.example:{server.port}")
    assert status == 403 and b"<html" not in body
    assert " 403 " in handshake(server.port, f"127.0.0.1:{server.port}", "http://attacker.example")
    assert " 101 " in handshake(server.port, f"127.0.0.1:{server.port}", f"http://127.0.0.1:{server.port}")


def test_head_and_odd_paths(serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    server = serve(make_project())
    host = f"127.0.0.1:{server.port}"
    _, _, body = get(server.port, "/en/", host)
    status, headers, head_body = get(server.port, "/en/", host, method="HEAD")
    assert (status, head_body, int(headers["content-length"])) == (200, b"", len(body))
    assert get(server.port, "/en/index.html/", host)[0] == 404
    status, _, body = get(server.port, "/en/" + "x" * 256 + "/", host)
    assert status == 404 and b"Traceback" not in body
    assert "Traceback" not in server.output()


def test_rebuild_failures_that_used_to_crash_reach_the_browser(serve: Callable[..., Served],
                                                               make_project: Callable[..., Path]) -> None:
    project = make_project()
    server = serve(project)
    facts = project / "content/facts.yaml"
    good = facts.read_text(encoding="utf-8")
    facts.write_text(good + "notes: " + "[" * 300 + "]" * 300 + "\n", encoding="utf-8")  # RecursionError once
    page = server.wait_until_served("/en/", "Build failed", status=500)
    assert "content/facts.yaml:28: nested more than 50 levels deep" in page.text
    facts.write_text(good, encoding="utf-8")
    server.wait_until_served("/en/", "firms", status=200)
    strings = project / "content/strings/en.yaml"
    strings.write_text(strings.read_text(encoding="utf-8").replace('fact_value: "{number}{suffix}"',
                                                                   'fact_value: "{nope}"'), encoding="utf-8")
    page = server.wait_until_served("/en/", "Build failed", status=500)  # a KeyError once
    assert "string &#x27;fact_value&#x27;: unknown placeholder {nope}" in page.text
    assert "Traceback" not in server.output()


def test_a_file_name_file_notifications_cannot_carry_still_reaches_the_browser(
        serve: Callable[..., Served], make_project: Callable[..., Path]) -> None:
    """watchfiles cannot name a Latin-1 file name: the server then polls, and the build's error is shown."""
    project = make_project()
    server = serve(project)
    with open(bytes(project / "content/en") + b"/caf\xe9.md", "wb") as handle:
        handle.write(b"---\ntitle: Cafe\n---\nA page.\n")
    page = server.wait_until_served("/en/", "Build failed", status=500)
    assert "content/en/caf\\xe9.md: the name is not UTF-8" in page.text
    (project / "content/en/caf\udce9.md").unlink()  # the name as Python spells those bytes
    server.wait_until_served("/en/", "firms", status=200)
    assert "Traceback" not in server.output()
