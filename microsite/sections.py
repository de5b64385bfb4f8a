"""Sections: every folder under content/<lang>/ that holds pages, and its optional _section.yaml.

A folder's own page is its index.md or README.md; a folder without one gets a generated listing.
`_section.yaml` is small on purpose: the folder's title in that language, its weight among its
siblings, the order of its children, and children left out of the navigation.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError, BuildFailed, raise_if
from .safeio import read_text
from .yamlio import LineMap, parse_yaml

SECTION_FILE = "_section.yaml"
SECTION_KEYS = ("title", "weight", "order", "hidden")


@dataclass(frozen=True)
class SectionMeta:
    """What one _section.yaml says about its folder, in one language."""

    lang: str
    slug: str  # the folder under content/<lang>/, e.g. "guide/advanced"; "" for the language's root
    source: str  # as shown in messages, e.g. "content/en/guide/_section.yaml"
    title: str = ""
    weight: int | None = None
    order: tuple[str, ...] = ()  # child names (file stems or folder names), first in this order
    hidden: tuple[str, ...] = ()  # child names left out of the navigation (still built and linkable)
    lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False)


def parse_section_meta(text: str, source: str, lang: str, slug: str) -> tuple[SectionMeta, list[BuildError]]:
    """Parse one _section.yaml; return what it says and its problems (an unknown key does not hide the rest)."""
    data, errors = parse_yaml(text, source)
    raise_if(errors)
    if data is None:
        return SectionMeta(lang, slug, source), []
    if not isinstance(data, LineMap):
        raise BuildFailed([BuildError(source, 1, f"expected 'key: value' lines ({', '.join(SECTION_KEYS)})")])
    for key in data:
        if key not in SECTION_KEYS:
            close = difflib.get_close_matches(str(key), SECTION_KEYS, n=1, cutoff=0.7)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            errors.append(BuildError(source, data.line_of(key),
                                     f"unknown key '{key}'{hint} (allowed: {', '.join(SECTION_KEYS)})"))
    title = data.get("title", "")
    if not isinstance(title, str):
        errors.append(BuildError(source, data.line_of("title"), "'title' must be text"))
    weight = data.get("weight")
    if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int)):
        errors.append(BuildError(source, data.line_of("weight"), f"'weight' must be a whole number, got {weight!r}"))
    lists = {}
    for key in ("order", "hidden"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            errors.append(BuildError(source, data.line_of(key), f"'{key}' must be a list of page or folder names"))
            value = []
        lists[key] = tuple(item.strip("/").removesuffix(".md") for item in value)
    meta = SectionMeta(lang, slug, source, title.strip() if isinstance(title, str) else "",
                       weight if isinstance(weight, int) and not isinstance(weight, bool) else None,
                       lists["order"], lists["hidden"], dict(data.lines))
    return meta, errors


def load_section_metas(root: Path, files: list[tuple[str, str, Path]]
                       ) -> tuple[dict[tuple[str, str], SectionMeta], list[BuildError]]:
    """Read every _section.yaml given as (lang, folder slug, path); return them by (lang, slug), and errors."""
    metas, errors = {}, []
    for lang, slug, path in files:
        source = f"content/{lang}/{slug + '/' if slug else ''}{SECTION_FILE}"
        try:
            metas[lang, slug], problems = parse_section_meta(read_text(root, path, source), source, lang, slug)
        except BuildFailed as exc:
            problems = exc.errors
        errors.extend(problems)
    return metas, errors


def parent_of(slug: str) -> str | None:
    """Return the folder a slug sits in ('' for top-level ones; None for the home page)."""
    if slug == "":
        return None
    return slug.rpartition("/")[0]


def humanize(name: str) -> str:
    """Return a readable title made from a folder name: 'getting-started' -> 'Getting started'."""
    words = name.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else name


def check_section_names(metas: dict[tuple[str, str], SectionMeta], children: dict[str, set[str]]) -> list[BuildError]:
    """Return an error for each name in `order` or `hidden` that is not a child of its folder.

    `children` maps a folder slug to the names of its pages and subfolders (in any language).
    """
    errors = []
    for meta in metas.values():
        known = children.get(meta.slug, set())
        for key in ("order", "hidden"):
            for name in getattr(meta, key):
                if name not in known:
                    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    folder = f"content/{meta.lang}/{meta.slug + '/' if meta.slug else ''}"
                    errors.append(BuildError(meta.source, meta.lines.get(key),
                                             f"{key}: no page or folder '{name}' in {folder}{hint}"))
    return errors
