"""A new user's first steps: installing the package, running build.py without its dependencies or elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

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


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a Python with none of the project's dependencies (a venv without packages)."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    return venv / "bin" / "python"


def run_with(python: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run build.py with another Python, as a user typing `python3 build.py` outside the venv would."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run([str(python), str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env={**env, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("args", [["check", "--strict"], []])
def test_without_the_dependencies_one_line_says_what_is_missing_and_what_to_run(bare_python: Path, tmp_path: Path,
                                                                               args: list[str]) -> None:
    result = run_with(bare_python, tmp_path, *args)
    assert (result.returncode, result.stdout) == (1, "")
    venv = ROOT / ".venv/bin/python"
    fix = (f"run {' '.join([str(venv), str(ROOT / 'build.py'), *args])} instead" if venv.exists() else
           f"set them up with: cd {ROOT} && make serve (it creates .venv/), then run "
           f"{' '.join([str(venv), str(ROOT / 'build.py'), *args])}")
    assert result.stderr == (f"missing Python packages: babel, jinja2, markdown, pyyaml (not installed for "
                             f"{bare_python}); {fix}\n")


def test_help_works_without_the_dependencies(bare_python: Path, tmp_path: Path) -> None:
    result = run_with(bare_python, tmp_path, "--help")
    assert result.returncode == 0 and "usage: python build.py" in result.stdout


def test_run_from_another_folder_it_names_the_folder_searched_and_root(tmp_path: Path,
                                                                     make_project: Callable[..., Path]) -> None:
    elsewhere = tmp_path / "notes"
    elsewhere.mkdir()
    result = run_with(Path(sys.executable), elsewhere, "build")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"site.yaml: not found in {elsewhere} (the folder searched); "
                             f"run it from {ROOT} or pass --root {ROOT}\n")
    assert not (elsewhere / "site").exists()
    project = make_project()
    assert run_with(Path(sys.executable), elsewhere, "--root", str(project), "check").returncode == 0
