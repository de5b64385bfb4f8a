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
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import corpus_sections  # benchmarks/corpus_sections.py: --sections
from corpus_markdown import add_markdown  # issue 12: notes, code, footnotes, tabs... in a share of the pages
from measure import DISTURBED, QUIET, RETRY_BELOW, clean_env, run_measured, wait_for_quiet
from report import Results, report, row
from serve_timing import edit_page

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DEFAULT_KIT = REPO.parent / "shared" / "bench"
SEED = 42
ALL_TOOLS = ("ours", "hugo", "mkdocs", "pelican", "floor")
GENERATOR = ("microsite", "templates", "static", "content/strings", "site.yaml", "build.py")  # what we time


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
    script = Path(__file__).resolve().with_name("serve_timing.py")
    done = subprocess.run([bench.python, str(script), str(size.ours), size.edit,
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
                 row(["area", "seconds", "share"]), row(["---", "---", "---"])]
    areas = profile_areas(stats_file)
    total = sum(areas.values())
    sections += [row([name, f"{sec:.2f}", f"{sec / total:.0%}"]) for name, sec in areas.items()] + [""]
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
                 row(["package", "ms"]), row(["---", "---"])]
    sections += [row([name, f"{us / 1000:.1f}"]) for name, us in top_packages]
    return "\n".join(sections) + "\n"


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
