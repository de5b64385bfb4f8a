"""build(root, options): load, check, render, write. Nothing reaches the output folder unless all succeeds."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import jinja2

from . import memo
from .cache import CACHE_DIR, BodyCache, load_manifest, save_manifest, still_there
from .check import check_anchors, check_facts_page, check_templates, check_translations
from .config import load_config
from .content import load_pages
from .errors import BuildError, BuildFailed, raise_if
from .facts import load_facts
from .i18n import load_strings
from .jobs import Outcome, RenderState, deps_fingerprint, plan_jobs, reusable, run_jobs, store, worker_count
from .model import Site, digest
from .outputs import render_extras
from .render import Renderer, load_templates, make_environment
from .translations import MISSING, OUTDATED, all_statuses
from .write import Writer, check_out_dir, clean_leftovers, discard, move_into, new_staging, safe_output_path, swap

SPECIAL_TEMPLATES = {"index.html": "root.html", "404.html": "404.html"}


@dataclass(frozen=True)
class BuildOptions:
    """How to build: where to, for which base URL, how strictly, with what help."""

    out: Path
    base_url: str | None = None
    strict: bool = False
    jobs: int | None = None  # worker processes; None: one per core
    cache: bool = True
    progress: bool = False
    in_place: bool = False  # the preview server: replace changed files inside `out`, file by file


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the summary line and for `check`."""

    site: Site
    out: Path
    seconds: float
    rendered: int  # outputs rendered this time
    written: int  # files whose bytes changed
    warnings: tuple[BuildError, ...]
    refs: dict[tuple[str, str], set[str]] = field(hash=False)  # (lang, slug) -> facts and charts cited
    changed: tuple[str, ...] = ()  # output paths written or removed
    outdated: int = 0  # translations whose source changed since they were stamped
    missing: int = 0  # pages shown as 'not translated yet'

    @property
    def pages_per_language(self) -> dict[str, int]:
        counts = {code: 0 for code in self.site.config.codes}
        for page in self.site.pages:
            counts[page.lang] += 1
        return counts

    def counts(self) -> dict[str, Any]:
        """Return what the summary line reports, as plain data (kept by the no-change shortcut)."""
        return {"pages": self.pages_per_language, "outdated": self.outdated, "missing": self.missing}

    def summary(self, shown_out: Path | None = None) -> str:
        """Return the one line a build ends with."""
        work = f"{self.rendered} rendered, {self.written} files written"
        return memo.summary_line(self.counts(), self.seconds, work, shown_out or self.out)


