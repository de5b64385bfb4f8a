"""A new user's first steps: installing the package, running build.py without its dependencies or elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, require


def pip_wheel(source: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    """Build a wheel of `source` the way `pip install` does (isolated build, setuptools from the index)."""
    return subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-w", str(dest),
                           str(source)], capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_installing_prints_no_deprecation_banner(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "microsite", source / "microsite", ignore=shutil.ignore_patterns("__pycache__"))
    result = pip_wheel(source, tmp_path / "wheels")
    require(result.returncode == 0 or "No matching distribution" not in result.stderr,
            "pip cannot reach a package index to fetch setuptools")
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "deprecated" not in output.lower() and "BuildBackendWarning" not in output, output
    wheel = next((tmp_path / "wheels").glob("microsite-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: MIT" in metadata.splitlines()


def test_the_license_form_matches_the_setuptools_it_needs() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # An SPDX string needs setuptools 77 (PEP 639); older ones reject it, newer ones deprecate the table.
    assert project["project"]["license"] == "MIT"
    assert project["build-system"]["requires"] == ["setuptools>=77"]
