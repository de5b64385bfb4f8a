"""content/<lang>/**/*.md -> Pages: front matter checked, nothing rendered yet."""

from __future__ import annotations

import datetime
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .config import SiteConfig
from .errors import BuildError, BuildFailed, decode_utf8, raise_if
from .markdown.text import blank_code
from .model import Page, digest
from .sections import SECTION_FILE, SectionMeta, humanize, load_section_metas
from .yamlio import parse_yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT_MATTER_KEYS = ("title", "description", "date", "weight", "template", "translation_of", "draft")
FENCE = "---"


def split_front_matter(text: str, source: str) -> tuple[str, str, int]:
    """Return (front matter, body, body's first line) of a page's text; front matter is optional."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return "", text, 1
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


def parse_page(text: str, source: str, lang: str, rel: str, extra_keys: tuple[str, ...] = ()) -> Page:
    """Parse one page's text into a Page; raise BuildFailed listing every problem.

    Front matter is optional. Without a `title` there, the first `# heading` of the body is the
    title, and it is taken out of the body so the page does not show it twice; without either, the
    file's name is (as MkDocs does), and `check` says so. `extra_keys` are front-matter keys
    site.yaml declares for templates (as `page.extra`).
    """
    head, body, body_line = split_front_matter(text.replace("\r\n", "\n"), source)
    data, lines = parse_front_matter(head, source) if head.strip() else ({}, {})
    errors = [BuildError(source, lines.get(str(key), 2), unknown_key_message(str(key), extra_keys))
              for key in data if key not in FRONT_MATTER_KEYS and key not in extra_keys]
    title, named = data.get("title"), False
    if "title" not in data:
        found = take_title_heading(body)
        if found is None:
            title, named = name_title(rel), True
        else:
            title, body, offset = found
            lines = {**lines, "title": body_line + offset}
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
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        errors.append(BuildError(source, lines.get("draft"), f"front matter: 'draft' must be true or false, got {draft!r}"))
    raise_if(errors)
    assert isinstance(title, str)
    return Page(lang=lang, rel=rel, source=source, title=title.strip(), body=body, body_line=body_line,
                digest=digest(text), description=(data.get("description") or "").strip(), date=date, weight=weight,
                template=template, translation_of=data.get("translation_of"), draft=draft, lines=lines,
                extra={key: data.get(key) for key in extra_keys}, title_from_name=named)


def name_title(rel: str) -> str:
    """Return the title a page without one gets from its file (or, for index.md and README.md, its folder) name."""
    stem = rel[:-3]
    folder, _, name = stem.rpartition("/")
    if name == "index" or name.casefold() == "readme":
        name = folder.rpartition("/")[2] or "home"
    return humanize(name)


def unknown_key_message(key: str, extra_keys: tuple[str, ...] = ()) -> str:
    """Return the error for an unknown front-matter key, with a 'did you mean' for a likely typo."""
    known = (*FRONT_MATTER_KEYS, *extra_keys)
    close = difflib.get_close_matches(key.casefold(), known, n=1, cutoff=0.7)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return (f"front matter: unknown key '{key}'{hint} (allowed: {', '.join(known)}; "
            "site.yaml's extra_front_matter can declare more)")


_ATX_H1_RE = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1_RE = re.compile(r"^ {0,3}=+[ \t]*$")
_ATTR_LIST_RE = re.compile(r"\s*\{[:#.][^}]*\}\s*$")
_INLINE_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|`)(.+?)\1")


def take_title_heading(body: str) -> tuple[str, str, int] | None:
    """Return (title, body without it, its line offset) for the body's first level-one heading outside code.

    The heading's lines are blanked rather than removed, so every later line keeps its number.
    """
    lines = blank_code(body).split("\n")
    for index, line in enumerate(lines):
        match = _ATX_H1_RE.match(line)
        count = 1
        if match is None and index + 1 < len(lines) and _SETEXT_H1_RE.match(lines[index + 1]) and line.strip() \
                and (index == 0 or not lines[index - 1].strip()):
            match, count = re.match(r"^\s*(.*?)\s*$", line), 2
        if match is None:
            continue
        title = heading_text(match.group(1))
        if not title:
            return None
        original = body.split("\n")
        original[index:index + count] = [""] * count
        return title, "\n".join(original), index
    return None


def heading_text(markdown_text: str) -> str:
    """Return a heading's Markdown as plain text: attribute lists, link targets and emphasis marks dropped."""
    text = _ATTR_LIST_RE.sub("", markdown_text)
    text = _INLINE_LINK_RE.sub(lambda m: m.group(1), text)
    for _ in range(2):  # **bold *and italic***
        text = _EMPHASIS_RE.sub(lambda m: m.group(2), text)
    return text.strip()


