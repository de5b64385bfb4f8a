"""What changed in a source page since its translation was stamped: `check --diff`, and the preview's diff page.

A translation's stamp (`translation_of`) is a hash of its source's body, so the old text has to be found again:
1. `.cache/sources/<stamp>.md`: `translated` keeps a copy of the source it stamped against (exact, but only on
   the machine where it ran, and .cache/ is safe to delete);
2. git history: the newest committed version of the source whose body has that stamp (works on every clone,
   once the source was committed before or with the stamp).
The first that has it wins. A stamp made from text that was never committed nor kept cannot be shown.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .config import SiteConfig, load_config
from .content import check_page_path, parse_page, split_front_matter
from .errorpage import TEXTS as ERROR_TEXTS
from .errorpage import preview_page
from .errors import BuildError, BuildFailed, decode_utf8, display_path
from .model import body_stamp

ARCHIVE = ".cache/sources"
DIFF_PREFIX = "_translation-diff/"  # the preview serves /<base>/_translation-diff/content/zh/plan/talent.md
GIT_COMMITS = 200  # how far back git history is searched
TEXTS = {
    "en": {"title": "What changed in the {language} original", "none": "No changes: the translation is up to date.",
           "since": "Changes to {source} since {page} was translated (stamp {stamp}).",
           "then": "Once the translation matches, run:", "found": "The old text comes from {where}."},
    "zh": {"title": "{language}原文有哪些改动", "none": "没有改动：译文已是最新。",
           "since": "自 {page} 翻译以来，{source} 的改动（标记 {stamp}）。",
           "then": "译文更新完毕后，运行：", "found": "旧版本取自 {where}。"},
}
LANGUAGE_NAMES = {"en": {"en": "English", "zh": "Chinese"}, "zh": {"en": "英文", "zh": "中文"}}


@dataclass(frozen=True)
class SourceChange:
    """A translation, its source, and the source's text then (when stamped) and now."""

    page: str  # content/zh/plan/talent.md
    lang: str
    source: str  # content/en/plan/talent.md
    source_lang: str
    stamp: str
    old: str | None  # the source's text when the translation was stamped; None when current
    new: str
    found_in: str = ""  # ".cache/" or "git commit 1a2b3c4"

    def unified(self) -> list[str]:
        """Return the diff of the source, old to new, with file line numbers."""
        if self.old is None:
            return []
        return list(difflib.unified_diff(self.old.splitlines(), self.new.splitlines(),
                                         f"{self.source} (translated: {self.stamp})", f"{self.source} (now)",
                                         lineterm=""))


def archive_source(root: Path, text: str) -> None:
    """Keep a copy of a source page's text under its body stamp; a cache that cannot be written costs nothing."""
    stamp = stamp_of(text)
    if stamp is None:
        return
    path = root / ARCHIVE / f"{stamp}.md"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
    except OSError:
        pass


def stamp_of(text: str) -> str | None:
    """Return the body stamp of a page's text as `translated` makes it (a '# Title' that is the title left out).

    None when the text cannot be read as a page at all.
    """
    text = text.replace("\r\n", "\n")
    try:
        return body_stamp(parse_page(text, "source", "", "page.md").body)
    except BuildFailed:  # e.g. an old version with front-matter keys this site no longer declares
        pass
    try:
        return body_stamp(split_front_matter(text, "source")[1])
    except BuildFailed:
        return None


def from_archive(root: Path, stamp: str) -> str | None:
    """Return the source text kept under `stamp` in .cache/, if it is there and still matches."""
    try:
        text = (root / ARCHIVE / f"{stamp}.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if stamp_of(text) == stamp else None


def from_git(root: Path, rel: str, stamp: str) -> tuple[str, str] | None:
    """Return (text, commit) of the newest committed version of `rel` whose body has `stamp`, if any."""
    try:
        log = subprocess.run(["git", "-C", str(root), "log", f"-n{GIT_COMMITS}", "--format=%H", "--", rel],
                             capture_output=True, text=True, timeout=30)
        commits = log.stdout.split() if log.returncode == 0 else []
        if not commits:
            return None
        names = "".join(f"{commit}:./{rel}\n" for commit in commits)
        blobs = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], input=names.encode(),
                               capture_output=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for commit, text in zip(commits, _batch_texts(blobs)):
        if text is not None and stamp_of(text) == stamp:
            return text, commit
    return None


