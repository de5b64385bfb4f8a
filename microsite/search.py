"""Search: index the built pages with Pagefind after a successful render, one index per <html lang>.

Pagefind's extended build (the `pagefind[extended]` wheel ships the binary, so nothing is downloaded at
build time) segments Chinese into words, which the plain build cannot. It runs once per language whose
pages changed (searchindex.py), each time over a folder of hard links to that language's pages, so the
root chooser, the 404 page, redirects, search pages and 'not translated yet' stubs never reach the index.
The bundle is written through the staging folder like every other output: published atomically with the
pages it describes, or not at all. Templates mark what to index with
`data-pagefind-body` and leave out notices and tables of contents with `data-pagefind-ignore`.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager

from .errors import BuildFailed
from .searchindex import (
    BINARY_ENV,
    BUNDLE,
    ENTRY,
    SHARDS,
    IndexPlan,
    full_plan,
    index_pages,
    make_bundles,
    page_to_index,
    plan_index,
    published_bundle,
    stage_bundles,
)

if TYPE_CHECKING:
    from .jobs import Outcome, RenderState
    from .pipeline import Builder

__all__ = ["BINARY_ENV", "BUNDLE", "ENTRY", "IdleIndexer", "IndexRun", "publish_order", "search_outputs"]
IDLE_SECONDS = 0.8  # the preview re-indexes once rebuilds have paused this long


@dataclass(frozen=True)
class IndexRun:
    """What one indexing did: the bundle's outcomes and the seconds Pagefind took (0 when reused)."""

    outcomes: dict[str, "Outcome"]
    seconds: float = 0.0


def publish_order(path: str) -> tuple[int, str]:
    """Sort key for publishing: entry files after what they name, then the shard list, the index's entry last."""
    if path == ENTRY:
        return 3, path
    if path == SHARDS:
        return 2, path
    return int(path.startswith(BUNDLE) and path.endswith("/pagefind-entry.json")), path


def search_outputs(state: "RenderState", outcomes: dict[str, "Outcome"], pages: dict[str, str], enabled: bool,
                   preview: bool) -> IndexRun:
    """Return the bundle a full build publishes: none without search, the last one in the preview, else fresh.

    `pages` maps the output path of each page to index to its <html lang>.
    """
    if not enabled:
        return IndexRun({})
    if preview:  # the preview server re-indexes on idle (IdleIndexer); until then the last bundle stays
        return IndexRun(published_bundle(state.previous, state.out))
    folder = {True: state.writer.staging, False: state.out}
    bundle, seconds = index_pages(state, [page_to_index(path, lang, outcomes[path], folder[outcomes[path].written])
                                          for path, lang in pages.items()], state.site.config.search_shard_pages)
    return IndexRun(bundle, seconds)


class IdleIndexer:
    """Keeps the preview server's search index current: re-indexes in a thread once rebuilds pause.

    Pagefind indexes a whole language every time (about 0.3 s of CPU for a small site, most of it loading the
    Chinese dictionary), too slow to run after every save; so it runs IDLE_SECONDS after the last rebuild,
    off the server's loop, and the bundle is swapped in under the build lock like any build's files. An index
    made from pages that a newer build replaced meanwhile is thrown away and made again.
    """

    def __init__(self, builder: "Builder", loop: Any, lock: Callable[[], ContextManager[None]],
                 report: Callable[[str], None]) -> None:
        self.builder, self.loop, self.lock, self.report = builder, loop, lock, report
        self.timer: Any = None
        self.running = False
        self.generation = 0  # counts builds: an index started before the latest one is stale
        self.whole = False  # index every language next time: kept parts did not fit the last run's

    def after_build(self) -> None:
        """Note a successful build; re-index once no other build follows within IDLE_SECONDS."""
        if not self.builder.options.search:
            return
        self.generation += 1
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
        self.timer = self.loop.call_later(IDLE_SECONDS, self.start)

    def start(self) -> None:
        """Start indexing the pages of the last build in a thread, unless the index already matches them."""
        self.timer = None
        builder, records = self.builder, self.builder.records
        if self.running or builder.site is None or records is None:
            return  # when running, finish() starts again for the build that came in meanwhile
        config = builder.site.config
        pages = [page_to_index(page.out_path, config.language(page.lang).html_lang, records[page.out_path], builder.out)
                 for page in builder.site.pages if page.out_path in records]
        shard_pages = config.search_shard_pages
        plan = full_plan(pages, shard_pages) if self.whole else plan_index(records, builder.out, pages, shard_pages)
        if plan is None:
            return
        self.running = True
        generation, started = self.generation, time.perf_counter()
        future = self.loop.run_in_executor(None, make_bundles, builder.out, plan.todo)
        self.loop.add_future(future, lambda done: self.finish(done, generation, plan, started))

    def finish(self, done: Any, generation: int, plan: IndexPlan, started: float) -> None:
        """Publish a finished index, or start again if a build replaced pages while it ran."""
        self.running = False
        try:
            work = done.result()
        except BuildFailed as exc:
            self.report("; ".join(str(error) for error in exc.errors))
            return
        except OSError:  # a page vanished while being linked: a newer build will have scheduled another run
            work = None
        try:
            if work is not None and generation == self.generation:
                try:
                    published = self.publish(work, plan)
                except BuildFailed as exc:
                    self.report("; ".join(str(error) for error in exc.errors))
                    return
                if published:
                    self.report(f"search index updated in {time.perf_counter() - started:.2f} s")
                    return
                if not plan.kept:  # every language was indexed anew and still they do not fit: say so, once
                    self.whole = False
                    self.report("search: Pagefind's indexes of two languages disagree; the last index stays")
                    return
            if self.timer is None:  # a build replaced pages meanwhile, or the kept parts did not fit: again
                self.timer = self.loop.call_later(0, self.start)
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)

    def publish(self, work: Path, plan: IndexPlan) -> bool:
        """Publish the new bundle the way every build publishes: a complete staged site swapped in whole.

        Return False, publishing nothing, when the kept and the new parts do not fit; the next run indexes all.
        """
        from .jobs import RenderState
        from .write import Writer
        builder = self.builder
        with self.lock():
            records = builder.records or {}
            staging = builder.output.prepare()
            state = RenderState(builder.site, builder.renderer, builder.cache, Writer(staging), records,
                                builder.out)
            try:
                fresh = stage_bundles(state, plan, work)
                self.whole = fresh is None
                if fresh is None:
                    return False
                outputs = {path: o for path, o in records.items() if not path.startswith(BUNDLE)}
                outputs.update(fresh)
                builder.output.publish({path: o.written for path, o in outputs.items()})
            except BaseException:
                builder.output.failed()
                raise
            builder.records = {path: replace(o, written=False) if o.written else o
                               for path, o in sorted(outputs.items())}
        return True
