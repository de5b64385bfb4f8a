"""The sources of a fact sheet and the dates in it: who reported a figure, or that this site computed it.

A source is `reported` (by a publisher, an author or both) or `computed` (this site's own arithmetic).
Author and publisher are kept apart, and a field the source does not give can be declared `unknown`,
so the site says "not known" instead of guessing. A date has a precision (2022, 2022-10, 2022-10-31)
and can be marked assumed: `{date: 2022, assumed: true}` is shown as "2022 (assumed)".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import BuildError
from .yamlio import LineMap

REPORTED, COMPUTED = "reported", "computed"
KINDS = (REPORTED, COMPUTED)
UNKNOWN = "unknown"  # a field the source does not give
DECLARED = ("author", "publisher", "date", "url")  # a reported source gives each of these, or says it is unknown
_SOURCE_KEYS = {"kind", "title", "author", "publisher", "short", "url", "date", "language", "note", "via"}
_NOT_COMPUTED = ("author", "publisher", "short", "url", "date", "language", "via")  # this site's own work has none
_DATE_KEYS = {"date", "assumed"}
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
PRECISIONS = ("year", "month", "day")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def valid_key(key: Any, raw: LineMap, what: str, path: str, errors: list[BuildError]) -> bool:
    """Report a key that is not lower_case_with_underscores: keys become ids, URLs and CSS hooks."""
    if isinstance(key, str) and KEY_RE.match(key):
        return True
    errors.append(BuildError(path, raw.line_of(key), f"{what}: keys are lower_case_with_underscores"))
    return False


@dataclass(frozen=True)
class Source:
    """Where figures come from: a report, an article, or this site's own calculations."""

    key: str
    title: dict[str, str] = field(hash=False)
    publisher: dict[str, str] = field(hash=False)  # {} when not given or unknown
    url: str | None = None
    date: str | None = None  # "2022-10" etc.; None when not given or unknown
    note: dict[str, str] = field(default_factory=dict, hash=False)
    via: str | None = None  # the source through which this one is known, e.g. a news article
    kind: str = REPORTED
    author: dict[str, str] = field(default_factory=dict, hash=False)
    date_assumed: bool = False
    language: str | None = None  # the language the source is written in, e.g. "en"
    original_title: bool = False  # the title is written once, in the source's own language
    unknown: tuple[str, ...] = ()  # fields the fact sheet declares unknown
    line: int = 0
    short: dict[str, str] = field(default_factory=dict, hash=False)  # a short name, where space is tight (cards)

    @property
    def is_computed(self) -> bool:
        return self.kind == COMPUTED

    def reporter(self, lang: str, short: bool = False) -> str:
        """Return who reported this source's figures: its publisher, else its author ('' if neither is known).

        With `short`, the source's short name where it has one (cards and tables, where space is tight).
        """
        return (short and self.short.get(lang)) or self.publisher.get(lang) or self.author.get(lang) or ""

    def undeclared(self) -> list[str]:
        """Return the fields a reported source neither gives nor declares unknown."""
        if self.is_computed:
            return []
        given = {"author": self.author, "publisher": self.publisher, "date": self.date, "url": self.url}
        return [name for name in DECLARED if not given[name] and name not in self.unknown]


def parse_texts(entry: LineMap, key: str, langs: tuple[str, ...], what: str, path: str,
                errors: list[BuildError], required: bool = True) -> dict[str, str]:
    """Return a per-language text, reporting each missing language."""
    value = entry.get(key)
    if value is None and not required:
        return {}
    if isinstance(value, str) and key in ("publisher", "title", "author", "short"):
        return {lang: value for lang in langs}  # a proper name may be the same in every language
    if not isinstance(value, dict):
        errors.append(BuildError(path, entry.line_of(key), f"{what}: '{key}' needs a text for each of {', '.join(langs)}"))
        return {}
    for lang in langs:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            errors.append(BuildError(path, entry.line_of(key), f"{what}: {key} missing in '{lang}'"))
    return {lang: str(value.get(lang, "")) for lang in langs}


