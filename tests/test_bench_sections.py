"""The benchmark's nested-sections corpus (benchmarks/corpus_sections.py): deterministic, and it builds cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build, snapshot

# The bench kit lives beside the repository, not in it (bench_build.py --kit); CI does not have it.
KIT = next((kit for kit in (ROOT.parent / "shared" / "bench", ROOT.parent.parent / "shared" / "bench")
            if (kit / "make_corpus.py").is_file()), ROOT.parent / "shared" / "bench")
sys.path.insert(0, str(ROOT / "benchmarks"))


def nested_project(where: Path, pages: int = 60) -> Path:
    """Generate the kit's corpus, nest it, and lay it out as a project of ours, as bench_build.py --sections does."""
    import bench_build
    import corpus_sections
    corpus = where / "corpus"
    subprocess.run([sys.executable, str(KIT / "make_corpus.py"), "--pages", str(pages), "--out", str(corpus),
                    "--seed", "42", "--no-key"], check=True, stdout=subprocess.DEVNULL)
    corpus_sections.nest(corpus)
    bench_build.make_project(corpus, where / "ours")
    rels = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["pages"]
    corpus_sections.add_folder_pages(where / "ours" / "content", rels, 42, KIT)
    return where / "ours"


def test_nested_corpus_is_deterministic_and_builds_without_warnings(tmp_path: Path) -> None:
    if not (KIT / "make_corpus.py").is_file():
        pytest.skip(f"the bench kit is not at {KIT}")
    first, second = nested_project(tmp_path / "a"), nested_project(tmp_path / "b")
    assert snapshot(first / "content") == snapshot(second / "content")
    depths = {p.relative_to(first / "content/en").as_posix().count("/") for p in (first / "content/en").rglob("*.md")}
    assert max(depths) == 3  # theme/facet/part-NN/page.md
    kinds = {p.name for p in (first / "content/en").rglob("*") if p.name in ("index.md", "README.md", "_section.yaml")}
    assert kinds == {"index.md", "README.md", "_section.yaml"}
    # not --strict: the synthetic corpus types figures by hand, which only check's lints mind
    result = run_build(first, "build")
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
