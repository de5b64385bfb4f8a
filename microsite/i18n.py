"""UI strings per language, and numbers and dates formatted with Babel's CLDR data."""

from __future__ import annotations

import datetime
import functools
import re
import string
from pathlib import Path
from typing import Iterable

from babel.dates import format_date as babel_format_date
from babel.dates import format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from .config import Language, SiteConfig
from .errors import BuildError, BuildFailed, raise_if
from .facts import SHARE, Fact, Facts
from .formulas import formula_names, formula_parts
from .safeio import read_text
from .sources import date_summary
from .yamlio import LineMap, parse_yaml

STRINGS_DIR = "content/strings"
# The strings the generator itself needs; templates may use any others the files define.
REQUIRED_STRINGS = ("fact_value", "fact_over", "fact_over_share", "fact_estimate", "fact_title", "chart_part",
                    "chart_data", "chart_col_figure", "chart_col_value", "chart_col_as_of", "date_assumed",
                    "computed_credit", "data_as_of", "data_dates", "data_some_assumed")
# The placeholders each string the generator formats may use (templates' own calls are found in the templates).
FORMAT_FIELDS = {key: frozenset(names) for key, names in {
    "fact_value": ("number", "suffix"), "fact_over": ("number", "suffix"), "fact_over_share": ("number", "suffix"),
    "fact_estimate": ("number", "suffix"), "fact_title": ("source", "date"), "chart_part": ("value", "total"),
    "date_assumed": ("date",), "computed_credit": ("sources",), "data_as_of": ("date",), "data_dates": ("date",),
    "data_some_assumed": ("text",), "as_of": ("date",), "as_of_year": ("date",),
}.items()}
_STRING_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def load_strings(config: SiteConfig) -> dict[str, dict[str, str]]:
    """Read content/strings/<lang>.yaml for every language; every key must exist in every language."""
    errors: list[BuildError] = []
    strings: dict[str, dict[str, str]] = {}
    lines: dict[str, LineMap] = {}
    for lang in config.codes:
        path = f"{STRINGS_DIR}/{lang}.yaml"
        try:
            text = read_text(config.root, config.root / path, path)
        except FileNotFoundError:
            errors.append(BuildError(path, None, f"missing: UI strings for '{lang}'"))
            continue
        except BuildFailed as exc:
            errors.extend(exc.errors)
            continue
        data, problems = parse_yaml(text, path)
        errors.extend(problems)
        if not isinstance(data, LineMap):
            if not problems:
                errors.append(BuildError(path, 1, "expected a mapping of string keys to texts"))
            continue
        for key, value in data.items():
            if not isinstance(key, str) or not _STRING_KEY_RE.match(key):
                errors.append(BuildError(path, data.line_of(key), f"string key '{key}' must be letters, digits, _ and -"))
            elif not isinstance(value, str):
                errors.append(BuildError(path, data.line_of(key), f"string '{key}' must be text"))
        texts = LineMap.empty(1)  # keeps each key's line, for the format check
        texts.update({str(k): str(v) for k, v in data.items()})
        texts.lines = {str(k): line for k, line in data.lines.items()}
        strings[lang], lines[lang] = texts, data
    raise_if(errors)
    every_key = sorted(set().union(*strings.values(), REQUIRED_STRINGS))
    for lang in config.codes:
        for key in every_key:
            if key not in strings[lang]:
                others = [f"{STRINGS_DIR}/{o}.yaml" for o in config.codes if key in strings[o]]
                where = f" (present in {', '.join(others)})" if others else ""
                errors.append(BuildError(f"{STRINGS_DIR}/{lang}.yaml", None,
                                         f"missing string '{key}' in language '{lang}'{where}"))
    raise_if(errors)
    return strings


def check_string_formats(strings: dict[str, dict[str, str]],
                         template_calls: Iterable[Iterable[tuple[str, frozenset[str]]]]) -> list[BuildError]:
    """Return an error for each UI string whose {placeholders} its caller does not pass, at its file and line.

    `template_calls` holds, per template, the strings it formats and the names it passes (see templates.py).
    """
    fields: dict[str, frozenset[str]] = {}
    for calls in template_calls:
        for key, names in calls:
            fields[key] = fields.get(key, names) & names  # formatted in two places: only what both pass
    fields.update(FORMAT_FIELDS)
    errors = []
    for lang, texts in strings.items():
        path = f"{STRINGS_DIR}/{lang}.yaml"
        for key in sorted(set(texts) & set(fields)):
            problem = format_problem(texts[key], fields[key])
            if problem:
                line = texts.line_of(key) if isinstance(texts, LineMap) else None
                errors.append(BuildError(path, line, f"string '{key}': {problem}"))
    return errors


def format_problem(text: str, allowed: frozenset[str]) -> str | None:
    """Return what is wrong with a format string given the placeholder names it may use, or None."""
    named = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return "a brace without its pair; placeholders look like {name}, a literal brace is written {{ or }}"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"unknown placeholder {shown} (allowed: {named})"
    return None


def format_number(value: float | int, language: Language) -> str:
    """Return a number as readers of `language` write it: 40,000 in English, 4万 in Chinese."""
    if language.compact_numbers and abs(value) >= 10_000:
        short = format_compact_decimal(value, locale=language.locale, fraction_digits=2)
        if short == format_compact_decimal(value, locale=language.locale, fraction_digits=6):
            return short  # only where the short form is exact: 4万, not 4万 for 41,234
    return format_decimal(value, locale=language.locale, decimal_quantization=False)


def format_share(value: float, language: Language) -> str:
    """Return a share between 0 and 1 as a percentage, keeping any decimals: 0.29 -> 29%."""
    return format_percent(value, locale=language.locale, decimal_quantization=False)