def _batch_texts(data: bytes) -> list[str | None]:
    """Return the texts `git cat-file --batch` printed, in order (None for a missing object or non-UTF-8)."""
    texts: list[str | None] = []
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        header = data[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            texts.append(None)  # '<name> missing'
            continue
        size = int(header[2])
        try:
            texts.append(data[at:at + size].decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(None)
        at += size + 1
    return texts


def translation_file(config: SiteConfig, path: Path) -> tuple[str, str, Path]:
    """Return (lang, rel, file) of a translation page given by path; raise BuildFailed for anything else."""
    root = config.root.resolve()
    resolved = path.resolve()
    shown = display_path(resolved, root)
    try:
        lang, rel = resolved.relative_to(config.content_dir.resolve()).as_posix().split("/", 1)
    except ValueError:
        raise BuildFailed([BuildError(shown, None, "not a page under content/<language>/")]) from None
    shown = f"content/{lang}/{rel}"
    if lang not in config.codes or not rel.endswith(".md") or check_page_path(rel, shown):
        raise BuildFailed([BuildError(shown, None, "not a page under content/<language>/")])
    if not resolved.is_file():
        raise BuildFailed([BuildError(shown, None, "no such file")])
    if lang == config.default_lang:
        raise BuildFailed([BuildError(shown, None, f"this is the source language ({lang}); "
                                                   "give one of its translations")])
    return lang, rel, resolved


def source_change(config: SiteConfig, path: Path) -> SourceChange:
    """Return what changed in the source of the translation at `path` since it was stamped."""
    lang, rel, resolved = translation_file(config, path)
    shown = f"content/{lang}/{rel}"
    page = parse_page(decode_utf8(resolved.read_bytes(), shown), shown, lang, rel)
    source = f"content/{config.default_lang}/{rel}"
    source_path = config.root / source
    if not source_path.is_file():
        raise BuildFailed([BuildError(shown, None, f"no source page to compare with (expected {source})")])
    new = decode_utf8(source_path.read_bytes(), source).replace("\r\n", "\n")
    stamp = page.translation_of
    if not stamp:
        raise BuildFailed([BuildError(shown, None, "no translation_of stamp: it was never marked as translated, "
                                                   f"so there is no earlier {source} to compare with")])
    if stamp == stamp_of(new):
        return SourceChange(shown, lang, source, config.default_lang, stamp, None, new)
    old = from_archive(config.root, stamp)
    if old is not None:
        return SourceChange(shown, lang, source, config.default_lang, stamp, old, new, f"{ARCHIVE}/")
    found = from_git(config.root, source, stamp)
    if found is not None:
        return SourceChange(shown, lang, source, config.default_lang, stamp, found[0].replace("\r\n", "\n"), new,
                            f"git commit {found[1][:10]}")
    raise BuildFailed([BuildError(shown, page.lines.get("translation_of"),
                                  f"the text of {source} it was translated from (stamp {stamp}) is neither in "
                                  f"{ARCHIVE}/ nor in git history; compare the two files by hand")])


def render_diff_text(change: SourceChange, color: bool = False) -> str:
    """Return what `check --diff` prints for one translation."""
    if change.old is None:
        return f"{change.page}: up to date with {change.source} (stamp {change.stamp})\n"
    lines = [f"{change.page}: {change.source} changed since it was translated (old text from {change.found_in})"]
    for line in change.unified():
        if color and line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
            line = f"\033[{32 if line[0] == '+' else 31}m{line}\033[0m"
        elif color and line.startswith("@@"):
            line = f"\033[36m{line}\033[0m"
        lines.append(line)
    lines.append(f"once {change.page} matches, run: python build.py translated {change.page}")
    return "\n".join(lines) + "\n"


def diff_url_path(page_source: str) -> str:
    """Return the preview's path (under the base path) of the diff page of a translation."""
    return DIFF_PREFIX + page_source


def render_diff_page(root: Path, rel: str) -> tuple[str, bytes]:
    """Return (HTTP status, page) of the preview's diff page for the translation `rel` (content/zh/…)."""
    lang = rel.split("/")[1] if rel.count("/") >= 2 else "en"
    code = lang if lang in TEXTS else "en"
    try:
        config = load_config(root)
        if not rel.startswith("content/") or "\0" in rel:
            raise BuildFailed([BuildError(rel, None, "not a page under content/<language>/")])
        change = source_change(config, root / rel)
    except BuildFailed as exc:
        items = "\n".join(f"<li><code>{html.escape(str(e))}</code></li>" for e in exc.errors)
        title = ERROR_TEXTS[code if code in ERROR_TEXTS else "en"]["title"]
        return "404 Not Found", preview_page(lang, title, f"<h1>{title}</h1>\n<ul>\n{items}\n</ul>")
    texts = TEXTS[code]
    names = LANGUAGE_NAMES.get(code, LANGUAGE_NAMES["en"])
    title = texts["title"].format(language=names.get(change.source_lang, change.source_lang))
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if change.old is None:
        parts.append(f"<p>{texts['none']}</p>")
    else:
        parts.append("<p>" + html.escape(texts["since"].format(source=change.source, page=change.page,
                                                                 stamp=change.stamp)) + "</p>")
        parts.append(f"<p>{html.escape(texts['found'].format(where=change.found_in))}</p>")
        parts.append(f'<pre class="diff" lang="{html.escape(change.source_lang)}">{_diff_html(change)}</pre>')
        parts.append(f"<p>{texts['then']}</p>\n<pre><code>python build.py translated {html.escape(change.page)}"
                     "</code></pre>")
    return "200 OK", preview_page(lang, title, "\n".join(parts), DIFF_STYLE)


DIFF_STYLE = (".diff{padding:.75rem 1rem;background:var(--box);border:1px solid var(--line);border-radius:6px}"
              ".diff ins,.diff del{display:block;text-decoration:none}"
              ".diff ins{background:rgb(0 160 60 / .16)}.diff del{background:rgb(220 30 30 / .16)}"
              ".diff mark{color:inherit;border-radius:2px}.diff ins mark{background:rgb(0 160 60 / .4)}"
              ".diff del mark{background:rgb(220 30 30 / .4)}.diff .hunk{color:var(--muted)}")
_TOKEN_RE = re.compile(r"[A-Za-z0-9_']+|\s+|.")  # words, spaces, or one character (a Chinese one, say)


def _diff_html(change: SourceChange) -> str:
    """Return the unified diff as HTML lines: <ins> added, <del> removed (changed words in <mark>), hunks muted."""
    lines = change.unified()[2:]
    marked = _changed_words(lines)
    out = []
    for index, line in enumerate(lines):
        text = marked.get(index, html.escape(line))
        if line.startswith("+"):
            out.append(f"<ins>{text}\n</ins>")
        elif line.startswith("-"):
            out.append(f"<del>{text}\n</del>")
        elif line.startswith("@@"):
            out.append(f'<span class="hunk">{text}</span>\n')
        else:
            out.append(text + "\n")
    return "".join(out)


def _changed_words(lines: list[str]) -> dict[int, str]:
    """Return HTML with changed words marked, for lines removed and added in equal runs (a paragraph reworded)."""
    marked: dict[int, str] = {}
    index = 0
    while index < len(lines):
        removed = index
        while index < len(lines) and lines[index].startswith("-"):
            index += 1
        added = index
        while index < len(lines) and lines[index].startswith("+"):
            index += 1
        if added - removed == index - added > 0:
            for old, new in zip(range(removed, added), range(added, index)):
                marked[old], marked[new] = _mark_pair(lines[old], lines[new])
        index = max(index, removed + 1)
    return marked


def _mark_pair(old: str, new: str) -> tuple[str, str]:
    """Return both lines as HTML, with the words that differ between them in <mark>."""
    a, b = _TOKEN_RE.findall(old[1:]), _TOKEN_RE.findall(new[1:])
    left, right = [html.escape(old[0])], [html.escape(new[0])]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = html.escape("".join(a[i1:i2])), html.escape("".join(b[j1:j2]))
        if tag == "equal":
            left.append(before)
            right.append(after)
        else:
            left.append(f"<mark>{before}</mark>" if before else "")
            right.append(f"<mark>{after}</mark>" if after else "")
    return "".join(left), "".join(right)

