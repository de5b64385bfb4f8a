"""Bar charts drawn from facts at build time, as inline SVG with the data table as text alternative."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .config import Language
from .facts import Chart, Facts
from .i18n import format_as_of, format_fact

WIDTH = 400  # viewBox units; the SVG scales to the column, text stays legible at 360 px
ROW = 52
BAR = 18


@dataclass(frozen=True)
class Bar:
    """One row of a chart: a label, a value on a scale, and how the value reads."""

    key: str
    label: str
    value: float
    scale: float  # the value that fills the whole track
    text: str


def chart_bars(chart: Chart, facts: Facts, language: Language, strings: dict[str, str]) -> list[Bar]:
    """Return the rows of a chart: shares on 0-100 %, parts of their total, or values against the largest."""
    rows = [facts.facts[key] for key in chart.facts]
    largest = max(float(f.value or 0) for f in rows) or 1.0
    bars = []
    for fact in rows:
        text = format_fact(fact, facts, language, strings)
        scale = 1.0 if chart.kind == "share" else largest
        if chart.kind == "part" and fact.comparison:
            total = facts.facts[fact.comparison[1]]
            scale = float(total.value or 1)
            text = strings["chart_part"].format(value=text, total=format_fact(total, facts, language, strings))
        bars.append(Bar(fact.key, fact.label[language.code], float(fact.value or 0), scale, text))
    return bars


def render_chart(chart: Chart, facts: Facts, language: Language, strings: dict[str, str], fact_href: str) -> str:
    """Return a <figure> with the SVG chart, its caption and its data table."""
    bars = chart_bars(chart, facts, language, strings)
    title = escape(chart.title[language.code])
    height = ROW * len(bars)
    rows = []
    for index, bar in enumerate(bars):
        y = index * ROW
        width = round(WIDTH * bar.value / bar.scale, 2) if bar.scale else 0
        rows.append(
            f'<g class="row" data-key="{bar.key}">'
            f'<text x="0" y="{y + 15}" class="label">{escape(bar.label)}</text>'
            f'<rect class="track" x="0" y="{y + 22}" width="{WIDTH}" height="{BAR}" rx="3"/>'
            f'<rect class="bar" x="0" y="{y + 22}" width="{width:g}" height="{BAR}" rx="3" data-value="{bar.value:.15g}" data-scale="{bar.scale:.15g}"/>'
            f'<text x="{WIDTH}" y="{y + 15}" class="value" text-anchor="end">{escape(bar.text)}</text>'
            "</g>")
    table_rows = "".join(
        f'<tr><th scope="row"><a href="{fact_href}#fact-{bar.key}">{escape(bar.label)}</a></th>'
        f"<td>{escape(bar.text)}</td>"
        f"<td>{escape(format_as_of(facts.facts[bar.key].as_of, language))}</td></tr>"
        for bar in bars)
    return (
        f'<figure class="chart" id="chart-{chart.key}">'
        f'<figcaption>{title}</figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" aria-hidden="true" focusable="false">'
        + "".join(rows) +
        "</svg>"
        f'<details><summary>{escape(strings["chart_data"])}</summary>'
        f'<table><thead><tr><th scope="col">{escape(strings["chart_col_figure"])}</th>'
        f'<th scope="col">{escape(strings["chart_col_value"])}</th>'
        f'<th scope="col">{escape(strings["chart_col_as_of"])}</th></tr></thead>'
        f"<tbody>{table_rows}</tbody></table></details></figure>")
