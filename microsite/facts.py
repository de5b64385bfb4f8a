"""content/facts.yaml -> Facts: every figure on the site, validated, with derived figures computed."""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import SiteConfig

from .errors import BuildError, BuildFailed, raise_if
from .formulas import MAX_VALUE, evaluate, find_cycle, formula_names, round_to_step
from .safeio import read_text
from .sources import Source, check_fact_source, parse_date, parse_sources
from .sources import parse_texts as _texts
from .sources import valid_key as _valid_key
from .yamlio import LineMap, parse_yaml

FACTS_FILE = "content/facts.yaml"
SHARE = "share"  # the unit of a value between 0 and 1, shown as a percentage
_FACT_KEYS = {"value", "derived", "round", "statement", "unit", "as_of", "label", "source", "note",
              "bound", "comparison"}
_CHART_KEYS = {"kind", "facts", "title"}
CHART_KINDS = ("share", "part", "bars")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ROUND_RANGE = (1e-6, 1e12)  # steps beyond these are typing mistakes, and would strain decimal rounding


@dataclass(frozen=True)
class Fact:
    """One figure (or, with `statement`, one qualitative finding) and where it comes from."""

    key: str
    line: int
    label: dict[str, str] = field(hash=False)
    source: str
    as_of: str  # "2022-10", "2022" or "2022-10-31"
    value: float | int | None = None  # None for a statement
    unit: str = ""
    statement: dict[str, str] = field(default_factory=dict, hash=False)
    note: dict[str, str] = field(default_factory=dict, hash=False)
    bound: str | None = None  # "over": the value is a lower bound
    comparison: tuple[str, str] | None = None  # ("share", key) or ("total", key)
    derived: str | None = None  # formula over other facts; the value is then an estimate
    round_to: float | None = None
    as_of_assumed: bool = False  # the source gives no date: as_of is this site's assumption (see the note)

    @property
    def is_statement(self) -> bool:
        return self.value is None

    @property
    def is_estimate(self) -> bool:
        return self.derived is not None


@dataclass(frozen=True)
class Chart:
    """A bar chart drawn from facts at build time."""

    key: str
    kind: str  # share: 0-100 %; part: N of the total fact; bars: values against the largest
    facts: tuple[str, ...]
    title: dict[str, str] = field(hash=False)


@dataclass(frozen=True)
class Facts:
    """The validated fact sheet."""

    facts: dict[str, Fact] = field(hash=False)  # in file order
    sources: dict[str, Source] = field(hash=False)
    units: dict[str, dict[str, str]] = field(hash=False)  # unit -> lang -> suffix after the number
    charts: dict[str, Chart] = field(hash=False)
    digest: str = ""  # changes whenever anything in the sheet changes

    def fingerprint(self, ref: str) -> str:
        """Return a hash of everything that shows when 'fact:<key>' or 'chart:<key>' is rendered."""
        return self._fingerprints.get(ref, "missing")

    @cached_property
    def _fingerprints(self) -> dict[str, str]:
        prints = {}
        for key, fact in self.facts.items():
            parts = [_jsonable(fact), _jsonable(self.sources.get(fact.source)), self.units.get(fact.unit)]
            if fact.comparison:
                parts.append(_jsonable(self.facts.get(fact.comparison[1])))
            if fact.derived:  # its tooltip names the sources of the figures it is computed from
                used = self._inputs(fact)
                parts.extend([_jsonable(f) for f in used] + [_jsonable(self.sources.get(f.source)) for f in used])
            prints["fact:" + key] = _hash(parts)
        for key, chart in self.charts.items():
            prints["chart:" + key] = _hash([_jsonable(chart)] + [prints.get("fact:" + k) for k in chart.facts])
        return prints

    def _inputs(self, fact: Fact) -> list[Fact]:
        """Return the facts a derived fact is computed from, through other derived facts too."""
        used = [self.facts[n] for n in formula_names(fact.derived or "") if n in self.facts]
        return used + [deeper for f in used if f.derived for deeper in self._inputs(f)]

    def closest(self, key: str) -> list[str]:
        """Return known fact keys that look like `key`, for error messages."""
        return closest(key, self.facts)


def closest(key: str, known: Any) -> list[str]:
    """Return up to three of the `known` keys that look like `key`, for error messages."""
    return difflib.get_close_matches(key, [str(k) for k in known], n=3, cutoff=0.5)


