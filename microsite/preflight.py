"""Before any work: can this Python run the generator, and is the project where we look? One line, no traceback.

Only the standard library is imported here, so it runs where the dependencies are missing.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import sys
from pathlib import Path

# import name -> the package pip installs it from
REQUIRED = {"babel": "babel", "jinja2": "jinja2", "markdown": "markdown", "yaml": "pyyaml"}
SERVE_ONLY = {"livereload": "livereload"}
CONFIG_FILE = "site.yaml"
REPO = Path(__file__).resolve().parent.parent  # where build.py, the Makefile and .venv/ live


def missing_packages(command: str) -> list[str]:
    """Return the packages `command` needs that this Python cannot import, sorted."""
    needed = {**REQUIRED, **(SERVE_ONLY if command == "serve" else {})}
    return sorted(package for name, package in needed.items() if importlib.util.find_spec(name) is None)


def shown(path: Path) -> str:
    """Return `path` relative to the current folder when it is inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def dependencies_problem(command: str, args: list[str], python: str = sys.executable) -> str | None:
    """Return the line explaining which packages are missing and how to get them, or None."""
    missing = missing_packages(command)
    if not missing:
        return None
    venv_python = REPO / ".venv" / "bin" / "python"
    where = f"missing Python package{'s' if len(missing) > 1 else ''}: {', '.join(missing)} (not installed for {python})"
    run = shlex.join([shown(venv_python), shown(REPO / "build.py"), *args])
    if not venv_python.exists():
        make = "make serve" if REPO == Path.cwd().resolve() else f"cd {shown(REPO)} && make serve"
        return f"{where}; set them up with: {make} (it creates .venv/), then run {run}"
    if Path(python).absolute() == venv_python.absolute():
        return f"{where}; reinstall them with: {shown(REPO / '.venv/bin/pip')} install -e {shown(REPO)}"
    return f"{where}; run {run} instead"

def root_problem(root: Path) -> str | None:
    """Return the line saying which folder lacks site.yaml and how to point at the project, or None."""
    if os.path.lexists(root / CONFIG_FILE):  # something is there: the loader says what is wrong with it
        return None
    searched = root.resolve()
    if (REPO / CONFIG_FILE).is_file() and REPO != searched:
        hint = f"run it from {shown(REPO)} or pass --root {shown(REPO)}"
    else:
        hint = "run it from the project folder or pass --root PROJECT_FOLDER"
    return f"{CONFIG_FILE}: not found in {searched} (the folder searched); {hint}"


def environment_problem(root: Path, command: str, args: list[str]) -> str | None:
    """Return the first reason `command` cannot run here (old Python, missing packages, no project), or None."""
    if sys.version_info < (3, 10):
        return f"Python 3.10 or later is needed; {sys.executable} is {sys.version.split()[0]}"
    return dependencies_problem(command, args) or root_problem(root)

