"""The benchmark corpus's Markdown blocks (benchmarks/corpus_markdown.py): deterministic, and built cleanly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build

# beside the checkout, as bench_build.py expects it (or one level up, beside a folder of worktrees)
KIT = next((p for p in (ROOT.parent / "shared/bench", ROOT.parents[1] / "shared/bench") if p.is_dir()),
           ROOT.parent / "shared/bench")
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus_markdown import add_markdown, page_blocks  # noqa: E402


def make_corpus(out: Path, pages: int = 12) -> Path:
    if not (KIT / "make_corpus.py").is_file():
        pytest.skip("the bench kit (../shared/bench) is not beside this checkout")
    subprocess.run([sys.executable, str(KIT / "make_corpus.py"), "--pages", str(pages), "--out", str(out),
                    "--seed", "42", "--no-key"], check=True, capture_output=True)
    return out


def test_a_realistic_share_of_pages_gets_blocks_the_same_every_time() -> None:
    rels = [f"section/page-{i:05d}.md" for i in range(1000)]
    share = sum(bool(page_blocks(rel)) for rel in rels) / len(rels)
    assert 0.5 < share < 0.85
    assert [page_blocks(rel) for rel in rels] == [page_blocks(rel) for rel in rels]
    assert page_blocks(rels[0], seed=42) != page_blocks(rels[0], seed=7) or page_blocks(rels[1], 42) != page_blocks(
        rels[1], 7)


def test_the_corpus_with_blocks_builds_with_no_markup_left_as_text(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    again = make_corpus(tmp_path / "again")
    counts = add_markdown(corpus)
    add_markdown(again)
    pages = sorted(p.relative_to(corpus) for p in corpus.rglob("*.md"))
    assert [(corpus / p).read_bytes() for p in pages] == [(again / p).read_bytes() for p in pages]
    assert counts["any"] > 0 and counts["note"] + counts["code"] > 0

    import bench_build
    project = tmp_path / "project"
    bench_build.make_project(corpus, project)
    result = run_build(project, "check")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "reached the page" in line or "image" in line] == []
