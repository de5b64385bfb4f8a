"""One-page edits timed inside the preview server, in-process, for bench_build.py (run as a script).

As `serve` does: the operating system names the edited file (microsite/watch.py), and the rebuild re-stats
only that. Prints JSON: the first build, the rebuild times, the time from the save to the page on disk.
Usage: serve_timing.py PROJECT PAGE JOBS EDITS
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def edit_page(path: Path, original: str, marker: str) -> None:
    """Change one page's body: add a paragraph carrying `marker`."""
    path.write_text(original + f"\nA benchmark edit, {marker}.\n", encoding="utf-8")


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


if __name__ == "__main__":
    raise SystemExit(serve_main(sys.argv[1:]))
