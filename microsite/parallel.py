"""Worker processes: how many, and a forked pool (workers inherit everything already loaded)."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os

PARALLEL_THRESHOLD = 48  # below this many items, starting processes costs more than it saves


def available_cpus() -> int:
    """Return the CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worker_count(requested: int | None, items: int) -> int:
    """Return how many processes to share `items` among: 1 for small jobs or where fork is unavailable."""
    if items < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    available = available_cpus()
    return max(1, min(requested or available, available * 2, items // 8 or 1))


def fork_pool(workers: int) -> multiprocessing.pool.Pool:
    """Return a pool of forked processes."""
    gc.freeze()  # what the workers inherit stays out of their collections, so its pages stay shared
    try:
        return multiprocessing.get_context("fork").Pool(workers)
    finally:
        gc.unfreeze()


def chunk_size(items: int, workers: int) -> int:
    """Return how many items to hand a worker at a time: small enough to balance, big enough to be cheap."""
    return max(4, min(16, items // (workers * 8) or 1))