def _did_you_mean(key: str, known: Any) -> str:
    close = closest(key, known)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return {k: v for k, v in vars(value).items() if not k.startswith("_") and k != "line"}


def _hash(value: Any) -> str:
    return hashlib.blake2b(json.dumps(value, sort_keys=True, default=str).encode(), digest_size=10).hexdigest()


def empty_facts() -> Facts:
    """Return a fact sheet with nothing in it (for sites without content/facts.yaml)."""
    return Facts({}, {}, {}, {}, _hash("empty"))


def parse_facts(text: str, langs: tuple[str, ...], path: str = FACTS_FILE) -> Facts:
    """Parse and validate the fact sheet; raise BuildFailed with every problem found."""
    data, errors = parse_yaml(text, path)
    raise_if(errors)
    if data is None:
        return empty_facts()
    if not isinstance(data, LineMap):
        raise BuildFailed([BuildError(path, 1, "expected a mapping with sources, units, facts and charts")])
    for key in data:
        if key not in ("sources", "units", "facts", "charts"):
            errors.append(BuildError(path, data.line_of(key), f"unknown section '{key}'"))
    sources = parse_sources(_section(data, "sources", path, errors), langs, path, errors)
    units = _parse_units(_section(data, "units", path, errors), langs, path, errors)
    raw = _section(data, "facts", path, errors)
    facts = {key: fact for key in raw if (fact := _parse_fact(key, raw, sources, units, langs, path, errors))}
    _check_comparisons(facts, raw, path, errors)
    facts = _derive(facts, raw, path, errors)
    charts = _parse_charts(_section(data, "charts", path, errors), facts, raw, langs, path, errors)
    raise_if(errors)
    return Facts(facts, sources, units, charts, _hash(text))


def _section(data: LineMap, key: str, path: str, errors: list[BuildError]) -> LineMap:
    value = data.get(key)
    if value is None:
        return LineMap.empty(data.line_of(key))
    if not isinstance(value, LineMap):
        errors.append(BuildError(path, data.line_of(key), f"'{key}' must be a mapping of keys to entries"))
        return LineMap.empty(data.line_of(key))
    return value


def _parse_units(raw: LineMap, langs: tuple[str, ...], path: str, errors: list[BuildError]) -> dict[str, dict[str, str]]:
    units = {}
    for key, entry in raw.items():
        if not _valid_key(key, raw, f"unit '{key}'", path, errors):
            continue
        if not isinstance(entry, dict):
            errors.append(BuildError(path, raw.line_of(key), f"unit '{key}' must map each language to the text after the number"))
            continue
        for lang in langs:
            if not isinstance(entry.get(lang), str):
                errors.append(BuildError(path, raw.line_of(key), f"unit '{key}': missing text for '{lang}' (write \"\" for none)"))
        units[key] = {lang: str(entry.get(lang) or "") for lang in langs}
    return units


