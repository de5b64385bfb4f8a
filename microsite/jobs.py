"""Rendering jobs: which outputs a build needs, which can be reused, and rendering them in parallel."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from . import __version__
from .assets import file_fingerprint
from .cache import CACHE_VERSION, BodyCache, code_digest
from .errors import BuildError, BuildFailed
from .langdata import data_dates_key, latest_as_of
from .listing import listing_context, section_children
from .markdown import Result, markdown_key
from .markdown.warm import fence_languages, load_lexers
from .model import Page, Site, digest, page_url_path
from .parallel import chunk_size, fork_pool
from .render import Renderer
from .searchindex import indexed_digest
from .translations import MISSING
from .write import Writer

STUB_TEMPLATE = "untranslated.html"
LISTING_TEMPLATE = "page.html"  # a folder without index.md or README.md gets page.html listing its children
_ID_RE = re.compile(r'\sid="([^"]+)"')


@dataclass(frozen=True)
class Job:
    """One page (or 'not translated yet' page) to produce, with the key of everything it shows."""

    out_path: str
    kind: str  # "page", "stub" ('not translated yet') or "listing" (a folder without a page of its own)
    lang: str
    slug: str
    key: str


@dataclass(frozen=True)
class Outcome:
    """What producing one output gave: its bytes' hash and stat, its dependencies, ids and links."""

    out_path: str
    key: str = ""  # what the output was made from (see plan_jobs); "" for files always regenerated
    hash: str = ""
    size: int = 0
    mtime: int = 0
    written: bool = False
    deps: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    links: tuple[tuple[str, str, str, str], ...] = ()  # (lang, slug, fragment, href as written)
    deps_fp: str = ""  # the state of `deps` when the output was made
    errors: tuple[BuildError, ...] = ()
    broken: tuple[tuple[str, str, str, str], ...] = ()  # links that lead nowhere: (kind, href, lang, best guess)
    indexed: str = ""  # of a page: the hash of what its search index depends on (searchindex.indexed_digest)

    def to_entry(self) -> dict[str, Any]:
        """Return the manifest entry of this output."""
        return {"key": self.key, "hash": self.hash, "size": self.size, "mtime": self.mtime, "deps": list(self.deps),
                "deps_fp": self.deps_fp, "ids": list(self.ids), "links": [list(link) for link in self.links],
                "broken": [list(link) for link in self.broken], "indexed": self.indexed}

    @classmethod
    def from_entry(cls, path: str, entry: dict[str, Any]) -> "Outcome":
        """Return the outcome a manifest entry records (the file was not written by this build)."""
        return cls(path, entry["key"], entry["hash"], entry["size"], entry["mtime"], False, tuple(entry["deps"]),
                   tuple(entry["ids"]), tuple(tuple(link) for link in entry["links"]), entry["deps_fp"],
                   broken=tuple(tuple(link) for link in entry["broken"]), indexed=entry.get("indexed", ""))

    def still_there(self, out: Path) -> bool:
        """Return whether the file this outcome describes is still in `out` exactly as written."""
        try:
            st = os.stat(out / self.out_path)
        except OSError:
            return False
        return st.st_size == self.size and st.st_mtime_ns == self.mtime


def language_digest(site: Site, renderer: Renderer, lang: str) -> str:
    """Return a hash of everything every page of one language may show: settings, UI strings, generator."""
    config = site.config
    return digest(repr((__version__, CACHE_VERSION, code_digest(), markdown_key(config.markdown), config.base_url,
                        config.default_lang, renderer.preview, config.languages, sorted(config.title.items()),
                        sorted(config.description.items()),
                        config.facts_page, config.edit_url, sorted(site.strings.items()), latest_as_of(site),
                        data_dates_key(site))))


