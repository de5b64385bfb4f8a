"""Editor commands that change content/: `new` creates a page in every language, `translated` re-stamps one."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .config import SiteConfig
from .content import FENCE, check_page_path, parse_page
from .errors import BuildError, BuildFailed, decode_utf8, display_path, raise_if
from .model import body_stamp
from .transdiff import archive_source

_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")


def new_page_texts(config: SiteConfig, slug: str, title: str, strings: dict[str, dict[str, str]]) -> dict[str, str]:
    """Return the text of a new page in every language: a draft with placeholder text, no translation stamp.

    Nothing is translated yet, so no translation is stamped: once it is, `translated` records it.
    """
    texts = {}
    for lang in config.codes:
        lines = [FENCE, f"title: {_quote(title)}", "description: \"\"", "weight: 50", "draft: true", FENCE, ""]
        texts[lang] = "\n".join(lines + [strings[lang]["new_page_body"] + "\n"])
    return texts


def _same_url(path: Path) -> list[Path]:
    """Return the other file that would give a page the same URL: plan.md <-> plan/index.md."""
    if path.name == "index.md":
        return [path.parent.with_name(path.parent.name + ".md")]
    return [path.with_suffix("") / "index.md"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def create_page(config: SiteConfig, slug: str, title: str, strings: dict[str, dict[str, str]]) -> list[Path]:
    """Write content/<lang>/<slug>.md, a draft, for every language; refuse to overwrite anything."""
    slug = slug.strip("/").removesuffix(".md")
    if not _SLUG_RE.match(slug):
        raise BuildFailed([BuildError(slug or "''", None, "page names are lower-case words with - and /, e.g. plan/talent")])
    paths = [config.content_dir / lang / f"{slug}.md" for lang in config.codes]
    existing = [p for p in paths if p.exists()]
    if existing:
        raise BuildFailed([BuildError(p.relative_to(config.root).as_posix(), None, "already exists") for p in existing])
    same_url = [(path, other) for path in paths for other in _same_url(path) if os.path.lexists(other)]
    if same_url:  # plan.md beside plan/index.md: both would be /plan/, and the next build would fail
        raise BuildFailed([BuildError(path.relative_to(config.root).as_posix(), None,
                                      f"would have the same URL as {other.relative_to(config.root).as_posix()}")
                           for path, other in same_url])
    texts = new_page_texts(config, slug, title, strings)
    for lang, path in zip(config.codes, paths):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(texts[lang], encoding="utf-8")
    return paths


def restamp(text: str, stamp: str) -> str:
    """Return a page's text with `translation_of` set to `stamp` (added when missing), nothing else changed."""
    newline = "\r\n" if "\r\n" in text else "\n"
    if text.split(newline, 1)[0].rstrip() != FENCE:  # no front matter yet: add some
        return newline.join([FENCE, f"translation_of: {stamp}", FENCE, ""]) + text
    lines = text.split(newline)
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE)
    for index in range(1, end):
        if lines[index].startswith("translation_of:"):
            lines[index] = f"translation_of: {stamp}"
            break
    else:
        lines.insert(end, f"translation_of: {stamp}")
    return newline.join(lines)


def mark_translated(config: SiteConfig, path: Path) -> tuple[Path, str]:
    """Record that the translation at `path` is up to date with its source; return the source and stamp."""
    path, source, stamp, text = prepare_stamp(config, path)
    path.write_bytes(text.encode("utf-8"))
    return source, stamp


def prepare_stamp(config: SiteConfig, path: Path) -> tuple[Path, Path, str, str]:
    """Return (page, source, stamp, the page's new text) for a translation; raise BuildFailed when it is none."""
    path, lang, rel, shown, source = check_translation(config, path)
    source_shown = f"content/{config.default_lang}/{rel}"
    source_page = parse_page(decode_utf8(source.read_bytes(), source_shown), source_shown, config.default_lang, rel,
                             config.extra_front_matter)
    stamp = body_stamp(source_page.body)  # the body as the build sees it (a '# Title' line is the title)
    text = decode_utf8(path.read_bytes(), shown)
    parse_page(text, shown, lang, rel, config.extra_front_matter)  # refuse to touch a page that does not parse
    return path, source, stamp, restamp(text, stamp)


def check_translation(config: SiteConfig, path: Path) -> tuple[Path, str, str, str, Path]:
    """Return (path, lang, rel, shown path, source) of a translation; raise BuildFailed when it is none."""
    path = path.resolve()
    content = config.content_dir.resolve()
    try:
        lang, rel = path.relative_to(content).as_posix().split("/", 1)
    except ValueError:
        shown = display_path(path, config.root.resolve())
        raise BuildFailed([BuildError(shown, None, "not a page under content/<language>/")]) from None
    shown = f"content/{lang}/{rel}"
    if lang not in config.codes or not rel.endswith(".md") or check_page_path(rel, shown):
        raise BuildFailed([BuildError(shown, None, "not a page under content/<language>/")])
    if not path.is_file():
        raise BuildFailed([BuildError(shown, None, "no such file")])
    if lang == config.default_lang:
        raise BuildFailed([BuildError(shown, None, f"this is the source language ({lang}); stamp its translations")])
    source = config.content_dir / config.default_lang / rel
    if not source.is_file():
        raise BuildFailed([BuildError(shown, None, f"no source page to translate from (expected content/{config.default_lang}/{rel})")])
    return path, lang, rel, shown, source


def expand_translations(config: SiteConfig, paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Return the pages to stamp for `paths` (files, and every page under a folder) and the ones skipped.

    A folder stands for each translation in it that has a source page; pages without one (written
    only in this language) are skipped rather than refused. Files named one by one are all kept, so
    mark_translated reports what is wrong with them.
    """
    pages, skipped = [], []
    for path in paths:
        if not path.is_dir():
            pages.append(path)
            continue
        for found in sorted(path.resolve().rglob("*.md")):
            try:
                lang, rel = found.relative_to(config.content_dir.resolve()).as_posix().split("/", 1)
            except ValueError:
                continue
            if any(part.startswith(".") for part in rel.split("/")):
                continue  # editors' backup files, as the build skips them
            source = config.content_dir / config.default_lang / rel
            (pages if lang != config.default_lang and source.is_file() else skipped).append(found)
    return pages, skipped


def mark_all_translated(config: SiteConfig, paths: list[Path]) -> tuple[list[tuple[Path, Path, str]], list[Path]]:
    """Stamp every translation `paths` name (folders included); return (page, source, stamp) and skipped pages.

    Nothing is written unless every named page can be stamped: all problems are raised together.
    """
    pages, skipped = expand_translations(config, paths)
    if not pages and paths:
        shown = ", ".join(display_path(p.resolve(), config.root.resolve()) for p in paths)
        raise BuildFailed([BuildError(shown, None, "no translated page here to mark (pages with a source page in "
                                                   f"content/{config.default_lang}/)")])
    prepared, errors = [], []
    for page in pages:  # check them all before writing any
        try:
            prepared.append(prepare_stamp(config, page))
        except BuildFailed as exc:
            errors.extend(exc.errors)
    raise_if(errors)
    for path, source, _, text in prepared:
        path.write_bytes(text.encode("utf-8"))
        archive_source(config.root, source.read_text(encoding="utf-8-sig"))  # for `check --diff` later
    return [(path, source, stamp) for path, source, stamp, _ in prepared], skipped
