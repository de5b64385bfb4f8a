"""The open data files: data/facts.json and data/facts.csv."""

from __future__ import annotations

import csv
import io
import json

from ..i18n import computed_from, fact_date
from ..model import Site
from ..sources import UNKNOWN, Source, precision


def _field(source: Source, name: str, lang: str | None = None) -> str:
    """Return a source's field for the data files: its value, 'unknown' when declared so, '' when not given."""
    value = getattr(source, name)
    if isinstance(value, dict):
        value = value.get(lang or "", "")
    return value or (UNKNOWN if name in source.unknown else "")


def fact_records(site: Site) -> list[dict[str, object]]:
    """Return one flat record per fact, for the open data files."""
    facts, langs = site.facts, site.config.codes
    records = []
    for fact in facts.facts.values():
        source = facts.sources[fact.source]
        record: dict[str, object] = {"key": fact.key, "value": fact.value, "unit": fact.unit, "as_of": fact.as_of,
                                     "as_of_precision": precision(fact.as_of), "as_of_assumed": fact.as_of_assumed}
        for language in site.config.languages:  # the date as the pages show it: '2022 (assumed)'
            record[f"as_of_{language.code}"] = fact_date(fact, language, site.strings[language.code])
        record.update({"estimate": fact.is_estimate, "formula": fact.derived or "", "lower_bound": fact.bound == "over"})
        for lang in langs:
            record[f"label_{lang}"] = fact.label[lang]
        for lang in langs:
            record[f"statement_{lang}"] = fact.statement.get(lang, "")
        for lang in langs:
            record[f"note_{lang}"] = fact.note.get(lang, "")
        record["source"] = source.key
        record["source_kind"] = source.kind
        record["computed_from"] = " ".join(computed_from(fact, facts)) if fact.is_estimate else ""
        for name in ("title", "author", "publisher"):
            for lang in langs:
                record[f"source_{name}_{lang}"] = _field(source, name, lang)
        record["source_date"] = _field(source, "date")
        record["source_url"] = _field(source, "url")
        record["source_via"] = source.via or ""
        records.append(record)
    return records


def source_records(site: Site) -> list[dict[str, object]]:
    """Return every source with what is known of it ('unknown' where the fact sheet says so, null where not given)."""
    return [{"key": s.key, "kind": s.kind, "title": s.title,
             "author": s.author or _field(s, "author") or None, "publisher": s.publisher or _field(s, "publisher") or None,
             "date": _field(s, "date") or None, "date_assumed": s.date_assumed, "url": _field(s, "url") or None,
             "language": s.language, "via": s.via, "note": s.note or None}
            for s in site.facts.sources.values()]


def render_facts_json(site: Site) -> str:
    """Return data/facts.json: every fact with its source."""
    data = {"facts": fact_records(site), "sources": source_records(site)}
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render_facts_csv(site: Site) -> str:
    """Return data/facts.csv: UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    records = fact_records(site)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\r\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: _csv_cell(v) for k, v in record.items()})
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    """Return a value as a spreadsheet reads it: empty for none, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
