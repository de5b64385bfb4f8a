"""Bar charts drawn from facts at build time: text labels, inline SVG bars, and the data table."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .config import Language
from .facts import Chart, Facts
from .i18n import fact_date, format_fact

WIDTH = 400  # viewBox units of a bar's track; the SVG stretches to the column
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
    """Return a <figure>: caption, one row per bar (label and value as text, the bar as SVG), and the data table.

    Labels and values are HTML so they keep the body's size and wrap on a phone; only the bars
    are drawn, as SVG meters hidden from screen readers (the text says the same).
    """
    bars = chart_bars(chart, facts, language, strings)
    rows = "".join(
        f'<li class="row" data-key="{escape(bar.key)}"><span class="label">{escape(bar.label)}</span> '
        f'<span class="value">{escape(bar.text)}</span>'
        f'<svg class="meter" viewBox="0 0 {WIDTH} {BAR}" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        f'<rect class="track" width="{WIDTH}" height="{BAR}"/>'
        f'<rect class="bar" width="{bar_width(bar):g}" height="{BAR}" data-value="{bar.value:.15g}" '
        f'data-scale="{bar.scale:.15g}"/></svg></li>'
        for bar in bars)
    table_rows = "".join(
        f'<tr><th scope="row"><a href="{escape(f"{fact_href}#fact-{bar.key}")}">{escape(bar.label)}</a></th>'
        f"<td>{escape(bar.text)}</td>"
        f"<td>{escape(fact_date(facts.facts[bar.key], language, strings))}</td></tr>"
        for bar in bars)
    return (
        f'<figure class="chart" id="{escape("chart-" + chart.key)}">'
        f'<figcaption>{escape(chart.title[language.code])}</figcaption>'
        f'<ul class="bars">{rows}</ul>'
        f'<details><summary>{escape(strings["chart_data"])}</summary>'
        f'<table><thead><tr><th scope="col">{escape(strings["chart_col_figure"])}</th>'
        f'<th scope="col">{escape(strings["chart_col_value"])}</th>'
        f'<th scope="col">{escape(strings["chart_col_as_of"])}</th></tr></thead>'
        f"<tbody>{table_rows}</tbody></table></details></figure>")


def bar_width(bar: Bar) -> float:
    """Return a bar's length in viewBox units: its value as a part of its scale."""
    return round(WIDTH * bar.value / bar.scale, 2) if bar.scale else 0.0