def parse_as_of(as_of: str) -> tuple[datetime.date, str]:
    """Return the date and its precision ('y', 'yMMMM' or 'yMMMMd') of '2022', '2022-10' or '2022-10-31'."""
    parts = [int(p) for p in as_of.split("-")]
    skeleton = {1: "y", 2: "yMMMM", 3: "yMMMMd"}[len(parts)]
    return datetime.date(*(parts + [1] * (3 - len(parts)))), skeleton


def format_as_of(as_of: str, language: Language) -> str:
    """Return a date of known precision in the language: 'October 2022', '2022年10月'."""
    date, skeleton = parse_as_of(as_of)
    return format_skeleton(skeleton, date, locale=language.locale)


def format_date(date: datetime.date, language: Language) -> str:
    """Return a full date in the language: 'February 14, 2023', '2023年2月14日'."""
    return _long_date(date, language.locale)


@functools.lru_cache(maxsize=4096)  # pages share dates; Babel formats each anew (about 0.1 ms)
def _long_date(date: datetime.date, locale: str) -> str:
    return babel_format_date(date, "long", locale=locale)


def format_fact(fact: Fact, facts: Facts, language: Language, strings: dict[str, str]) -> str:
    """Return a fact's value as a phrase of the language: '1,048', '4万余名', 'about 3,600'."""
    if fact.value is None:
        return fact.statement[language.code]
    if fact.unit == SHARE:
        number, suffix = format_share(fact.value, language), ""
    else:
        number, suffix = format_number(fact.value, language), facts.units.get(fact.unit, {}).get(language.code, "")
    if fact.is_estimate:
        pattern = strings["fact_estimate"]
    elif fact.bound:  # '4万余名', but a share reads '超过60%'
        pattern = strings["fact_over_share" if fact.unit == SHARE else "fact_over"]
    else:
        pattern = strings["fact_value"]
    return pattern.format(number=number, suffix=suffix)


_OPERATORS = {"/": " ÷ ", "*": " × ", "+": " + ", "-": " − "}


def formula_text(fact: Fact, facts: Facts, language: Language) -> str:
    """Return a derived fact's formula with the values it uses: 'ai_companies / ai_companies_share' -> '1,048 ÷ 29%'."""
    parts = []
    for kind, value in formula_parts(fact.derived or ""):
        if kind == "name":
            used = facts.facts[str(value)]  # a number: the fact sheet refuses formulas over statements
            parts.append(format_share(used.value, language) if used.unit == SHARE
                         else format_decimal(used.value, locale=language.locale, decimal_quantization=False))
        elif kind == "number":
            parts.append(format_decimal(value, locale=language.locale, decimal_quantization=False))
        else:
            parts.append(_OPERATORS.get(str(value), str(value)))
    return "".join(parts).strip()


def format_dated(iso: str, assumed: bool, language: Language, strings: dict[str, str]) -> str:
    """Return a date as precise as the source, marked when this site assumed it: '2022年（推定）'."""
    text = format_as_of(iso, language)
    return strings["date_assumed"].format(date=text) if assumed else text


def fact_date(fact: Fact, language: Language, strings: dict[str, str]) -> str:
    """Return the date a fact refers to, as readers of the language see it: 'October 2022', '2022 (assumed)'."""
    return format_dated(fact.as_of, fact.as_of_assumed, language, strings)


def computed_from(fact: Fact, facts: Facts) -> list[str]:
    """Return the keys of the sources a derived fact's inputs come from (through other derived facts too)."""
    keys: list[str] = []
    for name in formula_names(fact.derived or ""):
        used = facts.facts[name]
        for key in computed_from(used, facts) if used.is_estimate else [used.source]:
            if key not in keys:
                keys.append(key)
    return keys


def source_credit(fact: Fact, facts: Facts, language: Language, strings: dict[str, str], short: bool = False) -> str:
    """Return who a figure comes from: its publisher (or author), or this site for a figure it computed.

    With `short`, sources' short names where they have one (for cards and tables).
    """
    code = language.code
    if fact.is_estimate:
        names = [n for key in computed_from(fact, facts) if (n := facts.sources[key].reporter(code, short))]
        if names:
            return strings["computed_credit"].format(sources=format_list(names, locale=language.locale))
    source = facts.sources[fact.source]
    return source.reporter(code, short) or source.title[code]


def fact_title(fact: Fact, facts: Facts, language: Language, strings: dict[str, str]) -> str:
    """Return the tooltip naming a fact's source and date, e.g. 'Source: …, October 2022'."""
    return strings["fact_title"].format(source=source_credit(fact, facts, language, strings),
                                        date=fact_date(fact, language, strings))


def format_data_dates(facts: Facts, language: Language, strings: dict[str, str]) -> str:
    """Return the footer's summary of what the figures date from ('' without facts).

    'Data as of October 2022' only when every figure is as of that month; otherwise the span at the
    precision every figure has ('Data from 2022'), and a mark when some dates are assumed.
    """
    summary = date_summary([(f.as_of, f.as_of_assumed) for f in facts.facts.values()])
    if summary is None:
        return ""
    start, end, some_assumed, all_assumed = summary
    if start == end:
        text = format_as_of(start, language)
    else:
        skeleton = parse_as_of(start)[1]
        text = format_interval(parse_as_of(start)[0], parse_as_of(end)[0], skeleton, locale=language.locale)
    if all_assumed:
        text = strings["date_assumed"].format(date=text)
    pattern = "data_as_of" if start == end and "-" in start else "data_dates"
    text = strings[pattern].format(date=text)
    return strings["data_some_assumed"].format(text=text) if some_assumed and not all_assumed else text


def strings_path(config: SiteConfig, lang: str) -> Path:
    """Return the strings file of one language."""
    return config.root / STRINGS_DIR / f"{lang}.yaml"
