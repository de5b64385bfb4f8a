"""Shared fixtures: tiny projects in tmp_path, the real site built once, a GitHub-Pages-like server, a browser."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Debian's chromium by default; CHROMIUM points elsewhere (e.g. Ubuntu runners' chromium-browser or chrome).
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(path).exists()), "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

TINY_SITE_YAML = """\
base_url: https://example.org/
default_language: en
languages:
  - {code: en, html_lang: en, name: English, locale: en}
  - {code: zh, html_lang: zh-CN, name: 中文, locale: zh_Hans_CN, compact_numbers: true}
title: {en: Tiny site, zh: 小站}
description: {en: A tiny test site, zh: 测试小站}
facts_page: figures
"""

TINY_FACTS = """\
sources:
  survey:
    title: {en: The survey, zh: 调查}
    publisher: {en: Survey office, zh: 调查办公室}
    author: unknown
    date: unknown
    url: unknown
units:
  firms: {en: "", zh: 家}
facts:
  firms:
    value: 1048
    unit: firms
    as_of: 2022-10
    label: {en: Firms, zh: 企业}
    source: survey
  firm_share:
    value: 0.29
    unit: share
    as_of: 2022-10
    label: {en: Share of firms, zh: 企业占比}
    source: survey
charts:
  shares:
    kind: share
    facts: [firm_share]
    title: {en: Shares, zh: 占比}
"""


def tiny_files() -> dict[str, str]:
    """Return the files of a tiny two-language project (templates, strings and static come from the repo)."""
    from microsite.model import body_stamp

    en_home = "Welcome. We count {{fact:firms}} firms.\n\n## About us\n\nSee [the figures](figures.md).\n"
    en_figures = "All figures.\n\n{{chart:shares}}\n"
    en_about = "About this site.\n\n## 团队 and people\n\nBack [home](../index.md#about-us).\n"
    return {
        "site.yaml": TINY_SITE_YAML,
        "content/facts.yaml": TINY_FACTS,
        "content/en/index.md": f"---\ntitle: Home\ntemplate: home.html\n---\n{en_home}",
        "content/zh/index.md": f"---\ntitle: 首页\ntemplate: home.html\ntranslation_of: {body_stamp(en_home)}\n---\n"
                               "欢迎。我们统计了{{fact:firms}}企业。\n\n## 关于我们\n\n参见[数据](figures.md)。\n",
        "content/en/figures.md": f"---\ntitle: Figures\nweight: 20\ntemplate: key-figures.html\n---\n{en_figures}",
        "content/zh/figures.md": f"---\ntitle: 数据\nweight: 20\ntemplate: key-figures.html\n"
                                 f"translation_of: {body_stamp(en_figures)}\n---\n全部数据。\n\n{{{{chart:shares}}}}\n",
        "content/en/about/index.md": f"---\ntitle: About\nweight: 10\n---\n{en_about}",
        "content/zh/about/index.md": f"---\ntitle: 关于\nweight: 10\ntranslation_of: {body_stamp(en_about)}\n---\n"
                                     "关于本站。\n\n## 团队与AI成员\n\n返回[首页](../index.md#关于我们)。\n",
        "content/en/about/team.md": "---\ntitle: Team\nweight: 5\n---\nThe team.\n",
    }


def write_project(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write a project: the repo's templates, static and strings, then `files` (None deletes a file)."""
    for folder in ("templates", "static", "content/strings"):
        shutil.copytree(ROOT / folder, root / folder, dirs_exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Return a function writing the tiny project (plus or minus some files) into tmp_path/project."""
    def make(files: dict[str, str | bytes | None] | None = None, base: dict[str, str] | None = None) -> Path:
        return write_project(tmp_path / "project", {**(tiny_files() if base is None else base), **(files or {})})
    return make


def copy_real_project(dest: Path) -> Path:
    """Copy the repo's real site sources (no output, no cache) to `dest`."""
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, dest / folder)
    shutil.copy(ROOT / "site.yaml", dest / "site.yaml")
    return dest


