"""The open data files: data/facts.json and data/facts.csv."""

from __future__ import annotations

import csv
import io
import json

from ..facts import Facts
from ..model import Site


def fact_records(facts: Facts, langs: tuple[str, ...]) -> list[dict[str, object]]:
    """Return one flat record per fact, for the open data files."""
    records = []
    for fact in facts.facts.values():
        source = facts.sources[fact.source]
        record: dict[str, object] = {"key": fact.key, "value": fact.value, "unit": fact.unit, "as_of": fact.as_of,
                                     "estimate": fact.is_estimate, "formula": fact.derived or "",
                                     "lower_bound": fact.bound == "over"}
        for lang in langs:
            record[f"label_{lang}"] = fact.label[lang]
        for lang in langs:
            record[f"statement_{lang}"] = fact.statement.get(lang, "")
        for lang in langs:
            record[f"note_{lang}"] = fact.note.get(lang, "")
        record["source"] = source.key
        for lang in langs:
            record[f"source_publisher_{lang}"] = source.publisher[lang]
        for lang in langs:
            record[f"source_title_{lang}"] = source.title[lang]
        record["source_url"] = source.url or ""
        records.append(record)
    return records


def render_facts_json(site: Site) -> str:
    """Return data/facts.json: every fact with its source."""
    facts = site.facts
    data = {
        "facts": fact_records(facts, site.config.codes),
        "sources": [{"key": s.key, "title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date}
                    for s in facts.sources.values()],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render_facts_csv(site: Site) -> str:
    """Return data/facts.csv: UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right."""
    records = fact_records(site.facts, site.config.codes)
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