def plan_jobs(site: Site, renderer: Renderer, slugs: list[str] | None = None) -> list[Job]:
    """Return a job for every page (of `slugs`, default all) and every missing translation, keyed by what it shows."""
    codes = site.config.codes
    lang_digests = {code: language_digest(site, renderer, code) for code in codes}
    jobs = []
    for slug in site.slugs if slugs is None else slugs:
        exists = tuple(site.page(code, slug) is not None for code in codes)
        for lang in codes:
            status = renderer.statuses[slug, lang]
            source = status.source
            nav = renderer.navs[lang]
            if status.state == MISSING:
                template = site.templates.get(STUB_TEMPLATE)
                parts: tuple[Any, ...] = ("stub", renderer.title(source), source.url_path, nav.fingerprint(slug),
                                          _children_key(renderer, slug, lang))
                name = STUB_TEMPLATE
            else:
                page = status.page
                assert page is not None
                template = site.templates.get(page.template)
                parts = ("page", page.digest, page.template, nav.fingerprint(slug), status.state,
                         renderer.title(page), renderer.description(page), renderer.title(source), source.url_path,
                         site.updated(page))
                name = page.template
            template_part = (name, template.digest if template else "missing",
                             site.facts.digest if template and template.uses_facts else "")
            key = digest(repr((lang_digests[lang], exists, template_part, parts)))
            kind = "stub" if status.state == MISSING else "page"
            jobs.append(Job(page_url_path(lang, slug) + "index.html", kind, lang, slug, key))
    if slugs is None:
        jobs.extend(plan_listings(site, renderer, lang_digests))
    return jobs


def plan_listings(site: Site, renderer: Renderer, lang_digests: dict[str, str]) -> list[Job]:
    """Return a job for the generated page of every folder that has no index.md or README.md."""
    template = site.templates.get(LISTING_TEMPLATE)
    template_part = (LISTING_TEMPLATE, template.digest if template else "missing",
                     site.facts.digest if template and template.uses_facts else "")
    jobs = []
    for slug in site.listings:
        for lang in site.config.codes:
            parts = ("listing", renderer.navs[lang].fingerprint(slug), _children_key(renderer, slug, lang))
            key = digest(repr((lang_digests[lang], template_part, parts)))
            jobs.append(Job(page_url_path(lang, slug) + "index.html", "listing", lang, slug, key))
    return jobs


def _children_key(renderer: Renderer, slug: str, lang: str) -> str:
    """Return a hash of what a section's listing shows of its children (titles are in the nav's fingerprint)."""
    children = section_children(renderer, slug, lang)
    return digest(repr([(child["url"], child["description"]) for child in children])) if children else ""


def deps_fingerprint(deps: list[str] | tuple[str, ...], site: Site, renderer: Renderer) -> str:
    """Return a hash of the current state of everything a body referenced (facts, charts, linked pages)."""
    known = renderer.dep_states  # pages share most of their deps: each is looked at once per build
    parts = []
    for dep in deps:
        state = known.get(dep)
        if state is None:
            state = known[dep] = _dep_state(dep, site, renderer)
        parts.append(state)
    return digest("|".join(parts))


def _dep_state(dep: str, site: Site, renderer: Renderer) -> str:
    if dep.startswith("page:"):
        lang, _, slug = dep[5:].partition("/")
        return f"{dep}={renderer.resolve(lang, slug)}"
    if dep.startswith("file:"):  # a linked or shown file: whether it is published, its size and date
        return f"{dep}={renderer.files.exists(dep[5:])}:{file_fingerprint(site.config, dep[5:])}"
    return f"{dep}={site.facts.fingerprint(dep)}"


def reusable(job: Job, old: Outcome | None, out: Path, site: Site, renderer: Renderer) -> bool:
    """Return whether the previous build's file for `job` is still exactly right."""
    return bool(old and old.key == job.key and old.deps_fp == deps_fingerprint(old.deps, site, renderer)
                and old.still_there(out))


def conversion_digest(site: Site, lang: str) -> str:
    """Return a hash of everything converting a page of `lang` reads besides its body and the facts it cites.

    That is the generator and its libraries, every language setting (a link to another language
    resolves through them), the base URL, where the facts page is, and the UI strings that fact
    references and charts are written with. Facts, charts and linked pages are each page's deps.
    """
    config = site.config
    facts_page = config.facts_page
    where = tuple(facts_page is not None and site.page(code, facts_page) is not None for code in config.codes)
    return digest(repr((CACHE_VERSION, code_digest(), markdown_key(config.markdown), config.languages,
                        config.default_lang, config.base_url, facts_page, where, lang, sorted(site.strings[lang].items()))))


