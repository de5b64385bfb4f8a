#!/usr/bin/env python3
"""Time our builds of a generated bilingual corpus side by side with Hugo, MkDocs + i18n and Pelican (issues 8, 18).

Run from the repository root:  .venv/bin/python benchmarks/bench_build.py --sizes 100 1000 4000
The other generators are installed into their own venvs by the bench kit's setup_envs.sh, never into ours.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import corpus_sections  # benchmarks/corpus_sections.py: --sections
from corpus_markdown import add_markdown  # issue 12: notes, code, footnotes, tabs... in a share of the pages

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DEFAULT_KIT = REPO.parent / "shared" / "bench"
SEED = 42
ALL_TOOLS = ("ours", "hugo", "mkdocs", "pelican", "floor")
TARGET_SIZES = (100, 1000, 4000)
HUGO_TARGETS = {100: 1.5, 1000: 1.25, 4000: 1.25}  # issue 18: our clean build at most this many times Hugo's
MB = 1_000_000
GENERATOR = ("microsite", "templates", "static", "content/strings", "site.yaml", "build.py")  # what we time
QUIET = 0.15  # before a timed command, wait until other processes use less than this share of the CPUs
DISTURBED = 0.10  # a run during which others used more than this share of the CPUs is repeated
RETRY_BELOW = 60  # ... when it took less than this many seconds


# -- measuring one command (runs in a fresh wrapper process, so RUSAGE_CHILDREN covers only that command) --------

def _descendants(pid: int) -> list[int]:
    """Return `pid` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """Return (RSS, PSS) of one process in KiB, (0, 0) when it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = dict(re.findall(r"^(Rss|Pss):\s+(\d+)", text, re.M))
    return int(values.get("Rss", 0)), int(values.get("Pss", 0))


def busy_seconds() -> float:
    """Return the CPU seconds every process on the machine has used since boot (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(limit: float = QUIET, longest: float = 30) -> None:
    """Wait until the machine is nearly idle (other helpers' tests and browsers share it), at most `longest` s."""
    cores, deadline = len(os.sched_getaffinity(0)), time.monotonic() + longest
    while time.monotonic() < deadline:
        before = busy_seconds()
        time.sleep(0.5)
        if (busy_seconds() - before) / (0.5 * cores) < limit:
            return


def measure_main(argv: list[str]) -> int:
    """Run one command; print its wall time, exit code, peak RSS (largest process) and, sampled, the sum over all."""
    sample = argv[0] == "--sample"
    command = argv[1:] if sample else argv
    peaks = {"rss": 0, "pss": 0}
    busy_before, started = busy_seconds(), time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = threading.Event()

    def sampler() -> None:
        while not done.wait(0.05):
            totals = [_memory_kb(pid) for pid in _descendants(child.pid)]
            peaks["rss"] = max(peaks["rss"], sum(t[0] for t in totals))
            peaks["pss"] = max(peaks["pss"], sum(t[1] for t in totals))

    thread = threading.Thread(target=sampler, daemon=True)
    if sample:
        thread.start()
    out, err = child.communicate()
    seconds, busy = time.perf_counter() - started, busy_seconds() - busy_before
    done.set()
    if sample:
        thread.join()
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # ru_maxrss: KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"seconds": seconds, "cpu": cpu, "other_cpu": max(0.0, busy - cpu), "rc": child.returncode,
                      "maxrss_kb": usage.ru_maxrss, "sum_rss_kb": peaks["rss"],
                      "sum_pss_kb": peaks["pss"], "stdout": out.decode(errors="replace")[-4000:],
                      "stderr": err.decode(errors="replace")[-4000:]}))
    return 0


@dataclass
class Run:
    """One measured command."""

    seconds: float
    cpu: float  # user + system seconds of every process
    maxrss_mb: float
    sum_rss_mb: float
    sum_pss_mb: float
    stdout: str
    stderr: str
    other_share: float = 0.0  # share of the machine's CPUs that other processes used meanwhile
    attempts: int = 1


def clean_env() -> dict[str, str]:
    """Return the environment of measured commands: as on a user's machine, so bytecode is cached, no profiling."""
    drop = ("PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE", "PYTHONDONTWRITEBYTECODE")
    return {k: v for k, v in os.environ.items() if k not in drop}


def run_measured(script: str, cwd: Path, sample: bool = False, retries: int = 0) -> Run:
    """Time a shell script in `cwd` once the machine is quiet; repeat a short run that others disturbed."""
    best: Run | None = None
    for attempt in range(1 + retries):
        wait_for_quiet()
        run = _run_once(script, cwd, sample)
        run.attempts = attempt + 1
        if best is None or run.other_share < best.other_share:
            best = run
        if run.other_share <= DISTURBED or run.seconds > RETRY_BELOW:
            break
    assert best is not None
    best.attempts = run.attempts
    return best


