"""build(root, options): load, check, render, write. Nothing reaches the output folder unless all succeeds."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

import jinja2

from . import memo, pagecache, stagingrecord
from .cache import CACHE_DIR, BodyCache, load_manifest, manifest_path, save_manifest
from .check import check_anchors, check_facts_page, check_links, check_sections, check_templates, check_translations
from .config import SiteConfig, load_config
from .content import Content, load_content
from .errors import BuildError, BuildFailed, raise_if, sort_errors
from .facts import load_facts
from .gitdates import load_git_dates
from .i18n import check_string_formats, load_strings
from .jobs import Job, Outcome, RenderState, convert_all, plan_jobs, reusable, run_jobs, store
from .linkindex import IncomingLinks
from .minify import MINIFIER, minify
from .model import Page, Site, digest, release_bodies
from .outputs import check_outputs, render_extras, render_page_extras
from .outputs.files import copy_assets
from .parallel import worker_count
from .render import Renderer
from .safeio import MAX_STATIC_BYTES, read_input, walk_files
from .search import IndexRun, publish_order, search_outputs
from .sharing import check_share_images
from .templates import load_templates, make_environment
from .translations import MISSING, OUTDATED
from .write import Output, Writer, check_out_dir, safe_output_path

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
    links: str | None = None  # "error" or "warn" (broken links as warnings); None: site.yaml's `links`
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
    link_warnings: tuple[BuildError, ...] = ()  # broken links and anchors, when links are warnings
    # for check: each page's links to other pages, (lang, slug) -> {(lang, slug)}
    graph: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict, hash=False)
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
        work = f"{self.rendered} rendered{processes}, {self.written} file{'' if self.written == 1 else 's'} written"
        work += f", search index {self.index_seconds:.2f} s" if self.index_seconds else ""
        return memo.summary_line(self.counts(), self.seconds, work, shown_out or self.out)


def load_site(root: Path, base_url: str | None = None, reuse: dict[str, tuple[int, int, Page]] | None = None,
              drafts: bool = False, partial: list[BuildError] | None = None,
              cache: bool = False) -> tuple[Site, jinja2.Environment]:
    """Load settings, pages, facts, UI strings and templates; report every error together.

    `reuse` maps page files to (size, mtime, Page) from an earlier load; it is updated in place.
    Draft pages are left out (into Site.drafts) unless `drafts` (the preview) keeps them.
    With `cache`, compiled templates are kept in .cache/templates/ and, outside the preview (which keeps
    `reuse` itself), parsed pages in .cache/pages.bin.
    With `partial`, errors in pages and _section.yaml files are added to it instead of raised, and
    the site holds a stand-in for each page that failed, so the build can still find link errors.
    """
    config = load_config(root, base_url)
    errors: list[BuildError] = []
    loaded: dict[str, Any] = {}
    env = make_environment(config.templates_dir, cache_dir=root / CACHE_DIR / "templates" if cache else None)
    persist = cache and reuse is None  # a command-line build: the pages parsed last time, where files did not change
    kept = pagecache.load(config.root, config.extra_front_matter) if persist else {}
    reuse = dict(kept) if persist else reuse
    steps = {"content": lambda: _load_content(config, reuse, partial), "facts": lambda: load_facts(config),
             "strings": lambda: load_strings(config),
             "templates": lambda: load_templates(env, config.templates_dir)}
    for name, step in steps.items():
        try:
            loaded[name] = step()
        except BuildFailed as exc:
            errors.extend(exc.errors)
    if errors:  # the site cannot be made: report the pages' errors (kept aside in `partial`) with them
        raise BuildFailed(errors + (partial or []))
    if persist and reuse is not None:
        pagecache.save(config.root, config.extra_front_matter, reuse, kept)
    raise_if(check_string_formats(loaded["strings"], [info.formats for info in loaded["templates"].values()]))
    content = loaded["content"]
    loaded_pages = content.pages + (content.failed if partial else [])
    pages = sorted((p for p in loaded_pages if drafts or not p.draft), key=lambda p: (p.slug, p.lang))
    left_out = tuple(p for p in content.pages if p.draft and not drafts)
    site = Site(config, tuple(pages), loaded["facts"], loaded["strings"], loaded["templates"], drafts=left_out,
                sections=content.sections, dates={} if partial else load_git_dates(root, content.pages))
    return site, env


def _load_content(config: SiteConfig, reuse: dict[str, tuple[int, int, Page]] | None,
                  partial: list[BuildError] | None) -> Content:
    content = load_content(config, reuse)
    if partial is None:
        raise_if(content.errors)
    else:
        partial.extend(content.errors)
    return content


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock so a preview server and a CLI build never write at the same time."""
    lock_dir = root / CACHE_DIR
    try:
        lock_dir.mkdir(exist_ok=True)
        # Without blocking and without following a link: a FIFO or a link put at this name must not hang a build.
        fd = os.open(lock_dir / "build.lock", os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o644)
    except (FileExistsError, NotADirectoryError):
        raise BuildFailed([BuildError(CACHE_DIR, None, "is not a folder; delete it (it only holds what builds "
                                                       "can make again)")]) from None
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.ELOOP, errno.EISDIR):  # a FIFO, a symlink, a folder at the lock's name
            message = "is not a regular file; delete it (.cache/ only holds what builds can make again)"
            raise BuildFailed([BuildError(f"{CACHE_DIR}/build.lock", None, message)]) from None
        raise BuildFailed([BuildError(CACHE_DIR, None, f"cannot write here ({exc.strerror}); builds keep "
                                                       "their lock and cache in .cache/")]) from None
    with os.fdopen(fd, "w") as handle:
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
        record = None if options.throwaway else stagingrecord.record_path(root, self.out)
        self.output = Output(self.out, record, trust_record=options.cache, leave_record=not options.preview)
        self.records: dict[str, Outcome] | None = None  # the last build's outputs (its manifest)
        self.loaded: dict[str, tuple[int, int, Page]] = {}  # page file -> size, mtime, Page
        self.site: Site | None = None
        self.renderer: Renderer | None = None
        self.incoming: IncomingLinks | None = None  # the preview's index of links, for partial rebuilds

    def load(self, partial: list[BuildError] | None = None) -> tuple[Site, jinja2.Environment]:
        """Load the project; the preview reuses pages whose files did not change since the last load."""
        site, env = load_site(self.root, self.options.base_url, self.loaded if self.options.preview else None,
                              drafts=self.options.preview, partial=partial, cache=self.options.cache)
        return site, env

    def links_warn(self, site: Site) -> bool:
        """Return whether broken links are warnings in this build (--links warn or site.yaml; never with --strict)."""
        return (self.options.links or site.config.links) == "warn" and not self.options.strict

    def build(self) -> BuildResult:
        """Load everything, render what changed, and replace the output folder on success."""
        started = time.perf_counter()
        options = self.options
        use_memo = options.cache and not options.preview and not options.throwaway
        stats = memo.snapshot(self.root) if use_memo else []
        load_errors: list[BuildError] = []
        site, env = self.load(load_errors)
        renderer = Renderer(site, env, options.preview)
        problems = (check_templates(site) + check_facts_page(site) + check_sections(site)
                    + renderer.front_matter_errors())
        if load_errors:  # report link errors in the same run: convert what loaded, render nothing
            records, errors = convert_all(site, renderer, self.cache)
            links = [] if self.links_warn(site) else check_links(site, records, renderer.files)
            raise BuildFailed(load_errors + problems + errors + links)
        warnings = check_translations(site, renderer.statuses.values())
        problems += check_share_images(site) + check_outputs(site)
        raise_if(problems)  # --strict's translation errors come after rendering, with the link errors
        raise_if(check_out_dir(self.out, self.root, legacy=manifest_path(self.root, self.out).exists()))
        with build_lock(self.root):
            if self.records is None:
                self.records = _load_records(self.root, self.out) if options.cache and not options.throwaway else {}
            result = self.render_and_write(site, renderer, plan_jobs(site, renderer), warnings, started)
            if use_memo and not result.link_warnings:  # a build with warnings runs again, to show them again
                outputs = {path: [o.size, o.mtime] for path, o in (self.records or {}).items()}
                memo.save(self.root, self.out, memo.settings(options.base_url, options.strict, options.links,
                                                             options.search), stats,
                          result.counts(), outputs)
        return result

    def render_and_write(self, site: Site, renderer: Renderer, jobs: list[Job], warnings: list[BuildError],
                         started: float, extras: bool = True) -> BuildResult:
        """Render the jobs whose output changed, check anchors, write; `extras` also redoes sitemap, static, etc."""
        options, out, previous = self.options, self.out, self.records or {}
        staging = _publishing(out, self.output.prepare)
        state = RenderState(site, renderer, self.cache, Writer(staging), previous, out, keep_in_memory=options.preview)
        index = IndexRun({})
        try:
            todo = [job for job in jobs if not reusable(job, previous.get(job.out_path), out, site, renderer)]
            workers = worker_count(options.jobs, len(todo))
            fresh = {o.out_path: o for o in run_jobs(state, todo, workers, options.progress)}
            if extras:  # a full build: what is not planned now is gone
                outcomes = {job.out_path: previous[job.out_path] for job in jobs if job.out_path in previous}
            else:
                outcomes = dict(previous)
            outcomes.update(fresh)
            scope = None if extras else {job.slug for job in jobs}
            looked_at = None
            if scope is not None and self.incoming is not None:  # the preview's partial rebuild
                self.incoming.update((p for slug in scope for p in site.pages_of(slug)), fresh)
                looked_at = self.incoming.pages_to_check(site, scope)
            link_problems = (check_links(site, outcomes, renderer.files, scope, looked_at)
                             + check_anchors(site, outcomes, scope, looked_at))
            warn = self.links_warn(site)
            raise_if([error for o in fresh.values() for error in o.errors] + ([] if warn else link_problems)
                     + (list(warnings) if options.strict else []))
            if options.strict:  # one gate: a strict build fails on every warning `check --strict` fails on
                from .lint import lint_site  # only here: importing the lints costs a plain build 20 ms
                raise_if(lint_site(site, page_refs(site, outcomes), graph=link_graph(site, outcomes)))
            if extras:
                outcomes.update(_write_specials(state))
                outcomes.update(_copy_static(state))
                outcomes.update(copy_assets(state))
                to_index = {job.out_path: site.config.language(job.lang).html_lang for job in jobs if job.kind == "page"}
                indexing = options.search and not options.throwaway
                if indexing and not options.preview:  # the preview keeps its pages for the next rebuild
                    release_bodies(site.pages + site.drafts)
                index = search_outputs(state, outcomes, to_index, indexing, options.preview)
                outcomes.update(index.outcomes)
            written = sorted((path for path, o in outcomes.items() if o.written), key=publish_order)
            removed = sorted(set(previous) - set(outcomes))
            _publishing(out, lambda: self.output.publish({path: o.written for path, o in outcomes.items()}))
        except BaseException:
            self.output.failed()
            raise
        if extras:
            self.records = {path: replace(o, written=False) if o.written else o for path, o in sorted(outcomes.items())}
        else:  # the preview's partial rebuild: only the fresh outputs changed (the manifest is saved sorted)
            self.records = {**previous, **{path: replace(o, written=False) for path, o in fresh.items()}}
        if options.preview and extras:  # what the next partial rebuild checks the links of
            self.incoming = IncomingLinks(site, self.records)
        if options.cache and not options.preview and not options.throwaway:
            self.save()
        self.site, self.renderer = site, renderer
        refs = {(job.lang, job.slug): cited_facts(site, self.records[job.out_path].deps)
                for job in jobs if job.kind == "page"}
        states = [status.state for status in renderer.statuses.values()]
        graph = link_graph(site, self.records) if options.throwaway else {}
        return BuildResult(site, out, time.perf_counter() - started, len(fresh), len(written), tuple(warnings), refs,
                           tuple(sorted(set(written) | set(removed))), states.count(OUTDATED), states.count(MISSING),
                           tuple(sorted(fresh)), workers, tuple(sort_errors(link_problems)) if warn else (), graph,
                           index.seconds)

    def save(self) -> None:
        """Write the manifest of the last build to .cache/ (the preview server does this when it stops)."""
        if self.options.cache and self.records is not None:
            save_manifest(self.root, self.out, {path: o.to_entry() for path, o in self.records.items()})


