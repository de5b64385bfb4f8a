"""content/<lang>/**/*.md -> Pages: front matter checked, nothing rendered yet."""

from __future__ import annotations

import datetime
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .aliases import parse_aliases
from .config import SiteConfig
from .errors import BuildError, BuildFailed, raise_if
from .markdown.text import blank_code
from .model import Page, digest
from .safeio import read_text, walk_files
from .sections import SECTION_FILE, SectionMeta, humanize, load_section_metas
from .yamlio import LineMap, parse_yaml

FRONT_MATTER_KEYS = ("title", "description", "date", "weight", "template", "translation_of", "draft", "aliases")
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


def parse_front_matter(head: str, source: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse front matter YAML; return the values and the line of each key."""
    data, errors = parse_yaml(head, source, first_line=2)
    raise_if([BuildError(e.path, e.line, "front matter: " + e.message) if e.message.startswith("duplicate key")
              else e for e in errors])
    if data is None:
        return {}, {}
    if not isinstance(data, LineMap):
        raise BuildFailed([BuildError(source, 2, "front matter: expected 'key: value' lines")])
    return data, {str(key): line for key, line in data.lines.items()}


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
    aliases, problem = parse_aliases(data.get("aliases", []))
    if problem:
        errors.append(BuildError(source, lines.get("aliases"), problem))
    raise_if(errors)
    assert isinstance(title, str)
    return Page(lang=lang, rel=rel, source=source, title=title.strip(), body=body, body_line=body_line,
                digest=digest(text), description=(data.get("description") or "").strip(), date=date, weight=weight,
                template=template, translation_of=data.get("translation_of"), draft=draft, lines=lines, aliases=aliases,
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
    for lang in config.codes:
        if not (config.content_dir / lang).is_dir():
            continue  # a language without pages yet
        for item in walk_files(config.root, config.content_dir / lang, f"content/{lang}"):
            if isinstance(item, BuildError):
                errors.append(item)
            elif item[0].endswith(".md"):
                found.append((lang, item[0], item[1]))
            elif item[0].rpartition("/")[2] == SECTION_FILE and sections is not None:
                sections.append((lang, item[0].rpartition("/")[0], item[1]))
    if sections is not None:
        sections.sort()
    return sorted(found), errors


def check_content_folders(config: SiteConfig) -> list[BuildError]:
    """Return an error for each folder in content/ that is not a language (or strings/, or assets/: shared files)."""
    errors = []
    try:
        with os.scandir(config.content_dir) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except FileNotFoundError:
        return [BuildError("content", None, "missing: the content folder")]
    except OSError as exc:
        return [BuildError("content", None, f"cannot read this folder: {exc.strerror}")]
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir and entry.name not in config.codes and entry.name not in ("strings", "assets"):
            errors.append(BuildError(f"content/{entry.name}", None,
                                     f"unknown language '{entry.name}' (site.yaml lists {', '.join(config.codes)})"))
    return errors


def load_page(config: SiteConfig, lang: str, rel: str, path: Path) -> Page:
    """Read and parse one page file."""
    source = f"content/{lang}/{rel}"
    problem = check_page_path(rel, source)
    if problem:
        raise BuildFailed([problem])
    try:
        text = read_text(config.root, path, source)
    except FileNotFoundError:
        raise BuildFailed([BuildError(source, None, "deleted while the build was reading it")]) from None
    return parse_page(text, source, lang, rel, config.extra_front_matter)


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
    metas, meta_errors = load_section_metas(config.root, section_files)
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
        try:
            st = path.stat()
        except OSError:
            return load_page(config, lang, rel, path)  # which reports why it cannot be read
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