def _run_once(script: str, cwd: Path, sample: bool) -> Run:
    """Run a shell script in `cwd` inside a fresh wrapper process; fail loudly when it fails."""
    wrapper = [sys.executable, str(Path(__file__).resolve()), "_measure", *(["--sample"] if sample else []),
               "sh", "-c", script]
    done = subprocess.run(wrapper, cwd=cwd, capture_output=True, text=True, env=clean_env())
    if done.returncode != 0:
        raise SystemExit(f"measuring wrapper failed for {script!r}:\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    if data["rc"] != 0:
        raise SystemExit(f"FAILED (exit {data['rc']}) in {cwd}: {script}\n{data['stdout']}\n{data['stderr']}")
    share = data["other_cpu"] / (max(data["seconds"], 1e-3) * len(os.sched_getaffinity(0)))
    return Run(data["seconds"], data["cpu"], data["maxrss_kb"] * 1024 / MB, data["sum_rss_kb"] * 1024 / MB,
               data["sum_pss_kb"] * 1024 / MB, data["stdout"], data["stderr"], share)


# -- the corpus as a project of ours ---------------------------------------------------------------------------

ZH_UNITS = {"companies": "家", "people": "人", "racks": "个机架", "billion CNY": "十亿元", "million rides": "百万单",
            "km": "公里", "licenses": "张", "factories": "家", "per 10k workers": "台/万人", "workshops": "个",
            "applications": "件", "models": "个", "scenarios": "个", "stations": "座", "nodes": "个",
            "programs": "个", "products": "个", "datasets": "个"}


def _key(text: str) -> str:
    """Return a lower_case_with_underscores key made from any text."""
    key = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return key if key[:1].isalpha() else "f" + key


def adapt_facts(neutral: list[dict[str, Any]]) -> dict[str, Any]:
    """Return our fact sheet (sources, units, facts, charts) made from the corpus's neutral list of facts."""
    sources, units, facts = {}, {"number": {"en": "", "zh": ""}}, {}
    for item in neutral:
        source = _key(item["source"])
        sources[source] = {"title": item["source"], "publisher": item["source"]}
        value, unit = item["value"], item["unit"]
        if unit == "%":
            value, unit_key = round(value / 100, 4), "share"
        elif not unit:
            unit_key = "number"
        else:
            unit_key = _key(unit)
            units[unit_key] = {"en": f" {unit}", "zh": ZH_UNITS.get(unit, f" {unit}")}
        facts[_key(item["id"])] = {"value": value, "unit": unit_key, "as_of": str(item["as_of"]),
                                   "label": dict(item["label"]), "source": source}
    numeric = [k for k, f in facts.items() if f["unit"] == "companies"] or list(facts)[:2]
    shares = [k for k, f in facts.items() if f["unit"] == "share"]
    charts = {"companies": {"kind": "bars", "facts": numeric, "title": {"en": "AI companies", "zh": "人工智能企业"}}}
    if shares:
        charts["utilization"] = {"kind": "share", "facts": shares,
                                 "title": {"en": "GPU utilization", "zh": "GPU利用率"}}
    return {"sources": sources, "units": units, "facts": facts, "charts": charts}


def make_project(corpus: Path, project: Path) -> str:
    """Turn a corpus into a project of ours; return the page (lang/rel) the edit benchmarks change."""
    import yaml
    sys.path.insert(0, str(REPO))
    from microsite.content import split_front_matter
    from microsite.model import body_stamp

    shutil.rmtree(project, ignore_errors=True)
    content = project / "content"
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, project / name)
    shutil.copytree(REPO / "content" / "strings", content / "strings")
    config = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    codes = [lang["code"] for lang in config["languages"]]
    if codes != ["en", "zh"]:
        raise SystemExit(f"the corpus has en and zh; site.yaml lists {codes}")
    shutil.copy(REPO / "site.yaml", project / "site.yaml")

    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    for rel in manifest["pages"]:
        shutil.copy(corpus / "en" / rel, _mkparent(content / "en" / rel))
        stamp = body_stamp(split_front_matter((corpus / "en" / rel).read_text(encoding="utf-8"), rel)[1])
        zh = (corpus / "zh" / rel).read_text(encoding="utf-8")
        _mkparent(content / "zh" / rel).write_text(zh.replace("\n---\n", f"\ntranslation_of: \"{stamp}\"\n---\n", 1),
                                                   encoding="utf-8")
    neutral = yaml.safe_load((corpus / "facts.yaml").read_text(encoding="utf-8"))["facts"]
    sheet = adapt_facts(neutral)
    (content / "facts.yaml").write_text(yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cited = " ".join(f"{{{{fact:{key}}}}}" for key in list(sheet["facts"])[:4])
    extra = {"index.md": ("home.html", "Benchmark home.", "基准首页。")}
    if config.get("facts_page"):
        template = "key-figures.html" if (REPO / "templates" / "key-figures.html").exists() else "page.html"
        extra[f"{config['facts_page']}.md"] = (template, "Every figure.", "所有数据。")
    for rel, (template, en_text, zh_text) in extra.items():
        en_body = f"\n{en_text} {cited}\n"
        _mkparent(content / "en" / rel).write_text(
            f"---\ntitle: {config['title']['en']}\nweight: 0\ntemplate: {template}\n---\n{en_body}", encoding="utf-8")
        _mkparent(content / "zh" / rel).write_text(
            f"---\ntitle: {config['title']['zh']}\nweight: 0\ntemplate: {template}\n"
            f"translation_of: \"{body_stamp(en_body)}\"\n---\n\n{zh_text} {cited}\n", encoding="utf-8")
    return "en/" + manifest["pages"][len(manifest["pages"]) // 2]


def _mkparent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def edit_page(path: Path, original: str, marker: str) -> None:
    """Change one page's body: add a paragraph carrying `marker`."""
    path.write_text(original + f"\nA benchmark edit, {marker}.\n", encoding="utf-8")


# -- the preview server, in-process (microsite.serve.Preview) ----------------------------------------------------

def serve_main(argv: list[str]) -> int:
    """Time one-page edits inside the preview server; print JSON (or 'available': false).

    As `serve` does: the operating system names the edited file (microsite/watch.py), and the rebuild
    re-stats only that. `samples` times the rebuild; `latencies` from the save to the page on disk,
    which adds the notification's wait for the editor to finish saving (watch.STEP_MS).
    """
    root, page, jobs, edits = Path(argv[0]), argv[1], int(argv[2]) or None, int(argv[3])
    sys.path.insert(0, str(REPO))
    try:
        from microsite import watch
        from microsite.pipeline import BuildOptions
        from microsite.serve import Preview
        Preview.build, Preview.rebuild  # noqa: B018  (both must exist)
    except (ImportError, AttributeError) as exc:
        print(json.dumps({"available": False, "reason": f"{type(exc).__name__}: {exc}"}))
        return 0
    source = root / "content" / page
    original = source.read_text(encoding="utf-8")
    out = root / "out-serve"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root / ".out-serve.staging", ignore_errors=True)
    told = threading.Event()
    events = watch.start(root, told.set)

    def next_hint() -> set[str] | None:
        """Wait for the notification naming the edited page; return every path named meanwhile."""
        named: set[str] = set()
        while events is not None and str(source) not in named:
            if not told.wait(10):
                raise SystemExit("serve: no file notification within 10 s of an edit")
            told.clear()
            taken = events.take()
            if taken is None:
                return None
            named |= taken
        return named if events is not None else None

    preview = Preview(root, BuildOptions(out=out, jobs=jobs))
    started = time.perf_counter()
    preview.build()
    first, samples, latencies, rendered = time.perf_counter() - started, [], [], []
    try:
        for i in range(edits):
            source.write_text(original, encoding="utf-8")
            preview.rebuild(next_hint())
            marker = f"serve-edit-{os.getpid()}-{i}"
            saved = time.perf_counter()
            edit_page(source, original, marker)
            hint = next_hint()
            started = time.perf_counter()
            result = preview.rebuild(hint)
            samples.append(time.perf_counter() - started)
            latencies.append(time.perf_counter() - saved)
            rendered.append(getattr(result, "rendered", -1))
            html = (out / page[:-3] / "index.html").read_text(encoding="utf-8")
            if marker not in html:
                raise SystemExit(f"serve: the edit of {page} did not reach {out}")
    finally:
        source.write_text(original, encoding="utf-8")
        if events is not None:
            events.close()
    print(json.dumps({"available": True, "first": first, "samples": samples, "latencies": latencies,
                      "rendered": rendered, "notifications": events is not None}))
    return 0


# -- the generators ---------------------------------------------------------------------------------------------

@dataclass
class Bench:
    """Where everything for one run lives."""

    kit: Path
    work: Path
    venvs: str
    jobs: int | None
    retries: int = 2
    python: str = sys.executable
    sections: bool = False  # nest the corpus three levels deep (corpus_sections.py); ours only

    def venv(self, tool: str) -> Path:
        return Path(f"{self.venvs}-{tool}")

    def hugo_binary(self) -> Path:
        found = sorted(self.venv("hugo").glob("lib/python*/site-packages/hugo/binaries/hugo*"))
        if not found:
            raise SystemExit(f"no Hugo binary under {self.venv('hugo')}")
        return found[0]


@dataclass
class Size:
    """One corpus size and its laid-out sites."""

    pages: int
    root: Path
    edit: str = ""  # lang/rel of the page the edit benchmarks change

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def ours(self) -> Path:
        return self.root / "ours"


def ensure_envs(bench: Bench, tools: list[str]) -> None:
    """Create the other generators' venvs with the kit's setup_envs.sh when they are missing."""
    probes = {"hugo": "lib", "mkdocs": "bin/mkdocs", "pelican": "bin/pelican", "floor": "bin/python"}
    missing = [t for t in tools if t in probes and not (bench.venv(t) / probes[t]).exists()]
    if "hugo" in tools and "hugo" not in missing:
        try:
            bench.hugo_binary()
        except SystemExit:
            missing.append("hugo")
    if missing:
        print(f"setting up venvs for {', '.join(missing)} (once) ...", file=sys.stderr)
        subprocess.run(["bash", str(bench.kit / "setup_envs.sh"), *missing], check=True,
                       env=dict(os.environ, BENCH_VENVS=bench.venvs))


def load_layout(kit: Path) -> ModuleType:
    """Import the kit's layout.py (for its expected output paths)."""
    spec = importlib.util.spec_from_file_location("bench_layout", kit / "layout.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clean_commands(bench: Bench, size: Size) -> dict[str, tuple[Path, str]]:
    """Return, per tool, the folder and the shell command of a clean build (deleting the output inside it)."""
    q = shlex.quote
    jobs = f" --jobs {bench.jobs}" if bench.jobs else ""
    ours = f"{q(bench.python)} {q(str(REPO / 'build.py'))} --root . build --out out{jobs}"
    floor = f"{q(str(bench.venv('floor') / 'bin/python'))} {q(str(bench.kit / 'floor_build.py'))} --src {q(str(size.corpus))} --out out"
    cores = len(os.sched_getaffinity(0))
    return {
        "ours": (size.ours, f"rm -rf out .out.staging .cache && {ours}"),
        "hugo": (size.root / "hugo", f"rm -rf public resources && {q(str(bench.hugo_binary()))} --quiet"),
        "mkdocs": (size.root / "mkdocs", f"rm -rf site && {q(str(bench.venv('mkdocs') / 'bin/mkdocs'))} build -q"),
        "pelican": (size.root / "pelican",
                    f"rm -rf output && {q(str(bench.venv('pelican') / 'bin/pelican'))} -q -s pelicanconf.py"),
        "floor 1p": (size.root / "floor", f"rm -rf out && {floor} --jobs 1"),
        f"floor {cores}p": (size.root / "floor", f"rm -rf out && {floor} --jobs {cores}"),
        "ours rebuild": (size.ours, ours),
    }


def prepare(bench: Bench, size: Size, tools: list[str]) -> None:
    """Generate the corpus and lay it out for every tool."""
    size.root.mkdir(parents=True, exist_ok=True)
    subprocess.run([bench.python, str(bench.kit / "make_corpus.py"), "--pages", str(size.pages), "--out",
                    str(size.corpus), "--seed", str(SEED), "--no-key"], check=True, stdout=subprocess.DEVNULL)
    add_markdown(size.corpus, SEED)
    if bench.sections:
        corpus_sections.nest(size.corpus)
    size.edit = make_project(size.corpus, size.ours)
    if bench.sections:
        rels = json.loads((size.corpus / "manifest.json").read_text(encoding="utf-8"))["pages"]
        corpus_sections.add_folder_pages(size.ours / "content", rels, SEED, bench.kit)
    for tool in ("hugo", "mkdocs", "pelican"):
        if tool in tools:
            subprocess.run([bench.python, str(bench.kit / "layout.py"), tool, str(size.corpus),
                            str(size.root / tool)], check=True, stdout=subprocess.DEVNULL)
    (size.root / "floor").mkdir(exist_ok=True)


def verify(label: str, folder: Path, size: Size, layout: ModuleType) -> None:
    """Fail loudly unless a tool's first build produced every page we expect."""
    rels = json.loads((size.corpus / "manifest.json").read_text(encoding="utf-8"))["pages"]
    if label == "ours":
        expected = [Path("out", lang, rel[:-3], "index.html") for lang in ("en", "zh") for rel in rels]
    else:
        name = label.split()[0]
        fn = getattr(layout, f"expected_{name}")
        expected = [Path("out" if name == "floor" else "", fn(rel, lang)) for lang in ("en", "zh") for rel in rels]
    missing = [str(p) for p in expected if not (folder / p).is_file()]
    if missing:
        raise SystemExit(f"{label} at {size.pages}: {len(missing)} of {len(expected)} pages missing, e.g. {missing[:3]}")


# -- the run ----------------------------------------------------------------------------------------------------

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


def _rendered(stdout: str) -> str:
    match = re.search(r"\((\d+) rendered, (\d+) files written[,)]", stdout)
    return f"{match.group(1)} rendered, {match.group(2)} written" if match else "?"


def ours_slot(bench: Bench, size: Size, results: Results, commands: dict[str, tuple[Path, str]]) -> None:
    """Time our clean build, the rebuild with nothing changed, and the rebuild after a one-page edit (CLI)."""
    source = size.ours / "content" / size.edit
    original = (size.corpus / size.edit).read_text(encoding="utf-8")
    source.write_text(original, encoding="utf-8")
    folder, clean = commands["ours"]
    rebuild = commands["ours rebuild"][1]
    clean_run = run_measured(clean, folder, retries=bench.retries)
    results.record(size.pages, "ours", clean_run)
    index = re.search(r"search index (\d+\.\d+) s", clean_run.stdout)  # Pagefind's share of the clean build
    if index:
        results.add(size.pages, "search index", float(index.group(1)))
    results.record(size.pages, "no-change", run_measured(rebuild, folder, retries=bench.retries))
    for attempt in range(1 + bench.retries):  # an edit can only be timed once: undo it to time it again
        if attempt:
            source.write_text(original, encoding="utf-8")
            run_measured(rebuild, folder)
        marker = f"cli-edit-{time.time_ns()}"
        edit_page(source, original, marker)
        run = run_measured(rebuild, folder)
        run.attempts = attempt + 1
        if run.other_share <= DISTURBED:
            break
    results.record(size.pages, "edit cli", run)
    index = re.search(r"search index (\d+\.\d+) s", run.stdout)  # the whole site is indexed again
    results.add(size.pages, "edit cli index", float(index.group(1)) if index else 0.0)
    results.rendered.setdefault(size.pages, {})["edit cli"] = _rendered(run.stdout)
    if marker not in (folder / "out" / size.edit[:-3] / "index.html").read_text(encoding="utf-8"):
        raise SystemExit(f"the CLI rebuild did not pick up the edit of {size.edit}")
    source.write_text(original, encoding="utf-8")


def real_site(bench: Bench, repeats: int, results: Results) -> None:
    """Time clean builds of this repository's own site (content/, templates/, static/, site.yaml)."""
    folder = bench.work / "real"
    shutil.rmtree(folder, ignore_errors=True)
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "site.yaml", folder / "site.yaml")
    command = clean_commands(bench, Size(0, folder))["ours"][1]
    for _ in range(repeats):
        run = run_measured(command, folder, retries=bench.retries)
        results.record(0, "real site", run)
        index = re.search(r"search index (\d+\.\d+) s", run.stdout)
        results.add(0, "real site index", float(index.group(1)) if index else 0.0)


def serve_slot(bench: Bench, size: Size, results: Results, edits: int = 3) -> bool:
    """Time one-page edits inside the preview server; return False when it does not exist yet."""
    wait_for_quiet()
    done = subprocess.run([bench.python, str(Path(__file__).resolve()), "_serve", str(size.ours), size.edit,
                           str(bench.jobs or 0), str(edits)], capture_output=True, text=True, env=clean_env())
    if done.returncode != 0:
        raise SystemExit(f"serve benchmark failed:\n{done.stdout}\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    if not data["available"]:
        note = f"one-page edit in serve: n/a ({data['reason']})"
        if note not in results.notes:
            results.notes.append(note)
        return False
    results.add(size.pages, "edit serve", statistics.median(data["samples"]))
    if data.get("latencies"):
        results.add(size.pages, "edit serve latency", statistics.median(data["latencies"]))
    results.rendered.setdefault(size.pages, {})["edit serve"] = f"{statistics.median(data['rendered']):g} rendered"
    return True


def bench_size(bench: Bench, size: Size, tools: list[str], repeats: int, once_above: float,
               results: Results, layout: ModuleType) -> None:
    """Prepare one size, check every tool builds it, then time `repeats` rounds, alternating the tools."""
    print(f"== {size.pages} pages per language: preparing in {size.root}", file=sys.stderr)
    prepare(bench, size, tools)
    commands = clean_commands(bench, size)
    cores = len(os.sched_getaffinity(0))
    slots = [t for t in tools if t != "floor"] + (["floor 1p", f"floor {cores}p"] if "floor" in tools else [])
    if "ours" in tools:
        slots.insert(slots.index("ours") + 1, "serve")
    once: set[str] = set()
    for slot in list(slots):  # the first build of each tool checks it works; a slow tool's first build is its one sample
        if slot == "serve":
            if not serve_slot(bench, size, results, edits=1):
                slots.remove("serve")
            continue
        folder, script = commands[slot]
        run = run_measured(script, folder)
        verify(slot, folder, size, layout)
        print(f"   checked {slot}: {run.seconds:.2f} s", file=sys.stderr)
        if slot == "ours":
            # not --strict: that also runs check's lints, and the synthetic corpus types its numbers by hand
            again = run_measured(commands["ours rebuild"][1], folder)
            if "warning" in again.stderr:
                raise SystemExit(f"our build of the corpus has warnings:\n{again.stderr}")
        if run.seconds > once_above and slot != "ours":
            once.add(slot)
            results.record(size.pages, slot, run)
            results.notes.append(f"{slot} at {size.pages}: one run only (its first build took {run.seconds:.0f} s "
                                 f"> --once-above {once_above:g} s)")
    for repeat in range(repeats):
        shift = repeat % len(slots)
        for slot in slots[shift:] + slots[:shift]:
            if slot in once:
                continue
            print(f"   round {repeat + 1}/{repeats}: {slot}", file=sys.stderr)
            if slot == "ours":
                ours_slot(bench, size, results, commands)
            elif slot == "serve":
                serve_slot(bench, size, results)
            else:
                folder, script = commands[slot]
                results.record(size.pages, slot, run_measured(script, folder, retries=bench.retries))
    if "ours" in tools:
        run = run_measured(commands["ours"][1], size.ours, sample=True)
        results.memory[size.pages] = {"maxrss": run.maxrss_mb, "sum_rss": run.sum_rss_mb, "sum_pss": run.sum_pss_mb}
        run = run_measured(commands["ours"][1] + " --no-search", size.ours, sample=True)
        results.memory[size.pages].update(maxrss_no_search=run.maxrss_mb, sum_pss_no_search=run.sum_pss_mb)


# -- profiling (--profile) ---------------------------------------------------------------------------------------

def _short(text: str) -> str:
    """Return profiler output with long install paths cut to the package."""
    text = re.sub(r"\S*/(site-packages|lib/python3\.\d+)/", "", text.replace(str(REPO) + "/", ""))
    return re.sub(r"\S*/ours/templates/", "templates/", text)


def _area(filename: str, function: str) -> str:
    """Return which part of the build a profiled function belongs to."""
    for marker, area in (("/markdown/", "Python-Markdown"), ("/jinja2/", "Jinja2 (incl. compiled templates)"),
                         ("/markupsafe/", "Jinja2 (incl. compiled templates)"),
                         ("/templates/", "Jinja2 (incl. compiled templates)"), ("/yaml/", "PyYAML"),
                         ("/babel/", "Babel"), ("/xml/etree/", "ElementTree (for Markdown)")):
        if marker in filename:
            return area
    if "/microsite/" in filename:
        return "microsite/" + Path(filename).name
    if filename == "~":
        if any(word in function for word in ("posix.", "io.open", "write", "read", "link", "replace", "mkdir")):
            return "built-in: files and folders"
        if "re.Pattern" in function or "_sre" in function:
            return "built-in: regular expressions"
        return "built-in: other"
    return "Python standard library and the rest"


def _total_time(stats_file: Path) -> float:
    import pstats
    return pstats.Stats(str(stats_file)).total_tt  # type: ignore[attr-defined]


def profile_areas(stats_file: Path) -> dict[str, float]:
    """Return the profiled own time summed by area, largest first."""
    import pstats
    areas: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in pstats.Stats(str(stats_file)).stats.items():  # type: ignore[attr-defined]
        area = _area(filename, function)
        areas[area] = areas.get(area, 0.0) + tottime
    return dict(sorted(areas.items(), key=lambda item: -item[1]))


def profile_size(bench: Bench, size: Size, top: int = 25) -> str:
    """Return where one clean single-process build spends its time: cProfile, then the imports at startup."""
    import io
    import pstats
    print(f"== profiling {size.pages} pages per language in {size.root}", file=sys.stderr)
    prepare(bench, size, ["ours"])
    stats_file = size.root / "build.pstats"
    q = shlex.quote
    build = f"{q(str(REPO / 'build.py'))} --root . build --out out --jobs 1"
    run = run_measured(f"rm -rf out .out.staging .cache && {q(bench.python)} -m cProfile -o {q(str(stats_file))} {build}", size.ours)
    plain = run_measured(f"rm -rf out .out.staging .cache && {q(bench.python)} {build}", size.ours)
    sections = [f"### cProfile of one clean build, {size.pages:,} pages per language, --jobs 1", "",
                f"Without the profiler: {plain.seconds:.2f} s wall, {plain.cpu:.2f} s CPU; "
                f"with it: {run.seconds:.2f} s wall, {run.cpu:.2f} s CPU.", ""]
    sections += [f"Own time (tottime) by area, {_total_time(stats_file):.1f} s in all:", "",
                 _row(["area", "seconds", "share"]), _row(["---", "---", "---"])]
    areas = profile_areas(stats_file)
    total = sum(areas.values())
    sections += [_row([name, f"{sec:.2f}", f"{sec / total:.0%}"]) for name, sec in areas.items()] + [""]
    for order in ("tottime", "cumulative"):
        buffer = io.StringIO()
        pstats.Stats(str(stats_file), stream=buffer).sort_stats(order).print_stats(top)
        body = buffer.getvalue()
        body = body[body.index("   ncalls"):] if "   ncalls" in body else body
        sections += [f"Top {top} by {order}:", "", "```", _short(body).rstrip(), "```", ""]
    env_run = subprocess.run(["sh", "-c", f"rm -rf out .out.staging .cache && {q(bench.python)} {build}"], cwd=size.ours,
                             capture_output=True, text=True, env=dict(clean_env(), PYTHONPROFILEIMPORTTIME="1"))
    total, packages, ours = 0, {}, 0
    for line in env_run.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if not match:
            continue
        own, cumulative, name = int(match.group(1)), int(match.group(2)), match.group(4)
        total += own
        if name.split(".")[0] == "microsite":
            ours += own
        elif "." not in name:  # a package's own line: its cumulative time includes everything it imports
            packages[name] = max(packages.get(name, 0), cumulative)
    top_packages = sorted(packages.items(), key=lambda item: -item[1])[:15]
    sections += [f"Imports at startup (PYTHONPROFILEIMPORTTIME): {total / 1000:.0f} ms in all, of which "
                 f"{ours / 1000:.0f} ms in microsite's own modules. The costliest packages (cumulative):", "",
                 _row(["package", "ms"]), _row(["---", "---"])]
    sections += [_row([name, f"{us / 1000:.1f}"]) for name, us in top_packages]
    return "\n".join(sections) + "\n"


# -- the report -------------------------------------------------------------------------------------------------

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
    lines += [_row(head + [r[0] for r in ratios]), _row(["---"] * (len(head) + len(ratios)))]
    for n in sizes:
        cells = [f"{n:,}", _s(m(n, "ours"))] + [_s(m(n, t)) + _runs(results, n, t, repeats) for t in others]
        lines.append(_row(cells + [_ratio(m(n, a), m(n, b)) for _, a, b in ratios]))
    lines += ["", "### CPU time of the same clean builds (user + system, every process; median)", "",
              "Less disturbed than wall time by other work on a shared machine, but blind to parallelism.", "",
              _row(["pages per language", "ours", *[names.get(t, t) for t in others], "ours / Hugo"]),
              _row(["---"] * (3 + len(others)))]
    for n in sizes:
        cells = [_s(m(n, f"{t} cpu")) for t in ["ours", *others]]
        lines.append(_row([f"{n:,}", *cells, _ratio(m(n, "ours cpu"), m(n, "hugo cpu"))]))
    lines += ["", "### Rebuilds (ours; median)", "",
              _row(["pages per language", "no change (CLI)", "one-page edit (CLI)", "one-page edit (serve)",
                    "save to page on disk (serve)", "no change / Hugo clean",
                    "what the edit re-rendered (CLI; serve)"]), _row(["---"] * 7)]
    for n in sizes:
        done = results.rendered.get(n, {})
        lines.append(_row([f"{n:,}", _s(m(n, "no-change")), _s(m(n, "edit cli")), _ms(m(n, "edit serve")),
                           _ms(m(n, "edit serve latency")), _ratio(m(n, "no-change"), m(n, "hugo")),
                           f"{done.get('edit cli', '–')}; {done.get('edit serve', 'n/a')}"]))
    lines += ["", "### Search index (Pagefind, extended: part of our builds above; median)", "",
              _row(["pages per language", "index time (clean build)", "share of the clean build",
                    "clean build without it", "without it / Hugo", "one-page edit (CLI) without it"]),
              _row(["---"] * 6)]
    for n in sizes:
        lines.append(_row([f"{n:,}", _s(m(n, "search index")), _ratio(m(n, "search index"), m(n, "ours")),
                           _s(_minus(m(n, "ours"), m(n, "search index"))),
                           _ratio(_minus(m(n, "ours"), m(n, "search index")), m(n, "hugo")),
                           _s(_minus(m(n, "edit cli"), m(n, "edit cli index")))]))
    if results.runs(0, "real site"):
        lines += ["", "### The real site (content/ of this repository, clean build; median)", "",
                  _row(["ours", "ours without the search index", "Hugo, 100-page corpus"]), _row(["---"] * 3),
                  _row([_s(m(0, "real site")), _s(_minus(m(0, "real site"), m(0, "real site index"))),
                        _s(m(100, "hugo"))])]
    lines += ["", "### Peak memory of a clean build", "",
              _row(["pages per language", "ours: largest process", "ours: all processes (RSS sum)",
                    "ours: all processes (PSS sum)", "ours --no-search: largest", "ours --no-search: all (PSS)",
                    *[names.get(t, t) for t in others]]),
              _row(["---"] * (6 + len(others)))]
    for n in sizes:
        mem = results.memory.get(n, {})
        peak = [_mb(max(results.samples.get(n, {}).get(f"{t} maxrss", [0])) or None) for t in others]
        lines.append(_row([f"{n:,}", _mb(mem.get("maxrss")), _mb(mem.get("sum_rss")), _mb(mem.get("sum_pss")),
                           _mb(mem.get("maxrss_no_search")), _mb(mem.get("sum_pss_no_search")), *peak]))
    lines += ["", "### Targets (issue 18)", "", _row(["target", "pages per language", "measured", "result"]),
              _row(["---"] * 4)]
    lines += [_row(r) for r in targets(results, sizes)]
    return "\n".join(lines)


def _runs(results: Results, n: int, tool: str, repeats: int) -> str:
    runs = results.runs(n, tool)
    return f" ({runs} run{'s' if runs != 1 else ''})" if runs and runs != repeats else ""


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _row(cells: list[str]) -> str:
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


def machine() -> str:
    """Return a line describing this machine and Python."""
    cpu = "unknown CPU"
    try:
        cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M).group(1)  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{len(os.sched_getaffinity(0))} cores (nproc), {cpu}, {mem:.0f} GiB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def _commit() -> str:
    """Return the commit that last changed our generator or the files it builds from, noting uncommitted changes."""
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run(git + ["log", "-1", "--format=%h", "--", *GENERATOR], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(git + ["status", "--porcelain", "--", *GENERATOR], capture_output=True, text=True).stdout
    return commit + (" + uncommitted changes" if dirty.strip() else "")


def versions(bench: Bench, tools: list[str]) -> str:
    """Return the versions of the generators compared."""
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    parts = [f"ours: main at {head}, generator last changed in {_commit()}"]
    meta = "import importlib.metadata as m, sys; print(' '.join(p + ' ' + m.version(p) for p in sys.argv[1:]))"
    if "hugo" in tools:
        parts.append(re.sub(r"\s+BuildDate.*", "", out([str(bench.hugo_binary()), "version"])))
    if "mkdocs" in tools:
        parts.append(out([str(bench.venv("mkdocs") / "bin/python"), "-c", meta, "mkdocs", "mkdocs-static-i18n"]))
    if "pelican" in tools:
        parts.append(out([str(bench.venv("pelican") / "bin/python"), "-c", meta, "pelican", "markdown"]))
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print and record the tables."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_measure"]:
        return measure_main(argv[1:])
    if argv[:1] == ["_serve"]:
        return serve_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="pages per language (default: 100 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed rounds per size, tools alternating (default: 3)")
    parser.add_argument("--tools", default="ours,hugo,mkdocs,pelican,floor",
                        help="comma-separated subset of ours,hugo,mkdocs,pelican,floor (default: all)")
    parser.add_argument("--jobs", type=int, help="our worker processes (default: our own default, one per core)")
    parser.add_argument("--retries", type=int, default=2,
                        help="time a run again (up to N times) when other processes used over 10%% of the CPUs")
    parser.add_argument("--once-above", type=float, default=120, metavar="SECONDS",
                        help="a tool whose first build takes longer runs only once at that size (default: 120)")
    parser.add_argument("--limit", action="append", default=[], metavar="TOOL=PAGES",
                        help="time TOOL only at sizes up to PAGES, e.g. mkdocs=1000 (its 4,000-page build takes "
                             "over 12 minutes); may be given more than once")
    parser.add_argument("--work", type=Path, default=Path("/tmp/microsite-bench"), help="work folder (default: /tmp/microsite-bench)")
    parser.add_argument("--kit", type=Path, default=DEFAULT_KIT, help=f"the bench kit (default: {DEFAULT_KIT})")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.md", help="where to record the tables")
    parser.add_argument("--sections", action="store_true",
                        help="nest the corpus three levels deep with folder pages (benchmarks/corpus_sections.py); "
                             "times ours only")
    parser.add_argument("--profile", action="store_true",
                        help="instead of timing, profile one clean --jobs 1 build of ours per size (results/profile.md)")
    args = parser.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    try:
        limits = {tool: int(pages) for tool, pages in (item.split("=", 1) for item in args.limit)}
    except ValueError:
        parser.error("--limit takes TOOL=PAGES, e.g. mkdocs=1000")
    unknown = set(tools) - set(ALL_TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))} (known: {', '.join(ALL_TOOLS)})")
    if args.sections:
        tools = [tool for tool in tools if tool == "ours"]
    bench = Bench(args.kit.resolve(), args.work.resolve() / ("sections" if args.sections else ""),
                  os.environ.get("BENCH_VENVS", "/tmp/bench-venv"), args.jobs, args.retries, sections=args.sections)
    ensure_envs(bench, tools)
    if args.profile:
        text = "".join(profile_size(bench, Size(n, bench.work / f"profile-{n}")) for n in args.sizes)
        text = f"## Profile, {datetime.datetime.now():%Y-%m-%d %H:%M}, generator at {_commit()}\n\n{text}"
        print(text)
        out = args.output if args.output != RESULTS / "latest.md" else RESULTS / "profile.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        return 0
    layout = load_layout(bench.kit)
    results = Results()
    if args.sections:
        results.notes.append("corpus nested three levels deep with folder pages by benchmarks/corpus_sections.py "
                             f"(seed {SEED}); ours only")
    started, load_before = datetime.datetime.now(), os.getloadavg()[0]
    commits = []
    for pages in args.sizes:
        commits.append(_commit())
        here = [tool for tool in tools if pages <= limits.get(tool, pages)]
        bench_size(bench, Size(pages, bench.work / str(pages)), here, args.repeats, args.once_above, results, layout)
        if here != tools:
            results.notes.append(f"at {pages:,}: not timed: {', '.join(t for t in tools if t not in here)} (--limit)")
    if "ours" in tools and not args.sections:
        real_site(bench, args.repeats, results)
    if len(set(commits + [_commit()])) > 1:
        at = ", ".join(f"{n:,} at {c}" for n, c in zip(args.sizes, commits))
        results.notes.append(f"our generator changed during the run ({at}; now {_commit()}): compare sizes with care")
    command = "python benchmarks/bench_build.py " + " ".join(shlex.quote(a) for a in argv)
    text = "\n".join([
        f"## Build benchmark, {started:%Y-%m-%d %H:%M}",
        "",
        f"- Command: `{command.strip()}` ({(datetime.datetime.now() - started).total_seconds() / 60:.0f} min)",
        f"- Machine: {machine()}; load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        "(other work on the machine inflates wall times; CPU times are steadier)",
        f"- Versions: {versions(bench, tools)}",
        f"- Corpus: ../shared/bench/make_corpus.py --seed {SEED} --no-key, N pages per language in both en and zh "
        "(400–900 words / ~1,100 hanzi, ~5 links each), laid out for each tool by layout.py; ours adds a home page "
        "and the facts page per language, and stamps each zh page as a current translation.",
        f"- Medians of {args.repeats} rounds, the tools alternating within each round; our jobs: "
        f"{args.jobs or 'default'}. One-page edit: a paragraph added to the body of the middle en page of the corpus "
        "(its zh translation then shows the 'outdated' notice, so it re-renders too).",
        f"- Other work on the machine: before each timed command the script waits (up to 30 s) until other "
        f"processes use under {QUIET:.0%} of the CPUs, and times a run under {RETRY_BELOW} s again (up to "
        f"{args.retries} times) when they used over {DISTURBED:.0%} meanwhile: {results.repeated} runs timed again; "
        f"still disturbed: {', '.join(results.disturbed) or 'none'}.",
        *[f"- Note: {note}" for note in results.notes],
        "",
        report(results, args.sizes, tools, args.repeats),
        "",
    ])
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    (bench.work / "samples.json").write_text(json.dumps({"samples": results.samples, "memory": results.memory},
                                                        indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
