"""Measuring one command for bench_build.py: wall and CPU time, peak memory, and how busy the machine was.

Each command runs inside a fresh wrapper process (this file run as a script), so RUSAGE_CHILDREN covers
only that command and its children.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000
QUIET = 0.15  # before a timed command, wait until other processes use less than this share of the CPUs
DISTURBED = 0.10  # a run during which others used more than this share of the CPUs is repeated
RETRY_BELOW = 60  # ... when it took less than this many seconds


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
    wrapper = [sys.executable, str(Path(__file__).resolve()), *(["--sample"] if sample else []), "sh", "-c", script]
    done = subprocess.run(wrapper, cwd=cwd, capture_output=True, text=True, env=clean_env())
    if done.returncode != 0:
        raise SystemExit(f"measuring wrapper failed for {script!r}:\n{done.stderr}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    if data["rc"] != 0:
        raise SystemExit(f"FAILED (exit {data['rc']}) in {cwd}: {script}\n{data['stdout']}\n{data['stderr']}")
    share = data["other_cpu"] / (max(data["seconds"], 1e-3) * len(os.sched_getaffinity(0)))
    return Run(data["seconds"], data["cpu"], data["maxrss_kb"] * 1024 / MB, data["sum_rss_kb"] * 1024 / MB,
               data["sum_pss_kb"] * 1024 / MB, data["stdout"], data["stderr"], share)


if __name__ == "__main__":
    raise SystemExit(measure_main(sys.argv[1:]))
