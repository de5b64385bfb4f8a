"""The `lint:` section of site.yaml, and the source texts the copy check compares prose with.

    lint:
      sources: sources          # a folder of source texts (.txt, .md, .html); keep it git-ignored
      allow_latin: [Ni Tao]     # names and terms Chinese pages may write in Latin letters (["*"]: any)
      spacing: none             # between Chinese and Latin text: none (the default), space, or any (unchecked)

Source texts are read only by `check`; they are never published, so the folder may not lie in
content/, static/ or templates/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import SiteConfig
from ..errors import BuildError, BuildFailed, decode_utf8, display_path, raise_if
from ..yamlio import LineMap

CONFIG_FILE = "site.yaml"
_KEYS = {"sources", "allow_latin", "spacing"}
SPACINGS = ("none", "space", "any")
_PUBLISHED = ("content", "static", "templates")
SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class LintSettings:
    """What check's lints need besides the site: where source texts are, which Latin names Chinese may use."""

    sources: Path | None = None  # a folder, resolved
    sources_shown: str = ""  # the folder as the editor wrote it, for messages
    allow_latin: tuple[str, ...] = ()
    spaced: bool | None = False  # one space between Chinese and Latin text, rather than none; None: unchecked


@dataclass(frozen=True)
class SourceText:
    """One source text the copy check compares prose with."""

    path: str  # as shown in messages
    text: str


def parse_lint_settings(config: SiteConfig) -> LintSettings:
    """Return the lint settings of site.yaml; raise BuildFailed at site.yaml:line when they are wrong."""
    raw: Any = getattr(config, "lint", None)
    if raw is None:
        return LintSettings()
    line = raw.line if isinstance(raw, LineMap) else None
    if not isinstance(raw, dict):
        raise BuildFailed([BuildError(CONFIG_FILE, line, "lint must be a mapping (allow_latin, sources, spacing)")])
    errors = [BuildError(CONFIG_FILE, raw.line_of(key) if isinstance(raw, LineMap) else None,
                         f"lint: unknown setting '{key}' (known: allow_latin, sources, spacing)")
              for key in raw if key not in _KEYS]
    where = raw.line_of if isinstance(raw, LineMap) else (lambda key: None)
    allow = raw.get("allow_latin", [])
    if not isinstance(allow, list) or not all(isinstance(item, str) and item.strip() for item in allow):
        errors.append(BuildError(CONFIG_FILE, where("allow_latin"), "lint: allow_latin must be a list of names"))
        allow = []
    folder = raw.get("sources")
    if folder is not None and not isinstance(folder, str):
        errors.append(BuildError(CONFIG_FILE, where("sources"), "lint: sources must be a folder name"))
        folder = None
    if folder is not None:
        problem = check_source_folder(config.root / folder, config.root, folder)
        if problem:
            errors.append(BuildError(CONFIG_FILE, where("sources"), f"lint: {problem}"))
    spacing = raw.get("spacing", "none")
    if spacing not in SPACINGS:
        errors.append(BuildError(CONFIG_FILE, where("spacing"), "lint: spacing must be none, space or any"))
    raise_if(errors)
    return LintSettings((config.root / folder).resolve() if folder else None, folder or "",
                        tuple(item.strip() for item in allow),
                        None if spacing == "any" else spacing == "space")


def check_source_folder(folder: Path, root: Path, shown: str) -> str | None:
    """Return why `folder` cannot hold source texts (it would be published), or None."""
    real, project = folder.resolve(), root.resolve()
    for name in _PUBLISHED:
        published = project / name
        if real == published or published in real.parents:
            return (f"sources '{shown}' is inside {name}/, which is published; keep source texts in a "
                    "folder of their own, such as sources/ (git-ignored)")
    return None


def load_source_texts(folder: Path, shown: str) -> list[SourceText]:
    """Read every .txt, .md and .html file under `folder` (HTML without its tags), sorted by path."""
    texts, errors = [], []
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in SOURCE_SUFFIXES and p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(folder).parts)):
        name = f"{shown.rstrip('/')}/{path.relative_to(folder).as_posix()}"
        try:
            text = decode_utf8(path.read_bytes(), name)
        except BuildFailed as exc:
            errors.extend(exc.errors)
            continue
        if path.suffix.lower() in (".html", ".htm"):
            text = _TAG_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        texts.append(SourceText(name, text))
    raise_if(errors)
    return texts


def resolve_sources(config: SiteConfig, settings: LintSettings, given: Path | None) -> list[SourceText]:
    """Return the source texts of `check --sources DIR` (a folder that must exist), else of site.yaml's folder.

    A folder named in site.yaml but absent (a fresh clone: it is git-ignored) means no source texts.
    """
    if given is not None:
        shown = given.as_posix()
        if not given.is_dir():
            raise BuildFailed([BuildError("--sources", None, f"no such folder '{shown}'")])
        problem = check_source_folder(given, config.root, shown)
        raise_if([BuildError("--sources", None, problem)] if problem else [])
        return load_source_texts(given, shown)
    if settings.sources is None or not settings.sources.is_dir():
        return []
    return load_source_texts(settings.sources, settings.sources_shown or display_path(settings.sources, config.root))