def _parse_fact(key: Any, raw: LineMap, sources: dict[str, Source], units: dict[str, dict[str, str]],
                langs: tuple[str, ...], path: str, errors: list[BuildError]) -> Fact | None:
    entry, line, what = raw[key], raw.line_of(key), f"fact '{key}'"
    if not _valid_key(key, raw, what, path, errors):
        return None
    if not isinstance(entry, LineMap):
        errors.append(BuildError(path, line, f"{what} must be a mapping"))
        return None
    n = len(errors)
    for unknown in sorted(set(entry) - _FACT_KEYS):
        errors.append(BuildError(path, entry.line_of(unknown), f"{what}: unknown field '{unknown}'"))
    kinds = [k for k in ("value", "derived", "statement") if k in entry]
    if len(kinds) != 1:
        errors.append(BuildError(path, line, f"{what}: needs exactly one of value, derived or statement"))
    value = entry.get("value")
    if "value" in entry and (type(value) not in (int, float) or (type(value) is float and not math.isfinite(value))):
        errors.append(BuildError(path, entry.line_of("value"), f"{what}: value must be a number, got {_short(value)}"))
    elif "value" in entry and abs(value) >= MAX_VALUE:
        digits = len(str(int(abs(value))))
        errors.append(BuildError(path, entry.line_of("value"), f"{what}: value has {digits} digits; the limit is 15"))
    unit = str(entry.get("unit", ""))
    if "statement" not in entry and unit != SHARE and unit not in units:
        known = ", ".join([SHARE, *units])
        errors.append(BuildError(path, entry.line_of("unit") if "unit" in entry else line,
                                 f"{what}: unknown unit '{unit}' (known: {known})"))
    if unit == SHARE and isinstance(value, (int, float)) and not 0 <= value <= 1:
        errors.append(BuildError(path, entry.line_of("value"), f"{what}: a share must be between 0 and 1, got {value}"))
    source = entry.get("source")
    if not isinstance(source, str) or source not in sources:
        known = ", ".join(sources) or "none defined"
        errors.append(BuildError(path, entry.line_of("source") if "source" in entry else line,
                                 f"{what}: unknown source '{source}' (known: {known})"))
    as_of, as_of_assumed = parse_date(entry, "as_of", what, path, errors, "a date like 2022-10 or 2022-10-31",
                                      line) or ("", False)
    bound = entry.get("bound")
    if bound not in (None, "over"):
        errors.append(BuildError(path, entry.line_of("bound"), f"{what}: bound can only be 'over'"))
    comparison = entry.get("comparison")
    if comparison is not None and not (isinstance(comparison, dict) and len(comparison) == 1
                                       and next(iter(comparison)) in ("share", "total")
                                       and isinstance(next(iter(comparison.values())), str)):
        errors.append(BuildError(path, entry.line_of("comparison"),
                                 f"{what}: comparison is either {{share: <fact>}} or {{total: <fact>}}"))
        comparison = None
    round_to = entry.get("round")
    if round_to is not None and (isinstance(round_to, bool) or not isinstance(round_to, (int, float))
                                 or not ROUND_RANGE[0] <= round_to <= ROUND_RANGE[1]):
        errors.append(BuildError(path, entry.line_of("round"),
                                 f"{what}: round must be a positive number from 0.000001 to 10^12, e.g. 100"))
    elif round_to is not None and "derived" not in entry:
        errors.append(BuildError(path, entry.line_of("round"), f"{what}: round applies only to derived figures"))
    label = _texts(entry, "label", langs, what, path, errors)
    statement = _texts(entry, "statement", langs, what, path, errors, required=False)
    note = _texts(entry, "note", langs, what, path, errors, required=False)
    if as_of_assumed and not note:
        errors.append(BuildError(path, entry.line_of("as_of"), f"{what}: an assumed as_of needs a note "
                                                               "saying why the date is assumed"))
    problem = (check_fact_source(key, sources[source], "derived" in entry)
               if isinstance(source, str) and source in sources else None)
    if problem:
        errors.append(BuildError(path, entry.line_of("source"), problem))
    if len(errors) > n:
        return None
    return Fact(key=key, line=line, label=label, source=source, as_of=as_of,
                value=value, unit=unit if "statement" not in entry else "", statement=statement, note=note,
                bound=bound, comparison=next(iter(comparison.items())) if comparison else None,
                derived=str(entry["derived"]) if "derived" in entry else None, round_to=round_to,
                as_of_assumed=as_of_assumed)
