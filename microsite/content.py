"""content/<lang>/**/*.md -> Pages: front matter checked, nothing rendered yet."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Any

import yaml

from .aliases import parse_aliases
from .config import SiteConfig
from .errors import BuildError, BuildFailed, decode_utf8, raise_if
from .model import Page, digest
from .yamlio import parse_yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT_MATTER_KEYS = ("title", "description", "date", "weight", "template", "translation_of", "aliases")
FENCE = "---"


def split_front_matter(text: str, source: str) -> tuple[str, str, int]:
    """Return (front matter, body, body's first line) of a page's text."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise BuildFailed([BuildError(source, 1, "front matter: the file must start with a '---' line")])
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise BuildFailed([BuildError(source, 1, "front matter: no closing '---' line")])


_KEY_LINE_RE = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.M)


def front_matter_lines(head: str) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Return the file line of each top-level key, and (line, key) of keys given twice."""
    lines: dict[str, int] = {}
    repeated = []
    for match in _KEY_LINE_RE.finditer(head):
        line = head.count("\n", 0, match.start()) + 2  # front matter starts on line 2
        key = match.group(1)
        if key in lines:
            repeated.append((line, key))
        lines.setdefault(key, line)
    return lines, repeated


def parse_front_matter(head: str, source: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse front matter YAML; return the values and the line of each key."""
    lines, repeated = front_matter_lines(head)
    errors = [BuildError(source, line, f"front matter: duplicate key '{key}'") for line, key in repeated]
    try:
        data = yaml.load(head, Loader=_FAST_LOADER)  # noqa: S506 -- a safe loader
    except (yaml.YAMLError, ValueError):
        _, errors = parse_yaml(head, source, first_line=2)  # again, for a located message
        raise BuildFailed(errors) from None
    raise_if(errors)
    if data is None:
        return {}, lines
    if not isinstance(data, dict):
        raise BuildFailed([BuildError(source, 2, "front matter: expected 'key: value' lines")])
    return data, lines


def parse_page(text: str, source: str, lang: str, rel: str) -> Page:
    """Parse one page's text into a Page; raise BuildFailed listing every problem."""
    head, body, body_line = split_front_matter(text.replace("\r\n", "\n"), source)
    data, lines = parse_front_matter(head, source)
    errors = []
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            errors.append(BuildError(source, lines.get(str(key), 2),
                                     f"front matter: unknown key '{key}' (allowed: {', '.join(FRONT_MATTER_KEYS)})"))
    title = data.get("title")
    if "title" not in data:
        errors.append(BuildError(source, 1, "front matter: missing 'title'"))
    elif not isinstance(title, str) or not title.strip():
        errors.append(BuildError(source, lines.get("title"), "front matter: 'title' must be non-empty text"))
    date = data.get("date")
    if date is not None and (not isinstance(date, datetime.date) or isinstance(date, datetime.datetime)):
        errors.append(BuildError(source, lines.get("date"), f"front matter: 'date' must be a date like 2023-02-14, got {date!r}"))
    weight = data.get("weight", 0)
    if isinstance(weight, bool) or not isinstance(weight, int):
        errors.append(BuildError(source, lines.get("weight"), f"front matter: 'weight' must be a whole number, got {weight!r}"))
    template = data.get("template", "page.html")
    if not isinstance(template, str) or not template.endswith(".html"):
        errors.append(BuildError(source, lines.get("template"), f"front matter: 'template' must name an .html file, got {template!r}"))
    for key in ("description", "translation_of"):
        if key in data and not isinstance(data[key], str):
            errors.append(BuildError(source, lines.get(key), f"front matter: '{key}' must be text"))
    aliases, problem = parse_aliases(data.get("aliases", []))
    if problem:
        errors.append(BuildError(source, lines.get("aliases"), problem))
    raise_if(errors)
    return Page(lang=lang, rel=rel, source=source, title=title.strip(), body=body, body_line=body_line,
                digest=digest(text), description=(data.get("description") or "").strip(), date=date, weight=weight,
                template=template, translation_of=data.get("translation_of"), lines=lines, aliases=aliases)