def check_page_path(rel: str, source: str) -> BuildError | None:
    """Return an error when a page's path would not map to a folder inside the output."""
    stem = rel[:-3]
    if any(part in ("", ".", "..") for part in stem.split("/")) or "\\" in rel:
        return BuildError(source, None, "page path would escape the output folder; rename the file")
    return None


def find_page_files(config: SiteConfig, sections: list[tuple[str, str, Path]] | None = None
                    ) -> tuple[list[tuple[str, str, Path]], list[BuildError]]:
    """Return (lang, rel, path) of every Markdown file under content/<lang>/, sorted, and refused files.

    Hidden files and folders (editor backups like .#page.md) are skipped. A symlink is followed
    only when it stays inside the project, so a link to /etc/passwd is never published.
    `sections`, when given, collects (lang, folder slug, path) of every _section.yaml.
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
                elif entry.name == SECTION_FILE and sections is not None:
                    sections.append((lang, prefix.rstrip("/"), Path(entry.path)))

    for lang in config.codes:
        if (config.content_dir / lang).is_dir():
            walk(config.content_dir / lang, lang, "")
    if sections is not None:
        sections.sort()
    return sorted(found), errors


def check_content_folders(config: SiteConfig) -> list[BuildError]:
    """Return an error for each folder in content/ that is not a language (or strings/, or assets/: shared files)."""
    errors = []
    if not config.content_dir.is_dir():
        return [BuildError("content", None, "missing: the content folder")]
    for entry in sorted(config.content_dir.iterdir()):
        if entry.is_dir() and entry.name not in config.codes and entry.name not in ("strings", "assets"):
            errors.append(BuildError(f"content/{entry.name}", None,
                                     f"unknown language '{entry.name}' (site.yaml lists {', '.join(config.codes)})"))
    return errors


def load_page(config: SiteConfig, lang: str, rel: str, path: Path) -> Page:
    """Read and parse one page file."""
    source = f"content/{lang}/{rel}"
    problem = check_page_path(rel, source)
    if problem:
        raise BuildFailed([problem])
    return parse_page(decode_utf8(path.read_bytes(), source), source, lang, rel, config.extra_front_matter)


@dataclass(frozen=True)
class Content:
    """What content/ holds: the pages that loaded, every _section.yaml, and the problems found."""

    pages: list[Page]  # sorted by (slug, lang)
    sections: dict[tuple[str, str], SectionMeta]  # (lang, folder slug) -> its _section.yaml
    failed: list[Page]  # a stand-in for each page file that did not load, so links to it still resolve
    errors: list[BuildError]


def load_content(config: SiteConfig, reuse: dict[str, tuple[int, int, Page]] | None = None) -> Content:
    """Read every page and _section.yaml; collect every error instead of stopping at the first.

    `reuse` (kept by the preview server) maps files to (size, mtime, Page): files whose size and
    mtime did not change are not read again. It is updated in place. (Reading in worker processes
    was tried: sending the pages back costs more than parsing them here.)
    """
    section_files: list[tuple[str, str, Path]] = []
    files, errors = find_page_files(config, section_files)
    errors += check_content_folders(config)
    loaded = [_load_reusing(config, lang, rel, path, reuse) for lang, rel, path in files]
    pages = [item for item in loaded if isinstance(item, Page)]
    errors += [error for item in loaded if not isinstance(item, Page) for error in item]
    failed = [stand_in(lang, rel) for (lang, rel, _), item in zip(files, loaded) if not isinstance(item, Page)]
    if reuse is not None:
        for key in set(reuse) - {str(path) for _, _, path in files}:
            del reuse[key]
    errors.extend(check_duplicate_urls(pages))
    metas, meta_errors = load_section_metas(section_files)
    return Content(sorted(pages, key=lambda p: (p.slug, p.lang)), metas, failed, errors + meta_errors)


def load_pages(config: SiteConfig, reuse: dict[str, tuple[int, int, Page]] | None = None) -> list[Page]:
    """Read every page; raise BuildFailed with every error."""
    content = load_content(config, reuse)
    raise_if(content.errors)
    return content.pages


def stand_in(lang: str, rel: str) -> Page:
    """Return a placeholder for a page file that failed to load (never rendered: the build fails)."""
    return Page(lang=lang, rel=rel, source=f"content/{lang}/{rel}", title=rel, body="", body_line=1, digest="")


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