def load_site(root: Path, base_url: str | None = None) -> tuple[Site, jinja2.Environment]:
    """Load settings, pages, facts, UI strings and templates; report every error together."""
    config = load_config(root, base_url)
    errors: list[BuildError] = []
    loaded: dict[str, Any] = {}
    env = make_environment(config.templates_dir)
    steps = {"pages": lambda: load_pages(config), "facts": lambda: load_facts(config),
             "strings": lambda: load_strings(config),
             "templates": lambda: load_templates(env, config.templates_dir)}
    for name, step in steps.items():
        try:
            loaded[name] = step()
        except BuildFailed as exc:
            errors.extend(exc.errors)
    raise_if(errors)
    site = Site(config, tuple(loaded["pages"]), loaded["facts"], loaded["strings"], loaded["templates"])
    return site, env


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock so a preview server and a CLI build never write at the same time."""
    lock_dir = root / CACHE_DIR
    lock_dir.mkdir(exist_ok=True)
    with open(lock_dir / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(root: Path, options: BuildOptions) -> BuildResult:
    """Build the site in `root` into `options.out`; raise BuildFailed, leaving the output untouched."""
    started = time.perf_counter()
    use_memo = options.cache and not options.in_place
    stats = memo.snapshot(root) if use_memo else []
    site, env = load_site(root, options.base_url)
    warnings = check_translations(site)
    raise_if(check_templates(site) + check_facts_page(site) + (warnings if options.strict else []))
    out = options.out if options.out.is_absolute() else root / options.out
    raise_if(check_out_dir(out, root))
    with build_lock(root):
        if not options.in_place:
            clean_leftovers(out)
        manifest = load_manifest(root, out) if options.cache else {}
        result = _render_and_write(site, env, out, manifest, options, warnings, started)
        if use_memo:
            memo.save(root, out, memo.settings(options.base_url, options.strict), stats, result.counts())
        return result


def _render_and_write(site: Site, env: jinja2.Environment, out: Path, manifest: dict[str, dict[str, Any]],
                      options: BuildOptions, warnings: list[BuildError], started: float) -> BuildResult:
    renderer = Renderer(site, env)
    jobs = plan_jobs(site, renderer)
    staging = new_staging(out)
    state = RenderState(site, renderer, BodyCache(site.config.root, options.cache), Writer(staging), manifest, out)
    try:
        todo = [job for job in jobs if not reusable(job, manifest.get(job.out_path), out, site, renderer)]
        fresh = {o.out_path: o for o in run_jobs(state, todo, worker_count(options.jobs, len(todo)), options.progress)}
        raise_if([error for o in fresh.values() for error in o.errors])
        outcomes = {job.out_path: fresh.get(job.out_path) or _from_manifest(job.out_path, manifest[job.out_path])
                    for job in jobs}
        raise_if(check_anchors(site, {k: set(o.links) for k, o in outcomes.items()},
                               {k: set(o.ids) for k, o in outcomes.items()}))
        outcomes.update(_write_specials(state))
        outcomes.update(_copy_static(state))
        new_manifest = {path: o.manifest_entry(deps_fingerprint(o.deps, site, renderer))
                        for path, o in sorted(outcomes.items())}
        written = [path for path, o in outcomes.items() if o.written]
        removed = sorted(set(manifest) - set(outcomes))
        if options.in_place and out.exists():
            move_into(staging, out, written, removed)
        else:
            for path, o in outcomes.items():
                if not o.written:
                    state.writer.link(path, out / path)
            swap(staging, out)
    except BaseException:
        discard(staging)
        raise
    if options.cache:
        save_manifest(site.config.root, out, new_manifest)
    refs = {}
    for job in jobs:
        if job.kind == "page":
            deps = outcomes[job.out_path].deps
            refs[job.lang, job.slug] = {d[5:] for d in deps if d.startswith("fact:")}
    states = [status.state for status in renderer.statuses.values()]
    return BuildResult(site, out, time.perf_counter() - started, len(fresh), len(written), tuple(warnings), refs,
                       tuple(sorted(written + removed)), states.count(OUTDATED), states.count(MISSING))


def _from_manifest(path: str, entry: dict[str, Any]) -> Outcome:
    return Outcome(path, entry["key"], entry["hash"], entry["size"], entry["mtime"], False, tuple(entry.get("deps", ())),
                   tuple(entry.get("ids", ())), tuple(tuple(link) for link in entry.get("links", ())))


def _write_specials(state: RenderState) -> dict[str, Outcome]:
    """Render the root language chooser, the 404 page, the sitemap and the other extras."""
    site, renderer = state.site, state.renderer
    outcomes = {}
    default = site.config.default_lang
    for out_path, template in SPECIAL_TEMPLATES.items():
        if template in site.templates:
            html = renderer.render_template(template, renderer.special_context(default, template),
                                            f"templates/{template}")
            outcomes[out_path] = store(state, out_path, html.encode("utf-8"))
    for out_path, text in render_extras(site).items():
        outcomes[out_path] = store(state, out_path, text.encode("utf-8"))
    return outcomes


def _copy_static(state: RenderState) -> dict[str, Outcome]:
    """Copy static/ into static/ of the output; files that did not change are kept, not copied."""
    static_dir = state.site.config.static_dir
    root = state.site.config.root.resolve()
    outcomes, errors = {}, []
    if not static_dir.is_dir():
        return {}
    for folder, dirs, files in os.walk(static_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            rel = "static/" + path.relative_to(static_dir).as_posix()
            real = path.resolve()
            if root not in real.parents or safe_output_path(rel) is None:
                errors.append(BuildError(rel, None, "points outside the project; static files must live in static/"))
                continue
            st = real.stat()
            key = digest(f"{rel}|{st.st_size}|{st.st_mtime_ns}")
            entry = state.manifest.get(rel)
            if entry and entry.get("key") == key and still_there(state.out, rel, entry):
                outcomes[rel] = Outcome(rel, key, entry["hash"], entry["size"], entry["mtime"], False)
            else:
                outcomes[rel] = store(state, rel, real.read_bytes(), key)
    raise_if(errors)
    return outcomes
