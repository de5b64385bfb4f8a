"""Copied wording: runs of words that prose shares with a source text, after normalising case and punctuation.

A run counts from 8 words. Chinese has no spaces between words, so it is compared character by
character, and a Chinese character counts as half a word: 16 characters in a row (a long clause) is
a run. Chinese words average under two characters, so this errs on the side of a long match, and an
official name never trips it on its own (国家新一代人工智能开放创新平台 is 15 characters).

Quoting is allowed: words inside quotation marks ("…", “…”, ‘…’, 「…」, 『…』) or in a blockquote
(lines starting with `>`) are skipped, and a run never spans them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import BuildError
from .settings import SourceText
from .text import Text

MIN_WORDS = 8
HAN_WEIGHT = 0.5  # a Chinese character counts as half a word
SEED = 8  # units a match must share to be looked at: no run of 8 words has fewer
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTER = rf"[^\W\d_{_HAN}]"
_UNIT_RE = re.compile(rf"(?P<han>[{_HAN}])|(?P<num>\d+(?:[.,]\d+)*)|(?P<word>{_LETTER}+(?:['’]{_LETTER}+)*)|(?P<bar>\x00+)")
_BARRIER = "\x00"
_QUOTES_RE = re.compile(
    r"“[^”]*?”|„[^“”]*?[“”]|「[^」]*?」|『[^』]*?』|«[^»]*?»"
    r"|(?<![\w])\"[^\"]*?\"(?![\w])"  # straight double quotes
    r"|(?<![\w])‘[^‘]*?’(?![\w])|(?<![\w])'[^']*?'(?![\w])"  # single quotes; an apostrophe is inside a word
    r"|^[ \t]*>.*$", re.M)
_NO_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Unit:
    """A word, a number or a Chinese character, normalised; None for a barrier (a quotation)."""

    token: str | None
    start: int
    end: int
    han: bool = False


def units(text: str) -> list[Unit]:
    """Return the words, numbers and Chinese characters of `text`: lower case, no punctuation, no apostrophes."""
    found = []
    for match in _UNIT_RE.finditer(text):
        kind = match.lastgroup
        if kind == "bar":
            found.append(Unit(None, match.start(), match.end()))
            continue
        token = unicodedata.normalize("NFKC", match.group(0)).casefold()
        if kind == "num":
            token = token.replace(",", "")
        elif kind == "word":
            token = token.replace("'", "").replace("’", "")
        found.append(Unit(token, match.start(), match.end(), kind == "han"))
    return found


def unquoted(text: str) -> str:
    """Return `text` with quotations and blockquotes turned into barriers (lines kept)."""
    def bar(match: re.Match[str]) -> str:
        if _NO_PARAGRAPH_BREAK.search(match.group(0)):
            return match.group(0)  # an unclosed quotation mark: no quotation runs across paragraphs
        return re.sub(r"[^\n]", _BARRIER, match.group(0))
    return _QUOTES_RE.sub(bar, text)


@dataclass(frozen=True)
class SourceIndex:
    """The source texts cut into units, with every run of SEED units located."""

    texts: tuple[SourceText, ...]
    units: tuple[tuple[Unit, ...], ...]
    seeds: dict[tuple[str, ...], list[tuple[int, int]]]


def index_sources(texts: list[SourceText]) -> SourceIndex:
    """Return the index the copy check looks prose up in (made once per check)."""
    all_units = tuple(tuple(units(t.text)) for t in texts)
    seeds: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for number, found in enumerate(all_units):
        tokens = [u.token for u in found]
        for i in range(len(tokens) - SEED + 1):
            seeds.setdefault(tuple(tokens[i:i + SEED]), []).append((number, i))  # type: ignore[arg-type]
    return SourceIndex(tuple(texts), all_units, seeds)


@dataclass(frozen=True)
class Run:
    """Units [start, end) of a prose text shared with source text `source` from unit `at`."""

    start: int
    end: int
    source: int
    at: int


def shared_runs(prose: list[Unit], index: SourceIndex) -> list[Run]:
    """Return the longest runs the prose shares with the sources, each at least MIN_WORDS long, not overlapping."""
    tokens = [u.token for u in prose]
    runs = []
    for i in range(len(tokens) - SEED + 1):
        for number, j in index.seeds.get(tuple(tokens[i:i + SEED]), ()):  # type: ignore[arg-type]
            source = [u.token for u in index.units[number]]
            if i and j and tokens[i - 1] is not None and tokens[i - 1] == source[j - 1]:
                continue  # the same run, found from an earlier unit
            length = SEED
            while (i + length < len(tokens) and j + length < len(source) and tokens[i + length] is not None
                   and tokens[i + length] == source[j + length]):
                length += 1
            if weight(prose[i:i + length]) >= MIN_WORDS:
                runs.append(Run(i, i + length, number, j))
    kept: list[Run] = []
    for run in sorted(runs, key=lambda r: (r.start, r.start - r.end)):
        if not kept or run.start >= kept[-1].end:
            kept.append(run)
    return kept


def weight(found: list[Unit]) -> float:
    """Return how many words a run is worth: a Chinese character is half a word."""
    return sum(HAN_WEIGHT if u.han else 1 for u in found)


def _size(found: list[Unit]) -> str:
    han = sum(1 for u in found if u.han)
    words = len(found) - han
    if not han:
        return f"{words} words"
    return f"{han} characters" if not words else f"{words} words and {han} characters"


def _excerpt(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def check_copied(texts: list[Text], index: SourceIndex) -> list[BuildError]:
    """Return a warning for each run of MIN_WORDS or more words that prose shares with a source text."""
    warnings = []
    for text in texts:
        prose = units(unquoted(text.text))
        for run in shared_runs(prose, index):
            found = prose[run.start:run.end]
            source, at = index.texts[run.source], index.units[run.source][run.at]
            source_line = source.text.count("\n", 0, at.start) + 1
            excerpt = _excerpt(text.text[found[0].start:found[-1].end])
            warnings.append(BuildError(text.path, text.line_at(found[0].start),
                                       f"{_size(found)} in a row as in {source.path}:{source_line} "
                                       f"(\"{excerpt}\"); say it in your own words, or quote it in quotation marks"))
    return warnings
