"""Run Lighthouse on the home, key-figures and heaviest content page in each language; print the four scores.

Run: .venv/bin/python benchmarks/lighthouse.py [--desktop] [--json FILE]
Needs `npm ci` (lighthouse 12.2.3 is a devDependency) and Debian's chromium (CHROME_PATH, default /usr/bin/chromium).
Not a test: scores depend on the machine. The README records a run.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """Serve `folder` (which may not exist yet) on a free local port in a background thread."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build(out: Path, base_url: str) -> None:
    """Build the repo's site into `out` for `base_url`, so canonical links point at the local server."""
    result = subprocess.run([sys.executable, "build.py", "build", "--out", str(out), "--base-url", base_url,
                             "--no-cache"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        sys.exit(result.stderr)


def facts_slug(site: Path, lang: str) -> str:
    """Return the URL path of the key-figures page, read from the home page's 'all figures' link."""
    home = (site / lang / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<a class="more" href="/([^"#]*)"', home)
    return match.group(1).removeprefix(f"{lang}/") if match else "key-figures/"


def heaviest_page(site: Path, skip: set[str]) -> str:
    """Return the slug of the largest page that exists in every language (the worst case for speed)."""
    langs = sorted(p.name for p in site.iterdir() if p.is_dir() and (p / "index.html").is_file())
    sizes = {}
    for page in (site / langs[0]).rglob("index.html"):
        folder = page.parent.relative_to(site / langs[0]).as_posix()
        slug = "" if folder == "." else folder + "/"
        if slug not in skip and all((site / lang / slug / "index.html").is_file() for lang in langs):
            sizes[slug] = page.stat().st_size
    return max(sorted(sizes), key=sizes.__getitem__)


def run_lighthouse(url: str, desktop: bool) -> dict[str, object]:
    """Run Lighthouse once on `url` in headless chromium; return its JSON report."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    command = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"]
    if desktop:
        command.append("--preset=desktop")
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    if result.returncode != 0:
        sys.exit(f"lighthouse failed on {url}:\n{result.stderr}")
    return json.loads(result.stdout)


def scores(report: dict) -> dict[str, int]:
    """Return the four category scores of a report, 0-100."""
    return {key: round((report["categories"][key]["score"] or 0) * 100) for key in CATEGORIES}


def lost_points(report: dict) -> list[str]:
    """Return the audits that cost points, as 'category: audit title'."""
    lost = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{key}: {audit['title']} ({audit.get('displayValue', audit['score'])})")
    return lost


def table(rows: list[tuple[str, dict[str, int]]]) -> str:
    """Return the scores as a Markdown table."""
    lines = ["| Page | Performance | Accessibility | Best practices | SEO |", "|---|---:|---:|---:|---:|"]
    lines += [f"| `{page}` | " + " | ".join(str(s[key]) for key in CATEGORIES) + " |" for page, s in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build, serve and audit the site; print the score table and what lost points."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktop", action="store_true", help="use Lighthouse's desktop preset (default: mobile)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the scores as JSON")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.is_file():
        sys.exit("lighthouse is not installed: run `npm ci`")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        server = serve(site)
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            build(site, origin + "/")
            key_figures = facts_slug(site, "en")
            pages = ["", key_figures, heaviest_page(site, {"", key_figures})]
            rows, notes = [], []
            for lang in ("en", "zh"):
                for slug in pages:
                    path = f"/{lang}/{slug}"
                    report = run_lighthouse(origin + path, args.desktop)
                    rows.append((path, scores(report)))
                    notes += [f"{path}: {note}" for note in lost_points(report)]
                    print(f"{path}: " + ", ".join(f"{k} {v}" for k, v in rows[-1][1].items()), file=sys.stderr)
        finally:
            server.shutdown()
    print(f"Lighthouse 12.2.3, {'desktop' if args.desktop else 'mobile'} preset, Debian chromium, served locally:\n")
    print(table(rows))
    if notes:
        print("\nAudits that cost points:\n" + "\n".join(f"- {note}" for note in notes))
    if args.json:
        args.json.write_text(json.dumps(dict(rows), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
