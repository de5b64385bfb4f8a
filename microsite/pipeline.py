"""build(root, options): load, check, render, write. Nothing reaches the output folder unless all succeeds."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

import jinja2

from . import memo
from .cache import CACHE_DIR, BodyCache, load_manifest, save_manifest
from .check import check_anchors, check_facts_page, check_templates, check_translations
from .config import load_config
from .content import load_pages
from .errors import BuildError, BuildFailed, raise_if
from .facts import load_facts
from .i18n import load_strings
from .jobs import Job, Outcome, RenderState, plan_jobs, reusable, run_jobs, store
from .model import Page, Site, digest
from .outputs import check_outputs, render_extras, render_page_extras
from .parallel import worker_count
from .render import Renderer
from .search import IndexRun, publish_order, search_outputs
from .sharing import check_share_images
from .templates import load_templates, make_environment
from .translations import MISSING, OUTDATED
from .write import Writer, check_out_dir, clean_leftovers, commit, discard, new_staging, remove, safe_output_path

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
    preview: bool = False  # the preview server: keep converted pages in memory, save the manifest on exit
    throwaway: bool = False  # the output is a temporary folder (check): record no manifest or memo for it
    search: bool = True  # index the pages with Pagefind (never for a throwaway build)


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
    rendered_paths: tuple[str, ...] = ()  # the outputs rendered this time
    workers: int = 1  # processes that rendered them
    index_seconds: float = 0.0  # Pagefind's time, when this build re-indexed

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
        processes = f" in {self.workers} processes" if self.workers > 1 else ""
        work = f"{self.rendered} rendered{processes}, {self.written} files written"
        work += f", search index {self.index_seconds:.2f} s" if self.index_seconds else ""
        return memo.summary_line(self.counts(), self.seconds, work, shown_out or self.out)


def load_site(root: Path, base_url: str | None = None,
              reuse: dict[str, tuple[int, int, Page]] | None = None) -> tuple[Site, jinja2.Environment]:
    """Load settings, pages, facts, UI strings and templates; report every error together.

    `reuse` maps page files to (size, mtime, Page) from an earlier load; it is updated in place.
    """
    config = load_config(root, base_url)
    errors: list[BuildError] = []
    loaded: dict[str, Any] = {}
    env = make_environment(config.templates_dir)
    steps = {"pages": lambda: load_pages(config, reuse), "facts": lambda: load_facts(config),
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
    return Builder(root, options).build()


class Builder:
    """Builds one project into one folder. The preview server keeps one alive, so rebuilds reuse its state."""

    def __init__(self, root: Path, options: BuildOptions) -> None:
        self.root = root
        self.options = options
        self.out = options.out if options.out.is_absolute() else root / options.out
        self.cache = BodyCache(root, options.cache)
        self.records: dict[str, Outcome] | None = None  # the last build's outputs (its manifest)
        self.loaded: dict[str, tuple[int, int, Page]] = {}  # page file -> size, mtime, Page
        self.site: Site | None = None
        self.renderer: Renderer | None = None

    def load(self) -> tuple[Site, jinja2.Environment]:
        """Load the project; the preview reuses pages whose files did not change since the last load."""
        site, env = load_site(self.root, self.options.base_url, self.loaded if self.options.preview else None)
        return site, env

    def build(self) -> BuildResult:
        """Load everything, render what changed, and replace the output folder on success."""
        started = time.perf_counter()
        options = self.options
        use_memo = options.cache and not options.preview and not options.throwaway
        stats = memo.snapshot(self.root) if use_memo else []
        site, env = self.load()
        renderer = Renderer(site, env)
        warnings = check_translations(site, renderer.statuses.values())
        raise_if(check_templates(site) + check_facts_page(site) + renderer.front_matter_errors()
                 + check_share_images(site) + check_outputs(site) + (warnings if options.strict else []))
        raise_if(check_out_dir(self.out, self.root))
        with build_lock(self.root):
            clean_leftovers(self.out)
            if self.records is None:
                self.records = _load_records(self.root, self.out) if options.cache and not options.throwaway else {}
            result = self.render_and_write(site, renderer, plan_jobs(site, renderer), warnings, started)
            if use_memo:
                outputs = {path: [o.size, o.mtime] for path, o in (self.records or {}).items()}
                memo.save(self.root, self.out, memo.settings(options.base_url, options.strict, options.search), stats,
                          result.counts(), outputs)
        return result

    def render_and_write(self, site: Site, renderer: Renderer, jobs: list[Job], warnings: list[BuildError],
                         started: float, extras: bool = True) -> BuildResult:
        """Render the jobs whose output changed, check anchors, write; `extras` also redoes sitemap, static, etc."""
        options, out, previous = self.options, self.out, self.records or {}
        staging = new_staging(out)
        state = RenderState(site, renderer, self.cache, Writer(staging), previous, out, keep_in_memory=options.preview)
        index = IndexRun({})
        try:
            todo = [job for job in jobs if not reusable(job, previous.get(job.out_path), out, site, renderer)]
            workers = worker_count(options.jobs, len(todo))
            fresh = {o.out_path: o for o in run_jobs(state, todo, workers, options.progress)}
            raise_if([error for o in fresh.values() for error in o.errors])
            if extras:  # a full build: what is not planned now is gone
                outcomes = {job.out_path: previous[job.out_path] for job in jobs if job.out_path in previous}
            else:
                outcomes = dict(previous)
            outcomes.update(fresh)
            raise_if(check_anchors(site, outcomes, None if extras else {job.slug for job in jobs}))
            if extras:
                outcomes.update(_write_specials(state))
                outcomes.update(_copy_static(state))
                index = search_outputs(state, outcomes, [job.out_path for job in jobs if job.kind == "page"],
                                       options.search and not options.throwaway, options.preview)
                outcomes.update(index.outcomes)
            written = sorted((path for path, o in outcomes.items() if o.written), key=publish_order)
            removed = sorted(set(previous) - set(outcomes))
        except BaseException:
            discard(staging)
            raise
        commit(staging, out, written, set(outcomes) if extras else None)
        if not extras:
            remove(out, removed)
        self.records = {path: replace(o, written=False) if o.written else o for path, o in sorted(outcomes.items())}
        if options.cache and not options.preview and not options.throwaway:
            self.save()
        self.site, self.renderer = site, renderer
        refs = {(job.lang, job.slug): cited_facts(site, self.records[job.out_path].deps)
                for job in jobs if job.kind == "page"}
        states = [status.state for status in renderer.statuses.values()]
        return BuildResult(site, out, time.perf_counter() - started, len(fresh), len(written), tuple(warnings), refs,
                           tuple(sorted(set(written) | set(removed))), states.count(OUTDATED), states.count(MISSING),
                           tuple(sorted(fresh)), workers, index.seconds)

    def save(self) -> None:
        """Write the manifest of the last build to .cache/ (the preview server does this when it stops)."""
        if self.options.cache and self.records is not None:
            save_manifest(self.root, self.out, {path: o.to_entry() for path, o in self.records.items()})


def cited_facts(site: Site, deps: tuple[str, ...]) -> set[str]:
    """Return the facts a page shows in its body, directly or in a chart."""
    facts = {dep[5:] for dep in deps if dep.startswith("fact:")}
    for dep in deps:
        chart = site.facts.charts.get(dep[6:]) if dep.startswith("chart:") else None
        facts.update(chart.facts if chart else ())
    return facts


def _load_records(root: Path, out: Path) -> dict[str, Outcome]:
    """Return the outputs the last build recorded, or {} when the manifest is missing or unusable."""
    try:
        return {path: Outcome.from_entry(path, entry) for path, entry in load_manifest(root, out).items()}
    except (KeyError, TypeError, ValueError):
        return {}


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
    for out_path, text in {**render_extras(site), **render_page_extras(renderer)}.items():
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
            old = state.previous.get(rel)
            if old and old.key == key and old.still_there(state.out):
                outcomes[rel] = old
            else:
                outcomes[rel] = store(state, rel, real.read_bytes(), key)
    raise_if(errors)
    return outcomes
