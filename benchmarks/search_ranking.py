"""How search shards change what readers find: the same queries against a sharded and a whole index, in chromium.

Builds a project twice, with its default shards and with one index per language (search_shard_pages above its
page count), serves both outputs on loopback and runs each query through Pagefind's JS API as static/search.js
does (shards merged). For every query it prints the hit counts and where the sharded top 10 rank in the whole
index, with the whole index's top-10 scores (close scores mean the order among them is a near tie).

Usage: python benchmarks/search_ranking.py PROJECT [--en QUERY ...] [--zh QUERY ...]
PROJECT is a project folder (site.yaml, content/), e.g. /tmp/microsite-bench/1000/ours after bench_build.py.
Needs chromium (/usr/bin/chromium) and the playwright package.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EN = ["industrial robot", "foundation model", "city brain", "cloud platform trends", "logistics pilot", "compute",
      "data centre", "policy", "survey", "roadmap"]
ZH = ["云平台", "智算集群", "算力", "人工智能", "机器人", "路线图", "年度回顾", "数据"]
SEARCH = """async ([terms, lang]) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.options({baseUrl: '/'});
  await pf.init();
  const shards = await (await fetch('/pagefind/shards.json')).json();
  for (const folder of (shards[lang] || [])) {
    await pf.mergeIndex(new URL('/pagefind/' + folder, location.href).href, {baseUrl: '/'});
  }
  const found = {};
  for (const term of terms) {
    const r = await pf.search(term);
    found[term] = {ids: r.results.map(x => x.id), scores: r.results.slice(0, 10).map(x => x.score)};
  }
  return found;
}"""


def build(project: Path, out: Path, shard_pages: int | None) -> None:
    """Build a copy of `project` into `out`, with the given search_shard_pages (None: the project's own)."""
    copy = out.parent / f"{out.name}-project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("out*", "site", ".cache"))
    if shard_pages is not None:  # replaces the project's own setting, if it has one
        config = copy / "site.yaml"
        lines = [line for line in config.read_text(encoding="utf-8").splitlines()
                 if not line.startswith("search_shard_pages:")]
        config.write_text("\n".join([*lines, f"search_shard_pages: {shard_pages}"]) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(copy), "build", "--out", str(out)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    print(done.stdout.strip())


def search(outs: dict[str, Path], queries: dict[str, list[str]]) -> dict[str, dict[str, dict]]:
    """Return, per build and language, each query's result ids (all) and top-10 scores."""
    from playwright.sync_api import sync_playwright
    servers = {name: subprocess.Popen([sys.executable, "-m", "http.server", str(8700 + n), "-b", "127.0.0.1",
                                       "-d", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for n, (name, out) in enumerate(outs.items())}
    time.sleep(1)
    results: dict[str, dict[str, dict]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for n, name in enumerate(outs):
                for lang, html_lang in (("en", "en"), ("zh", "zh-cn")):
                    page = browser.new_page()
                    page.goto(f"http://127.0.0.1:{8700 + n}/{lang}/")
                    results.setdefault(name, {})[lang] = page.evaluate(SEARCH, [queries[lang], html_lang])
                    page.close()
            browser.close()
    finally:
        for server in servers.values():
            server.terminate()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--en", nargs="+", default=EN)
    parser.add_argument("--zh", nargs="+", default=ZH)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ranking-") as work:
        outs = {"sharded": Path(work) / "sharded", "whole": Path(work) / "whole"}
        build(args.project, outs["sharded"], None)
        build(args.project, outs["whole"], 10**9)
        found = search(outs, {"en": args.en, "zh": args.zh})
    print("| query | hits, sharded / whole | whole-index ranks of the sharded top 10 | whole top-10 scores |")
    print("|---|---|---|---|")
    for lang, terms in (("en", args.en), ("zh", args.zh)):
        for term in terms:
            sharded, whole = found["sharded"][lang][term], found["whole"][lang][term]
            ranks = [whole["ids"].index(i) + 1 if i in whole["ids"] else "–" for i in sharded["ids"][:10]]
            scores = f"{min(whole['scores']):.2f}–{max(whole['scores']):.2f}" if whole["scores"] else "–"
            print(f"| {term} | {len(sharded['ids'])} / {len(whole['ids'])} | {', '.join(map(str, ranks))} | {scores} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
