"""Editor commands that change content/: `new` creates a page in every language, `translated` re-stamps one."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .config import SiteConfig
from .content import FENCE, check_page_path, parse_page, split_front_matter
from .errors import BuildError, BuildFailed, decode_utf8, display_path
from .model import body_stamp

_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$")


def new_page_texts(config: SiteConfig, slug: str, title: str, strings: dict[str, dict[str, str]]) -> dict[str, str]:
    """Return the text of a new page in every language, translations stamped against the source body."""
    source_body = strings[config.default_lang]["new_page_body"] + "\n"
    texts = {}
    for lang in config.codes:
        lines = [FENCE, f"title: {_quote(title)}", "description: \"\"", "weight: 50"]
        if lang != config.default_lang:
            lines.append(f"translation_of: {body_stamp(source_body)}")
        body = source_body if lang == config.default_lang else strings[lang]["new_page_body"] + "\n"
        texts[lang] = "\n".join(lines + [FENCE, "", body])
    return texts


def _same_url(path: Path) -> list[Path]:
    """Return the other file that would give a page the same URL: plan.md <-> plan/index.md."""
    if path.name == "index.md":
        return [path.parent.with_name(path.parent.name + ".md")]
    return [path.with_suffix("") / "index.md"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def create_page(config: SiteConfig, slug: str, title: str, strings: dict[str, dict[str, str]]) -> list[Path]:
    """Write content/<lang>/<slug>.md for every language; refuse to overwrite anything."""
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
    source_shown = f"content/{config.default_lang}/{rel}"
    _, body, _ = split_front_matter(decode_utf8(source.read_bytes(), source_shown).replace("\r\n", "\n"), source_shown)
    stamp = body_stamp(body)
    text = decode_utf8(path.read_bytes(), shown)
    parse_page(text, shown, lang, rel)  # refuse to touch a page that does not parse
    path.write_bytes(restamp(text, stamp).encode("utf-8"))
    return source, stamp
