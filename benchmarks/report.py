"""The report of bench_build.py: every sample kept by size and measurement, then Markdown tables and targets."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field
from typing import Callable

from measure import DISTURBED, Run

TARGET_SIZES = (100, 1000, 4000)
HUGO_TARGETS = {100: 1.5, 1000: 1.25, 4000: 1.25}  # issue 18: our clean build at most this many times Hugo's


@dataclass
class Results:
    """Every sample, by size and measurement."""

    samples: dict[int, dict[str, list[float]]] = field(default_factory=dict)
    memory: dict[int, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rendered: dict[int, dict[str, str]] = field(default_factory=dict)
    repeated: int = 0  # runs timed again because other processes disturbed them
    disturbed: list[str] = field(default_factory=list)  # runs still disturbed after the retries

    def record(self, pages: int, name: str, run: Run) -> None:
        """Keep one timed run: wall time, CPU time, peak memory, and whether others disturbed it."""
        self.add(pages, name, run.seconds)
        self.add(pages, f"{name} cpu", run.cpu)
        self.add(pages, f"{name} maxrss", run.maxrss_mb)
        self.repeated += run.attempts - 1
        if run.other_share > DISTURBED:
            self.disturbed.append(f"{name} at {pages:,} ({run.other_share:.0%} of the CPUs busy elsewhere)")

    def add(self, pages: int, name: str, seconds: float) -> None:
        self.samples.setdefault(pages, {}).setdefault(name, []).append(seconds)

    def median(self, pages: int, name: str) -> float | None:
        values = self.samples.get(pages, {}).get(name)
        return statistics.median(values) if values else None

    def runs(self, pages: int, name: str) -> int:
        return len(self.samples.get(pages, {}).get(name, ()))


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.0f} ms"


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def report(results: Results, sizes: list[int], tools: list[str], repeats: int) -> str:
    """Return the Markdown tables: clean builds, rebuilds, memory, targets."""
    cores = len(os.sched_getaffinity(0))
    floors = ["floor 1p", f"floor {cores}p"] if "floor" in tools else []
    others = [t for t in ("hugo", "mkdocs", "pelican") if t in tools] + floors
    names = {"hugo": "Hugo", "mkdocs": "MkDocs + i18n", "pelican": "Pelican"}
    m = results.median
    lines = ["### Clean builds (median wall time; output and .cache/ deleted inside the timed command)", ""]
    head = ["pages per language", "ours", *[names.get(t, t) for t in others]]
    ratios = [("ours / Hugo", "ours", "hugo"), ("MkDocs / ours", "mkdocs", "ours"),
              ("Pelican / ours", "pelican", "ours"), *[(f"ours / {f}", "ours", f) for f in floors]]
    ratios = [r for r in ratios if r[1] in tools + floors and r[2] in tools + floors]
    lines += [row(head + [r[0] for r in ratios]), row(["---"] * (len(head) + len(ratios)))]
    for n in sizes:
        cells = [f"{n:,}", _s(m(n, "ours"))] + [_s(m(n, t)) + _runs(results, n, t, repeats) for t in others]
        lines.append(row(cells + [_ratio(m(n, a), m(n, b)) for _, a, b in ratios]))
    lines += ["", "### CPU time of the same clean builds (user + system, every process; median)", "",
              "Less disturbed than wall time by other work on a shared machine, but blind to parallelism.", "",
              row(["pages per language", "ours", *[names.get(t, t) for t in others], "ours / Hugo"]),
              row(["---"] * (3 + len(others)))]
    for n in sizes:
        cells = [_s(m(n, f"{t} cpu")) for t in ["ours", *others]]
        lines.append(row([f"{n:,}", *cells, _ratio(m(n, "ours cpu"), m(n, "hugo cpu"))]))
    lines += ["", "### Rebuilds (ours; median)", "",
              row(["pages per language", "no change (CLI)", "one-page edit (CLI)", "one-page edit (serve)",
                    "save to page on disk (serve)", "no change / Hugo clean",
                    "what the edit re-rendered (CLI; serve)"]), row(["---"] * 7)]
    for n in sizes:
        done = results.rendered.get(n, {})
        lines.append(row([f"{n:,}", _s(m(n, "no-change")), _s(m(n, "edit cli")), _ms(m(n, "edit serve")),
                           _ms(m(n, "edit serve latency")), _ratio(m(n, "no-change"), m(n, "hugo")),
                           f"{done.get('edit cli', '–')}; {done.get('edit serve', 'n/a')}"]))
    lines += ["", "### Search index (Pagefind, extended: part of our builds above; median)", "",
              row(["pages per language", "index time (clean build)", "share of the clean build",
                    "clean build without it", "without it / Hugo", "one-page edit (CLI) without it"]),
              row(["---"] * 6)]
    for n in sizes:
        lines.append(row([f"{n:,}", _s(m(n, "search index")), _ratio(m(n, "search index"), m(n, "ours")),
                           _s(_minus(m(n, "ours"), m(n, "search index"))),
                           _ratio(_minus(m(n, "ours"), m(n, "search index")), m(n, "hugo")),
                           _s(_minus(m(n, "edit cli"), m(n, "edit cli index")))]))
    if results.runs(0, "real site"):
        lines += ["", "### The real site (content/ of this repository, clean build; median)", "",
                  row(["ours", "ours without the search index", "Hugo, 100-page corpus"]), row(["---"] * 3),
                  row([_s(m(0, "real site")), _s(_minus(m(0, "real site"), m(0, "real site index"))),
                        _s(m(100, "hugo"))])]
    lines += ["", "### Peak memory of a clean build", "",
              row(["pages per language", "ours: largest process", "ours: all processes (RSS sum)",
                    "ours: all processes (PSS sum)", "ours --no-search: largest", "ours --no-search: all (PSS)",
                    *[names.get(t, t) for t in others]]),
              row(["---"] * (6 + len(others)))]
    for n in sizes:
        mem = results.memory.get(n, {})
        peak = [_mb(max(results.samples.get(n, {}).get(f"{t} maxrss", [0])) or None) for t in others]
        lines.append(row([f"{n:,}", _mb(mem.get("maxrss")), _mb(mem.get("sum_rss")), _mb(mem.get("sum_pss")),
                           _mb(mem.get("maxrss_no_search")), _mb(mem.get("sum_pss_no_search")), *peak]))
    lines += ["", "### Targets (issue 18)", "", row(["target", "pages per language", "measured", "result"]),
              row(["---"] * 4)]
    lines += [row(r) for r in targets(results, sizes)]
    return "\n".join(lines)


def _runs(results: Results, n: int, tool: str, repeats: int) -> str:
    runs = results.runs(n, tool)
    return f" ({runs} run{'s' if runs != 1 else ''})" if runs and runs != repeats else ""


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def targets(results: Results, sizes: list[int]) -> list[list[str]]:
    """Return one row per target and size: measured value and pass/fail."""
    m = results.median
    rows = []

    def check(name: str, n: int, value: float | None, limit: float, shown: Callable[[float], str],
              at_least: bool = False) -> None:
        if value is None:
            rows.append([name, f"{n:,}", "not measured", "–"])
            return
        ok = value >= limit if at_least else value <= limit
        rows.append([name, f"{n:,}", shown(value), "pass" if ok else "**FAIL**"])

    ratio = lambda a, b: None if a is None or b is None else a / b  # noqa: E731
    times = lambda v: f"{v:.2f}×"  # noqa: E731
    ms = lambda v: f"{v * 1000:.0f} ms"  # noqa: E731
    for n in [s for s in sizes if s in TARGET_SIZES]:
        limit = HUGO_TARGETS[n]
        without = _minus(m(n, "ours"), m(n, "search index"))
        check(f"clean build ≤ {limit:g}× Hugo", n, ratio(m(n, "ours"), m(n, "hugo")), limit, times)
        check(f"clean build ≤ {limit:g}× Hugo, search index apart", n, ratio(without, m(n, "hugo")), limit, times)
        check("clean build ≥ 2× faster than Pelican", n, ratio(m(n, "pelican"), m(n, "ours")), 2.0, times, True)
        check("clean build ≥ 2× faster than Pelican, search index apart", n, ratio(m(n, "pelican"), without), 2.0,
              times, True)
    if 1000 in sizes:
        check("one-page edit on the command line ≤ 0.3 s", 1000, m(1000, "edit cli"), 0.3, _s)
        check("one-page edit on the command line ≤ 0.3 s, search index apart", 1000,
              _minus(m(1000, "edit cli"), m(1000, "edit cli index")), 0.3, _s)
    for n in [s for s in sizes if s in (1000, 4000)]:
        check("one-page edit in serve ≤ 50 ms", n, m(n, "edit serve"), 0.050, ms)
    if 4000 in sizes:
        mem = results.memory.get(4000, {})
        check("peak memory ≤ 250 MB (all processes, PSS)", 4000, mem.get("sum_pss"), 250, lambda v: f"{v:.0f} MB")
        check("peak memory ≤ 250 MB (all processes, PSS), --no-search", 4000, mem.get("sum_pss_no_search"), 250,
              lambda v: f"{v:.0f} MB")
    return rows