def page_refs(site: Site, outcomes: dict[str, Outcome]) -> dict[tuple[str, str], set[str]]:
    """Return the facts each page cites, from the outputs rendered now or reused."""
    return {(p.lang, p.slug): cited_facts(site, outcomes[p.out_path].deps) for p in site.pages if p.out_path in outcomes}


def link_graph(site: Site, outcomes: dict[str, Outcome]) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """Return each page's links to other pages (lang, slug), for the orphan check."""
    return {(p.lang, p.slug): {(lang, slug) for lang, slug, *_ in outcomes[p.out_path].links}
            for p in site.pages if p.out_path in outcomes}


def _publishing(out: Path, step: Any) -> Any:
    """Run one step of publishing; an I/O error becomes one line saying the output folder was left as it was."""
    try:
        return step()
    except OSError as exc:
        where, problem = exc.filename or out, exc.strerror or str(exc)
        outcome = f"{out} was left as it was" if out.exists() else "nothing was published"
        raise BuildFailed([BuildError(str(where), None, f"{problem}; {outcome}")]) from None


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
    root = state.site.config.root
    outcomes, errors = {}, []
    for item in walk_files(root, state.site.config.static_dir, "static", skip_hidden=False):
        if isinstance(item, BuildError):
            errors.append(item)
            continue
        rel, path = "static/" + item[0], item[1]
        if safe_output_path(rel) is None:
            errors.append(BuildError(rel, None, "file name would escape the output folder; rename the file"))
            continue
        try:
            st = path.stat()
            key = digest(f"{rel}|{st.st_size}|{st.st_mtime_ns}|{MINIFIER}")
        except OSError:
            key = ""  # read_input says why
        old = state.previous.get(rel)
        if key and old and old.key == key and old.still_there(state.out):
            outcomes[rel] = old
            continue
        try:
            outcomes[rel] = store(state, rel, minify(rel, read_input(root, path, rel, MAX_STATIC_BYTES)), key)
        except BuildFailed as exc:
            errors.extend(exc.errors)
        except FileNotFoundError:
            errors.append(BuildError(rel, None, "deleted while the build was reading it"))
    raise_if(errors)
    return outcomes