def run_build(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` in a project folder, as an editor would."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=project, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes, to prove a folder was left untouched."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the repo's real content once, into a temporary folder; return the output folder."""
    project = copy_real_project(tmp_path_factory.mktemp("real") / "project")
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    return project / "out"


def require(condition: bool, message: str) -> None:
    """Skip when a test tool is missing on a developer machine; fail in CI, where it must be installed."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI is set: install it, see .ci/run)")
        pytest.skip(message)


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a folder like GitHub Pages: under a base path, no directory listings, /404.html for misses."""

    base_path = "/"
    root = Path(".")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(self.base_path):
            return self._not_found()
        rel = urllib.parse.unquote(path[len(self.base_path):])
        target = (self.root / rel).resolve()
        if self.root.resolve() not in [target, *target.parents]:
            return self._not_found()
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            target = target / "index.html"
        if not target.is_file():
            return self._not_found()
        handle = open(target, "rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Length", str(target.stat().st_size))
        self.end_headers()
        return handle

    def _not_found(self):  # type: ignore[no-untyped-def]
        page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Bytes(body)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        import io
        self._io = io.BytesIO(data)

    def read(self, *args: int) -> bytes:
        return self._io.read(*args)

    def close(self) -> None:
        self._io.close()


class PagesServer:
    """A running GitHub-Pages-like server; `url` is where the site's base path is served."""

    def __init__(self, root: Path, base_path: str = "/", port: int = 0) -> None:
        handler = type("Handler", (PagesHandler,), {"root": root, "base_path": base_path})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = self.origin + base_path
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def real_server(real_site: Path) -> Iterator[PagesServer]:
    """Serve the real site at / on a free port (its base_url in site.yaml is http://127.0.0.1:8000/)."""
    server = PagesServer(real_site)
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Return a headless Debian chromium driven by Playwright."""
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright package is not installed")
        raise
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


MARKDOWN_FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def markdown_files() -> dict[str, str | bytes]:
    """Return the tiny project plus pages in MkDocs Material and GitHub syntax (tests/fixtures/markdown/),
    in both languages, with an image beside them and a shared one in content/assets/."""
    from microsite.model import body_stamp

    files: dict[str, str | bytes] = dict(tiny_files())
    # names the Chinese pages use as they are, for check's typography lint
    files["site.yaml"] = TINY_SITE_YAML + "lint:\n  allow_latin: [Python, Linux, Windows, Markdown, HTML]\n"
    for name in ("material", "github"):
        en = (MARKDOWN_FIXTURES / f"{name}.en.md").read_text(encoding="utf-8")
        zh = (MARKDOWN_FIXTURES / f"{name}.zh.md").read_text(encoding="utf-8")
        files[f"content/en/{name}.md"] = en
        en_body = en.split("\n---\n", 1)[1]
        head, zh_body = zh.split("\n---\n", 1)  # the Chinese page translates the English one: stamp it
        files[f"content/zh/{name}.md"] = f"{head}\ntranslation_of: {body_stamp(en_body)}\n---\n{zh_body}"
    for lang in ("en", "zh"):
        files[f"content/{lang}/build-flow.png"] = (MARKDOWN_FIXTURES / "build-flow.png").read_bytes()
    files["content/assets/area-map.svg"] = (MARKDOWN_FIXTURES / "area-map.svg").read_bytes()
    return files


@pytest.fixture(scope="session")
def markdown_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the Markdown-blocks project (markdown_files()) once; return the output folder."""
    project = write_project(tmp_path_factory.mktemp("markdown") / "project", markdown_files())
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    return project / "out"


@pytest.fixture(scope="session")
def markdown_server(markdown_site: Path) -> Iterator[PagesServer]:
    """Serve the Markdown-blocks site at / on a free port."""
    server = PagesServer(markdown_site)
    yield server
    server.close()


class _MemoryBytecodeCache:
    """Jinja's compiled templates kept in memory across the many in-process builds of one test module.

    Only a speed-up for tests: Jinja keys each entry by the template's name and source checksum.
    """

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.store: dict[str, bytes] = {}

            def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                if bucket.key in self.store:
                    bucket.bytecode_from_string(self.store[bucket.key])

            def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                self.store[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()


@pytest.fixture(scope="module")
def fast_templates() -> Iterator[None]:
    """Share compiled templates between in-process builds (a module's worth of tiny builds in seconds)."""
    import microsite.pipeline
    import microsite.templates

    cache = _MemoryBytecodeCache().cache
    original = microsite.templates.make_environment

    def make_environment(*args, **kwargs):  # type: ignore[no-untyped-def]
        env = original(*args, **kwargs)
        env.bytecode_cache = cache
        return env

    microsite.pipeline.make_environment = make_environment
    yield
    microsite.pipeline.make_environment = original