def _short(value: Any) -> str:
    """Return a value for a message, cut short if it is long."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_comparisons(facts: dict[str, Fact], raw: LineMap, path: str, errors: list[BuildError]) -> None:
    for fact in facts.values():
        if not fact.comparison:
            continue
        kind, other = fact.comparison
        line = raw[fact.key].line_of("comparison")
        if other not in raw:
            errors.append(BuildError(path, line, f"fact '{fact.key}': comparison names unknown fact '{other}'{_did_you_mean(other, raw)}"))
        elif other in facts and kind == "share" and facts[other].unit != SHARE:
            errors.append(BuildError(path, line, f"fact '{fact.key}': comparison share names '{other}', which is not a share"))
        elif other in facts and kind == "total" and facts[other].statement:
            errors.append(BuildError(path, line, f"fact '{fact.key}': comparison total names '{other}', which is a statement"))


def _derive(facts: dict[str, Fact], raw: LineMap, path: str, errors: list[BuildError]) -> dict[str, Fact]:
    """Compute every derived value from the values it names, in dependency order."""
    pending = {k: f for k, f in facts.items() if f.derived is not None}
    values = {k: f.value for k, f in facts.items() if f.derived is None and f.value is not None}
    names: dict[str, list[str]] = {}
    for key, fact in pending.items():
        line = raw[key].line_of("derived")
        try:
            names[key] = formula_names(fact.derived or "")
        except ValueError as exc:
            errors.append(BuildError(path, line, f"fact '{key}': derived formula: {exc}"))
            continue
        for name in names[key]:
            if name not in raw:
                errors.append(BuildError(path, line, f"fact '{key}': derived formula names unknown fact '{name}'"
                                                     f"{_did_you_mean(name, raw)}"))
    result = dict(facts)
    progress = True
    while progress:
        progress = False
        for key in [k for k in names if k not in values and all(n in values for n in names[k])]:
            line = raw[key].line_of("derived")
            try:
                value = round_to_step(evaluate(pending[key].derived or "", values), pending[key].round_to)
            except ZeroDivisionError:
                errors.append(BuildError(path, line, f"fact '{key}': derived formula divides by zero"))
                continue
            except ValueError as exc:
                errors.append(BuildError(path, line, f"fact '{key}': derived formula {exc}"))
                continue
            if pending[key].unit == SHARE and not 0 <= value <= 1:
                errors.append(BuildError(path, line, f"fact '{key}': a share must be between 0 and 1, "
                                                     f"but the derived formula gives {value:g}"))
            values[key] = value
            result[key] = replace(pending[key], value=value)
            progress = True
    for key in names:
        if key in values or not all(n in raw for n in names[key]):
            continue
        line = raw[key].line_of("derived")
        statements = [n for n in names[key] if n in facts and facts[n].is_statement and n not in names]
        cycle = find_cycle(key, names)
        if statements:
            errors.append(BuildError(path, line, f"fact '{key}': derived formula uses '{statements[0]}', "
                                                 "a statement, which has no value"))
        elif cycle:
            errors.append(BuildError(path, line, f"fact '{key}': derived formula depends on itself "
                                                 f"({' -> '.join(cycle)})"))
    return result


def _parse_charts(raw: LineMap, facts: dict[str, Fact], raw_facts: LineMap, langs: tuple[str, ...], path: str,
                  errors: list[BuildError]) -> dict[str, Chart]:
    charts = {}
    for key, entry in raw.items():
        what = f"chart '{key}'"
        if not _valid_key(key, raw, what, path, errors):
            continue
        if not isinstance(entry, LineMap):
            errors.append(BuildError(path, raw.line_of(key), f"{what} must be a mapping"))
            continue
        for unknown in sorted(set(entry) - _CHART_KEYS):
            errors.append(BuildError(path, entry.line_of(unknown), f"{what}: unknown field '{unknown}'"))
        kind = entry.get("kind")
        if kind not in CHART_KINDS:
            errors.append(BuildError(path, entry.line_of("kind") if "kind" in entry else entry.line,
                                     f"{what}: kind must be one of {', '.join(CHART_KINDS)}"))
        keys = entry.get("facts")
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            errors.append(BuildError(path, entry.line_of("facts") if "facts" in entry else entry.line,
                                     f"{what}: facts must be a list of fact keys"))
            keys = []
        for fact_key in keys:
            fact = facts.get(fact_key)
            line = entry.line_of("facts")
            if fact is None and fact_key in raw_facts:
                continue  # the fact is declared but invalid, and its own error says why
            if fact is None:
                errors.append(BuildError(path, line, f"{what}: unknown fact '{fact_key}'{_did_you_mean(fact_key, raw_facts)}"))
            elif fact.is_statement:
                errors.append(BuildError(path, line, f"{what}: '{fact_key}' is a statement, not a figure"))
            elif kind == "share" and fact.unit != SHARE:
                errors.append(BuildError(path, line, f"{what}: '{fact_key}' is not a share"))
            elif kind == "part" and (not fact.comparison or fact.comparison[0] != "total"):
                errors.append(BuildError(path, line, f"{what}: '{fact_key}' needs comparison: {{total: <fact>}}"))
        charts[key] = Chart(key, str(kind), tuple(keys), _texts(entry, "title", langs, what, path, errors))
    return charts


def load_facts(config: SiteConfig) -> Facts:
    """Read content/facts.yaml (a site without one has no facts)."""
    try:
        text = read_text(config.root, config.root / FACTS_FILE, FACTS_FILE)
    except FileNotFoundError:
        return empty_facts()
    return parse_facts(text, config.codes)
