"""Build the site, serve it, and save PNGs of the home and key-figures pages into docs/screenshots/.

Run: .venv/bin/python scripts/screenshots.py   (needs Debian's chromium and the playwright package)
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LANGUAGES = ("en", "zh")
WIDTHS = (390, 1280)
HEIGHTS = {390: 844, 1280: 800}  # a phone and a laptop screen: one viewport each, to keep the PNGs small
# (name, URL path under the language, width, colour scheme): every page light at both widths, the home page dark too
SHOTS = tuple((name, path, width, "light") for name, path in (("home", ""), ("key-figures", "key-figures/"))
              for width in WIDTHS) + (("home", "", 390, "dark"),)


def build(out: Path) -> None:
    """Build the repo's site into `out`; exit with the build's errors if it fails."""
    result = subprocess.run([sys.executable, "build.py", "build", "--out", str(out), "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """Serve `folder` on a free local port in a background thread."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def shot_name(page: str, lang: str, width: int, scheme: str) -> str:
    """Return the file name of one screenshot, e.g. home-zh-390.png or home-en-1280-dark.png."""
    return f"{page}-{lang}-{width}{'' if scheme == 'light' else '-' + scheme}.png"


def take_screenshots(origin: str, dest: Path) -> list[Path]:
    """Save every screenshot into `dest`; return the files written."""
    from playwright.sync_api import sync_playwright

    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_name, path, width, scheme in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]},
                                          color_scheme=scheme)  # type: ignore[arg-type]
            page = context.new_page()
            for lang in LANGUAGES:
                page.goto(f"{origin}/{lang}/{path}", wait_until="load")
                target = dest / shot_name(page_name, lang, width, scheme)
                page.screenshot(path=str(target))
                written.append(target)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Build, serve and photograph the site; print the files written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where to save the PNGs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site)
        server = serve(site)
        try:
            files = take_screenshots(f"http://127.0.0.1:{server.server_address[1]}", args.out)
        finally:
            server.shutdown()
    for file in files:
        print(f"{file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}  {file.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
