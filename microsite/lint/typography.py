"""Chinese typography on Chinese pages, the fact sheet's Chinese texts and the Chinese UI strings.

- Full-width punctuation between Chinese characters: '，' '：' '；' '（' '）' '？' '！', not ',' ':' ';' '(' ')' '?' '!'.
- No space between Chinese and Latin letters or digits ('Ni Tao撰写', '2022年', 'AI企业'): the site's own
  figures read that way ('1,048家', '截至2022年10月'), and the browser adds the thin gap itself
  (CSS text-autospace), as the W3C's Chinese layout requirements recommend. A space may still set
  off code, a file name or an address ('运行 `make serve`', 'content/facts.yaml'). A site that writes
  one space instead (as many Chinese software docs do) sets `lint: spacing: space` in site.yaml.
- Curly quotes: “…” and, inside them, ‘…’; never straight " or '.
- No English words, except names and terms in site.yaml's `lint: allow_latin`, acronyms (AI, CSV),
  file names and code, and text marked as English: <span lang="en">…</span> or [text](url){lang=en}.
  `allow_latin: ["*"]` allows any (for Chinese software docs full of English terms).
"""

from __future__ import annotations

import re

from ..errors import BuildError
from .text import FOREIGN_RE, Text, blank

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef“”‘’…—·"
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
_HALF_RE = re.compile(r"[,:;?!()]")
_LATIN_SEGMENT_RE = re.compile(rf"[^\n{_HAN}{_CJK_PUNCT}]+")  # what lies between Chinese characters on a line
_TECHNICAL_RE = re.compile(r"[\w.+-]*(?:[./_@\\]|://)[\w./@:+#?=&%\\-]*")  # file names, paths, addresses, keys
_LATIN_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ \t]+[A-Za-z][A-Za-z'’-]*)*")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9-]*$|^[A-Za-z]$")
_TAG_RE = re.compile(r"<[^>\n]*>")


def is_chinese(html_lang: str) -> bool:
    """Return whether a language is Chinese (zh, zh-CN, zh-Hans...), whose pages this lint reads."""
    return html_lang.lower().split("-")[0] == "zh"


def _around(text: str, start: int, end: int, width: int = 6) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return " ".join(text[max(line_start, start - width):min(line_end, end + width)].split())


def _neighbours(text: str, index: int) -> tuple[str, str]:
    """Return the nearest characters before and after `index` on its line, skipping spaces."""
    before = text[:index].rstrip(" \t")
    after = text[index + 1:].lstrip(" \t")
    return (before[-1] if before and before[-1] != "\n" else "", after[0] if after and after[0] != "\n" else "")


def _is_han(ch: str) -> bool:
    return bool(ch) and bool(re.match(rf"[{_HAN}]", ch))


def _half_width(text: str) -> list[tuple[int, str]]:
    found = []
    for match in _HALF_RE.finditer(text):
        mark, index = match.group(0), match.start()
        before, after = _neighbours(text, index)
        chinese_before = _is_han(before) or bool(before and re.match(rf"[{_CJK_PUNCT}]", before))
        if mark == "(":
            hit = _is_han(after) or _is_han(before)
        elif mark == ")":
            hit = _is_han(before) or _is_han(after)
        else:
            hit = chinese_before or _is_han(after)
        if hit:
            found.append((index, f"half-width '{mark}' in Chinese text (\"{_around(text, index, index + 1)}\"); "
                                 f"write '{_FULL_WIDTH[mark]}'"))
    return found


def _spacing(text: str, spaced: bool = False) -> list[tuple[int, str]]:
    """Return the Latin runs set off from Chinese against the rule: no space (default) or one space (`spaced`)."""
    found = []
    for match in _LATIN_SEGMENT_RE.finditer(text):
        segment, start, end = match.group(0), match.start(), match.end()
        inner = segment.strip(" \t")
        if not re.match(r"[A-Za-z0-9%]", inner[:1] + inner[-1:]) or re.search(r"[./_@\\]", inner):
            continue  # punctuation, or a file name, path or address (a space may set those off)
        lead, trail = len(segment) - len(segment.lstrip(" \t")), len(segment) - len(segment.rstrip(" \t"))
        left = _is_han(text[start - 1:start]) and re.match(r"[A-Za-z0-9]", inner)
        right = _is_han(text[end:end + 1]) and re.search(r"[A-Za-z0-9%]$", inner)
        wrong = [side for side, han, space in (("left", left, lead), ("right", right, trail))
                 if han and bool(space) != spaced]
        if not wrong:
            continue
        joiner = " " if spaced else ""
        fixed_segment = (joiner if left else segment[:lead]) + inner + (joiner if right else segment[len(segment) - trail:])
        shown = _around(text, start, end)
        fixed = _around(text[:start] + fixed_segment + text[end:], start, start + len(fixed_segment))
        if spaced:
            message = f"no space between Chinese and Latin text (\"{shown}\"); this site sets them apart with one space"
        else:
            message = f"space between Chinese and Latin text (\"{shown}\"); this site writes them together"
        found.append((start, f"{message}: \"{fixed}\""))
    return found


def _quotes(text: str) -> list[tuple[int, str]]:
    found = []
    for line_start, line in _lines(text):
        doubles = 0
        for match in re.finditer(r"[\"']", line):
            mark, index = match.group(0), match.start()
            if mark == "'" and index and line[index - 1:index].isalpha() and line[index + 1:index + 2].isalpha():
                continue  # an apostrophe in an English name
            if mark == '"':
                fix = "“" if doubles % 2 == 0 else "”"
                doubles += 1
            else:
                fix = "‘ or ’"
            found.append((line_start + index, f"straight quote {mark} in Chinese text "
                                              f"(\"{_around(text, line_start + index, line_start + index + 1)}\"); "
                                              f"write {fix}"))
    return found


def _english(text: str, allowed: tuple[str, ...]) -> list[tuple[int, str]]:
    if "*" in allowed:
        return []  # a site whose Chinese pages use English terms freely (software docs, say)
    for name in sorted(allowed, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", blank, text)
    text = _TECHNICAL_RE.sub(lambda m: blank(m) if re.search(r"[A-Za-z]", m.group(0)) else m.group(0), text)
    found = []
    for match in _LATIN_RE.finditer(text):
        words = [w.strip("'’-") for w in match.group(0).split()]
        if all(_ACRONYM_RE.match(w) for w in words if w):
            continue
        phrase = " ".join(match.group(0).split())
        found.append((match.start(), f"English '{phrase}' in Chinese text; translate it, mark it as English "
                                     f"(<span lang=\"en\">…</span>), or, if it is a name, add it to "
                                     f"lint: allow_latin in site.yaml"))
    return found


def _lines(text: str) -> list[tuple[int, str]]:
    found, start = [], 0
    for line in text.split("\n"):
        found.append((start, line))
        start += len(line) + 1
    return found


def check_typography(text: Text, allowed: tuple[str, ...] = (), spaced: bool | None = False) -> list[BuildError]:
    """Return a warning, with the fix, for each break of the site's Chinese typography in `text`.

    `spaced` is site.yaml's `lint: spacing: space`: one space between Chinese and Latin text instead of none;
    None (`spacing: any`) leaves spacing unchecked.
    """
    prose = _TAG_RE.sub(blank, FOREIGN_RE.sub(blank, text.text))
    spacing = _spacing(prose, spaced) if spaced is not None else []
    problems = _half_width(prose) + spacing + _quotes(prose) + _english(prose, allowed)
    return [BuildError(text.path, text.line_at(offset), message) for offset, message in sorted(problems)]