def is_date(text: str) -> bool:
    """Return whether `text` is a real year, month or day such as 2022, 2022-10 or 2022-10-31."""
    if not _DATE_RE.match(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        datetime.date(*(parts + [1] * (3 - len(parts))))
    except ValueError:
        return False
    return True


def precision(iso: str) -> str:
    """Return how precise a date is: 'year' (2022), 'month' (2022-10) or 'day' (2022-10-31)."""
    return PRECISIONS[iso.count("-")]


def _date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def parse_date(entry: LineMap, key: str, what: str, path: str, errors: list[BuildError], expected: str,
               line: int) -> tuple[str, bool] | None:
    """Return (date, assumed) of `2022-10` or `{date: 2022, assumed: true}`; None (and an error) if invalid.

    `line` is where a missing date is reported (the line of the entry's key).
    """
    value, line = entry.get(key), entry.line_of(key) if key in entry else line
    assumed = False
    if isinstance(value, LineMap):
        for unknown in sorted(set(value) - _DATE_KEYS, key=str):
            errors.append(BuildError(path, value.line_of(unknown), f"{what}: {key}: unknown field '{unknown}' "
                                                                  "(a date has date and assumed)"))
        flag = value.get("assumed", False)
        if not isinstance(flag, bool):
            errors.append(BuildError(path, value.line_of("assumed"), f"{what}: {key}: assumed must be true or false"))
        assumed, value = flag is True, value.get("date")
    text = _date_text(value) if value is not None else ""
    if not is_date(text):
        errors.append(BuildError(path, line, f"{what}: {key} must be {expected}"))
        return None
    return text, assumed


def parse_sources(raw: LineMap, langs: tuple[str, ...], path: str, errors: list[BuildError]) -> dict[str, Source]:
    """Parse the `sources` section: every rule reported at its line."""
    sources = {}
    for key, entry in raw.items():
        what = f"source '{key}'"
        if not valid_key(key, raw, what, path, errors):
            continue
        if not isinstance(entry, LineMap):
            errors.append(BuildError(path, raw.line_of(key), f"{what} must be a mapping"))
            continue
        for unknown in sorted(set(entry) - _SOURCE_KEYS, key=str):
            errors.append(BuildError(path, entry.line_of(unknown), f"{what}: unknown field '{unknown}'"))
        sources[key] = _parse_source(key, entry, raw.line_of(key), langs, path, errors)
    for key, source in sources.items():
        if source.via is None:
            continue
        line = raw[key].line_of("via")
        if not isinstance(source.via, str):
            errors.append(BuildError(path, line, f"source '{key}': via must name a source"))
        elif source.via == key:
            errors.append(BuildError(path, line, f"source '{key}': via names the source itself"))
        elif source.via not in sources:
            errors.append(BuildError(path, line, f"source '{key}': via names unknown source '{source.via}'"))
        elif sources[source.via].is_computed:
            errors.append(BuildError(path, line, f"source '{key}': via names '{source.via}', which is computed "
                                                 "by this site, not a source that reported anything"))
    return sources


def _parse_source(key: str, entry: LineMap, line: int, langs: tuple[str, ...], path: str,
                  errors: list[BuildError]) -> Source:
    what = f"source '{key}'"
    kind = entry.get("kind", REPORTED)
    if kind not in KINDS:
        errors.append(BuildError(path, entry.line_of("kind"), f"{what}: kind must be reported or computed, got {kind!r}"))
        kind = REPORTED
    unknown = tuple(name for name in DECLARED if entry.get(name) == UNKNOWN)
    if kind == COMPUTED:
        for name in _NOT_COMPUTED:
            if name in entry:
                errors.append(BuildError(path, entry.line_of(name), f"{what}: '{name}' does not apply to a computed "
                                                                    "source (this site's own work)"))
    elif "author" not in entry and "publisher" not in entry:
        errors.append(BuildError(path, line, f"{what}: a reported source needs an author or a publisher "
                                             "(write unknown for the one the source does not give)"))
    elif entry.get("author") == UNKNOWN and entry.get("publisher") == UNKNOWN:
        errors.append(BuildError(path, entry.line_of("author"), f"{what}: author and publisher are both unknown; "
                                                                "a reported source names at least one"))
    url = entry.get("url")
    if url not in (None, UNKNOWN) and not str(url).startswith(("https://", "http://")):
        errors.append(BuildError(path, entry.line_of("url"), f"{what}: url must start with https:// (or be unknown)"))
    date = None
    if entry.get("date") not in (None, UNKNOWN):
        date = parse_date(entry, "date", what, path, errors, "a date like 2022-10 or 2022-10-31, or unknown", line)
    language = entry.get("language")
    if language is not None and not (isinstance(language, str) and _LANGUAGE_RE.match(language)):
        errors.append(BuildError(path, entry.line_of("language"), f"{what}: language must be a language code "
                                                                  f"such as en or zh-Hans, got {language!r}"))
        language = None
    known = {name: parse_texts(entry, name, langs, what, path, errors, required=False)
             for name in ("author", "publisher") if entry.get(name) not in (None, UNKNOWN)}
    return Source(key, parse_texts(entry, "title", langs, what, path, errors), known.get("publisher", {}),
                  str(url) if url not in (None, UNKNOWN) else None, date[0] if date else None,
                  parse_texts(entry, "note", langs, what, path, errors, required=False),
                  entry.get("via"), kind, known.get("author", {}), bool(date and date[1]), language,
                  isinstance(entry.get("title"), str), unknown, line,
                  parse_texts(entry, "short", langs, what, path, errors, required=False))


def check_fact_source(key: str, source: Source, derived: bool) -> str | None:
    """Return what is wrong with a fact citing `source`, or None: only derived figures cite computed sources."""
    if source.is_computed and not derived:
        return (f"fact '{key}': source '{source.key}' is computed by this site, but this figure is not derived; "
                "cite the source that reported it")
    return None


def date_summary(dates: list[tuple[str, bool]]) -> tuple[str, str, bool, bool] | None:
    """Return (first, last, some assumed, all assumed) of (date, assumed) pairs, at the precision all of them have.

    Figures as of 2022-10 and in 2022 summarise as 2022 to 2022: saying "October 2022" would claim
    more than the yearly figures do.
    """
    if not dates:
        return None
    parts = min(iso.count("-") for iso, _ in dates)
    cut = sorted({"-".join(iso.split("-")[:parts + 1]) for iso, _ in dates})
    flags = [assumed for _, assumed in dates]
    return cut[0], cut[-1], any(flags), all(flags)
