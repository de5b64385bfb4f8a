"""Files beside pages: every non-Markdown file under content/<lang>/ is published next to its page, and
content/assets/ is shared by every language (content/assets/map.svg -> assets/map.svg).
"""

from __future__ import annotations

from pathlib import Path

from .config import SiteConfig
from .errors import BuildError
from .safeio import walk_files
from .sections import SECTION_FILE
from .write import safe_output_path

SHARED_DIR = "assets"  # content/assets/: files both languages use


def _folders(config: SiteConfig) -> list[tuple[str, Path]]:
    """Return (output prefix, folder) of every place files beside pages live."""
    return [(f"{code}/", config.content_dir / code) for code in config.codes] + [
        (f"{SHARED_DIR}/", config.content_dir / SHARED_DIR)]


def source_of(config: SiteConfig, site_path: str) -> Path | None:
    """Return the file that will be published at `site_path` ('en/plan/map.png', 'static/logo.svg'), if any."""
    if site_path.startswith("static/"):
        folder, rel = config.static_dir, site_path[len("static/"):]
    else:
        prefix, _, rel = site_path.partition("/")
        if prefix not in (*config.codes, SHARED_DIR):
            return None
        folder = config.content_dir / prefix
    parts = rel.split("/")
    if not rel or rel.endswith(".md") or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    path = folder.joinpath(*parts)
    try:
        real = path.resolve()
        if config.root.resolve() not in real.parents or not real.is_file():
            return None
    except OSError:
        return None
    return path


def find_assets(config: SiteConfig) -> tuple[list[tuple[str, Path]], list[BuildError]]:
    """Return (output path, file) of every file beside a page or in content/assets/, sorted, and refused files.

    The walk is safeio's (links out of the project and loops refused); each file is checked again when read.
    """
    found: list[tuple[str, Path]] = []
    errors: list[BuildError] = []
    for prefix, folder in _folders(config):
        if not folder.is_dir():
            continue
        for item in walk_files(config.root, folder, f"content/{prefix.rstrip('/')}"):
            if isinstance(item, BuildError):
                errors.append(item)
                continue
            rel, path = prefix + item[0], item[1]
            if rel.endswith(".md") or rel.rpartition("/")[2] == SECTION_FILE:
                continue
            if safe_output_path(rel) is None:
                errors.append(BuildError(f"content/{rel}", None, "file name would escape the output folder"))
            else:
                found.append((rel, path))
    return sorted(found), errors


def file_fingerprint(config: SiteConfig, site_path: str) -> str:
    """Return the state of the file published at `site_path` (size and mtime), for cache keys."""
    path = source_of(config, site_path)
    if path is None:
        return "missing"
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"