def body_key(conversion: str, page: Page) -> str:
    """Return the cache key of a page's converted Markdown (its deps are checked separately)."""
    return digest(repr((conversion, page.lang, page.rel, page.body)))


@dataclass
class RenderState:
    """What rendering needs in one process; worker processes inherit it when they fork."""

    site: Site
    renderer: Renderer
    cache: BodyCache
    writer: Writer
    previous: dict[str, Outcome]  # the last build's outputs
    out: Path
    keep_in_memory: bool = False
    made: set[str] = field(default_factory=set)
    conversions: dict[str, str] = field(default_factory=dict)  # lang -> conversion_digest, made before forking

    def __post_init__(self) -> None:
        self.conversions = {code: conversion_digest(self.site, code) for code in self.site.config.codes}


def convert_cached(state: RenderState, page: Page) -> tuple[str, Result, tuple[str, ...], str]:
    """Return a page's body HTML from the cache when its inputs are unchanged, else convert it."""
    site, renderer = state.site, state.renderer
    key = body_key(state.conversions[page.lang], page)
    entry = state.cache.get(key)
    if entry is not None and entry.get("deps_fp") == deps_fingerprint(entry["deps"], site, renderer):
        result = Result(toc=entry["toc"], ids=set(entry["ids"]), refs=set(entry["refs"]),
                        links={tuple(link) for link in entry["links"]},  # type: ignore[misc]
                        broken={tuple(link) for link in entry["broken"]})  # type: ignore[misc]
        return entry["html"], result, tuple(entry["deps"]), entry["deps_fp"]
    html, result = renderer.convert(page)
    # A broken link is a dependency too: the page that fixes it (by appearing) makes this body convert again.
    pages = {f"page:{lang}/{slug}" for lang, slug, *_ in result.links}
    pages |= {f"page:{lang}/{guess}" for kind, _, lang, guess in result.broken if kind == "page"}
    files = {f"file:{path}" for path in result.files} | {f"file:{guess}" for kind, _, _, guess in result.broken
                                                          if kind == "file"}
    deps = tuple(sorted(result.refs) + sorted(pages) + sorted(files))
    deps_fp = deps_fingerprint(deps, site, renderer)
    state.cache.put(key, {"html": html, "toc": result.toc, "ids": sorted(result.ids), "refs": sorted(result.refs),
                          "links": sorted(result.links), "broken": sorted(result.broken), "deps": list(deps),
                          "deps_fp": deps_fp}, keep=state.keep_in_memory)
    return html, result, deps, deps_fp


def convert_all(site: Site, renderer: Renderer, cache: BodyCache) -> tuple[dict[str, Outcome], list[BuildError]]:
    """Convert every page body (from the cache when unchanged), render nothing: its links, ids, and errors.

    A build whose pages did not all load uses it to report link errors in the same run.
    """
    state = RenderState(site, renderer, cache, None, {}, Path())  # type: ignore[arg-type]  # writes nothing
    records, errors = {}, []
    for page in site.pages:
        if not page.digest:  # a stand-in for a file that did not load
            continue
        try:
            _, result, _, _ = convert_cached(state, page)
        except BuildFailed as exc:
            errors.extend(exc.errors)
            continue
        records[page.out_path] = Outcome(page.out_path, ids=tuple(sorted(result.ids)),
                                         links=tuple(sorted(result.links)), broken=tuple(sorted(result.broken)))
    cache.flush()
    return records, errors


def render_job(state: RenderState, job: Job) -> Outcome:
    """Render one job and write it to staging, unless its bytes equal the previous build's file."""
    renderer = state.renderer
    broken: tuple[tuple[str, str, str, str], ...] = ()
    try:
        if job.kind == "listing":
            source = f"content/{job.lang}/{job.slug}"
            html = renderer.render_template(LISTING_TEMPLATE, listing_context(renderer, job.slug, job.lang), source)
            deps, links, deps_fp = (), (), deps_fingerprint((), state.site, renderer)
        elif job.kind == "stub":
            source = f"content/{job.lang}/{job.slug or 'index'}.md"
            html = renderer.render_template(STUB_TEMPLATE, renderer.stub_context(job.slug, job.lang), source)
            deps: tuple[str, ...] = ()
            links: tuple[tuple[str, str, str, str], ...] = ()
            deps_fp = deps_fingerprint(deps, state.site, renderer)
        else:
            page = state.site.page(job.lang, job.slug)
            assert page is not None
            body, result, deps, deps_fp = convert_cached(state, page)
            html = renderer.render_template(page.template, renderer.page_context(page, body, result), page.source)
            links = tuple(sorted(result.links))
            broken = tuple(sorted(result.broken))
    except BuildFailed as exc:
        return Outcome(job.out_path, job.key, errors=tuple(exc.errors))
    data = html.encode("utf-8")
    ids = tuple(sorted(set(_ID_RE.findall(html))))
    indexed = indexed_digest(data) if job.kind == "page" else ""
    return replace(store(state, job.out_path, data, job.key, deps, ids, links, deps_fp), broken=broken,
                   indexed=indexed)