def check_page_path(rel: str, source: str) -> BuildError | None:
    """Return an error when a page's path would not map to a folder inside the output."""
    stem = rel[:-3]
    if any(part in ("", ".", "..") for part in stem.split("/")) or "\\" in rel:
        return BuildError(source, None, "page path would escape the output folder; rename the file")
    return None


def find_page_files(config: SiteConfig) -> tuple[list[tuple[str, str, Path]], list[BuildError]]:
    """Return (lang, rel, path) of every Markdown file under content/<lang>/, sorted, and refused files.

    Hidden files and folders (editor backups like .#page.md) are skipped. A symlink is followed
    only when it stays inside the project, so a link to /etc/passwd is never published.
    """
    found, errors = [], []
    root = config.root.resolve()

    def walk(folder: Path, lang: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                if entry.is_symlink() and root not in Path(entry.path).resolve().parents:
                    errors.append(BuildError(f"content/{lang}/{rel}", None, "symlink points outside the project"))
                elif entry.is_dir():
                    walk(Path(entry.path), lang, rel + "/")
                elif entry.name.endswith(".md"):
                    found.append((lang, rel, Path(entry.path)))

    for lang in config.codes:
        if (config.content_dir / lang).is_dir():
            walk(config.content_dir / lang, lang, "")
    return sorted(found), errors


def check_content_folders(config: SiteConfig) -> list[BuildError]:
    """Return an error for each folder in content/ that is not a language (or strings/)."""
    errors = []
    if not config.content_dir.is_dir():
        return [BuildError("content", None, "missing: the content folder")]
    for entry in sorted(config.content_dir.iterdir()):
        if entry.is_dir() and entry.name not in config.codes and entry.name != "strings":
            errors.append(BuildError(f"content/{entry.name}", None,
                                     f"unknown language '{entry.name}' (site.yaml lists {', '.join(config.codes)})"))
    return errors


def load_page(config: SiteConfig, lang: str, rel: str, path: Path) -> Page:
    """Read and parse one page file."""
    source = f"content/{lang}/{rel}"
    problem = check_page_path(rel, source)
    if problem:
        raise BuildFailed([problem])
    return parse_page(decode_utf8(path.read_bytes(), source), source, lang, rel)


def load_pages(config: SiteConfig, reuse: dict[str, tuple[int, int, Page]] | None = None) -> list[Page]:
    """Read every page; collect all errors.

    `reuse` (kept by the preview server) maps files to (size, mtime, Page): files whose size and
    mtime did not change are not read again. It is updated in place. (Reading in worker processes
    was tried: sending the pages back costs more than parsing them here.)
    """
    files, errors = find_page_files(config)
    errors += check_content_folders(config)
    loaded = [_load_reusing(config, lang, rel, path, reuse) for lang, rel, path in files]
    pages = [item for item in loaded if isinstance(item, Page)]
    errors += [error for item in loaded if not isinstance(item, Page) for error in item]
    if reuse is not None:
        for key in set(reuse) - {str(path) for _, _, path in files}:
            del reuse[key]
    errors.extend(check_duplicate_urls(pages))
    raise_if(errors)
    return sorted(pages, key=lambda p: (p.slug, p.lang))


def _load_reusing(config: SiteConfig, lang: str, rel: str, path: Path,
                  reuse: dict[str, tuple[int, int, Page]] | None) -> Page | list[BuildError]:
    """Return the page in `path` (from `reuse` when its size and mtime are unchanged), or its errors."""
    try:
        if reuse is None:
            return load_page(config, lang, rel, path)
        st = path.stat()
        known = reuse.get(str(path))
        if known and known[:2] == (st.st_size, st.st_mtime_ns):
            return known[2]
        page = load_page(config, lang, rel, path)
        reuse[str(path)] = (st.st_size, st.st_mtime_ns, page)
        return page
    except BuildFailed as exc:
        return exc.errors


def check_duplicate_urls(pages: list[Page]) -> list[BuildError]:
    """Return an error for each page whose URL another page already has (about.md and about/index.md)."""
    seen: dict[str, Page] = {}
    errors = []
    for page in sorted(pages, key=lambda p: p.source):
        other = seen.setdefault(page.url_path, page)
        if other is not page:
            errors.append(BuildError(page.source, None, f"same URL /{page.url_path} as {other.source}"))
    return errors