def store(state: RenderState, out_path: str, data: bytes, key: str = "", deps: tuple[str, ...] = (),
          ids: tuple[str, ...] = (), links: tuple[tuple[str, str, str, str], ...] = (), deps_fp: str = "") -> Outcome:
    """Write an output to staging; when the previous build has the same bytes, keep that file instead."""
    hashed = digest(data)
    old = state.previous.get(out_path)
    if old and old.hash == hashed and old.still_there(state.out):
        return Outcome(out_path, key, hashed, old.size, old.mtime, False, deps, ids, links, deps_fp)
    st = state.writer.write(out_path, data)
    return Outcome(out_path, key, hashed, st.st_size, st.st_mtime_ns, True, deps, ids, links, deps_fp)


# -- parallel rendering ----------------------------------------------------------------------------

_WORKER_STATE: list[RenderState] = []  # set just before forking; each worker process inherits it


def _work(batch: list[Job]) -> list[Outcome]:
    state = _WORKER_STATE[0]
    outcomes = [render_job(state, job) for job in batch]
    state.cache.flush()
    return outcomes


def warm(state: RenderState, jobs: list[Job]) -> None:
    """Do in the parent what each worker would otherwise do for itself: format the facts, load the lexers."""
    state.renderer.langs  # noqa: B018 -- a cached property: Babel's data and every fact formatted, once
    bodies = (page.body for job in jobs if job.kind == "page" and (page := state.site.page(job.lang, job.slug)))
    load_lexers(fence_languages(bodies))


def _batches(jobs: list[Job], size: int) -> Iterator[list[Job]]:
    for start in range(0, len(jobs), size):
        yield jobs[start:start + size]


def run_jobs(state: RenderState, jobs: list[Job], workers: int, progress: bool) -> list[Outcome]:
    """Render every job, in `workers` forked processes when more than one; return outcomes in job order."""
    total, done, outcomes = len(jobs), 0, []
    shared: dict[Any, Any] = {}
    if workers <= 1:
        for job in jobs:
            outcomes.append(share_parts(render_job(state, job), shared))
            done += 1
            if progress and done % 25 == 0:
                _show_progress(done, total)
        state.cache.flush()
    else:
        _WORKER_STATE[:] = [state]
        warm(state, jobs)
        try:
            size = chunk_size(total, workers)
            with fork_pool(workers) as pool:
                for batch in pool.imap_unordered(_work, _batches(jobs, size)):
                    outcomes.extend(share_parts(outcome, shared) for outcome in batch)
                    done += len(batch)
                    if progress:
                        _show_progress(done, total)
        finally:
            _WORKER_STATE.clear()
    if progress:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
    order = {job.out_path: index for index, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.out_path])


def share_parts(outcome: Outcome, shared: dict[Any, Any]) -> Outcome:
    """Return `outcome` with its deps, ids and links made of the objects in `shared` (updated) where equal.

    Each outcome a worker sends arrives with strings of its own (and each page makes its own): at 8,000
    pages their deps, ids and links took about 25 MB in the parent, equal strings and tuples counted again
    for every page, and all of it stays alive while Pagefind indexes. Shared, they take a few.
    """
    def one(item: Any) -> Any:
        return shared.setdefault(item, item)

    return replace(outcome, deps=tuple(map(one, outcome.deps)), ids=tuple(map(one, outcome.ids)),
                   links=tuple(one(tuple(map(one, link))) for link in outcome.links))


def _show_progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\rrendering [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()
