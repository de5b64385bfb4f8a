"""Charts drawn from the facts: the SVG on the real key-figures page in both languages, its data table,
its text alternative, and (in a browser) whether it is readable on a 360 px phone in light and dark mode.

Expected labels, titles and ratios come from content/facts.yaml read with plain PyYAML; expected
numbers are formatted here with Babel directly, independently of the generator's i18n module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from babel.numbers import format_decimal, format_percent
from bs4 import BeautifulSoup, Tag

from conftest import PagesServer, ROOT
from microsite.config import Language
from microsite.facts import parse_facts
from microsite.charts import render_chart

LANGS = ("en", "zh")
LOCALES = {"en": "en", "zh": "zh_Hans_CN"}
STRINGS = {code: yaml.safe_load((ROOT / f"content/strings/{code}.yaml").read_text(encoding="utf-8"))
           for code in LANGS}


def sheet(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / "content/facts.yaml").read_text(encoding="utf-8"))


def number(entry: dict[str, Any], units: dict[str, Any], lang: str) -> str:
    """Return how a chart should write a fact's value: Babel's number plus the unit's suffix."""
    if entry["unit"] == "share":
        return format_percent(entry["value"], locale=LOCALES[lang])
    return format_decimal(entry["value"], locale=LOCALES[lang]) + units[entry["unit"]][lang]


def expected_ratio(kind: str, key: str, keys: list[str], facts: dict[str, Any]) -> float:
    """Return how much of its track a bar should fill."""
    value = facts[key]["value"]
    if kind == "share":
        return value
    if kind == "part":
        return value / facts[facts[key]["comparison"]["total"]]["value"]
    return value / max(facts[k]["value"] for k in keys)


def figure_of(real_site: Path, lang: str, chart: str) -> Tag:
    page = BeautifulSoup((real_site / lang / "key-figures/index.html").read_text(encoding="utf-8"), "html.parser")
    figure = page.find("figure", id=f"chart-{chart}")
    assert figure is not None, chart
    return figure


@pytest.fixture(scope="module")
def real_sheet() -> dict[str, Any]:
    return sheet(ROOT)


CHARTS = [(lang, key) for lang in LANGS for key in sheet(ROOT)["charts"]]


@pytest.mark.parametrize("lang, chart", CHARTS)
def test_chart_labels_numbers_and_bar_lengths(real_site: Path, real_sheet: dict[str, Any], lang: str, chart: str) -> None:
    spec, facts, units = real_sheet["charts"][chart], real_sheet["facts"], real_sheet["units"]
    rows = figure_of(real_site, lang, chart).select("ul.bars li.row")
    assert [row["data-key"] for row in rows] == spec["facts"]
    for row, key in zip(rows, spec["facts"]):
        assert row.select_one(".label").get_text() == facts[key]["label"][lang]
        value = row.select_one(".value").get_text()
        assert number(facts[key], units, lang) in value
        if spec["kind"] == "part":  # "30 of 100" / "30家（共100家）"
            assert number(facts[facts[key]["comparison"]["total"]], units, lang) in value
        track, bar = float(row.select_one("svg rect.track")["width"]), float(row.select_one("svg rect.bar")["width"])
        assert bar / track == pytest.approx(expected_ratio(spec["kind"], key, spec["facts"], facts), abs=0.001)


@pytest.mark.parametrize("lang, chart", CHARTS)
def test_chart_text_alternative_is_caption_and_table(real_site: Path, real_sheet: dict[str, Any], lang: str,
                                                     chart: str) -> None:
    spec, facts = real_sheet["charts"][chart], real_sheet["facts"]
    figure = figure_of(real_site, lang, chart)
    assert figure.select("svg") and all(svg["aria-hidden"] == "true" for svg in figure.select("svg"))
    assert figure.find("figcaption").get_text() == spec["title"][lang]
    assert figure.find("figcaption").find_parent("figure") is figure
    rows = figure.select("details table tbody tr")
    svg_values = [t.get_text() for t in figure.select("ul.bars .value")]
    assert [r.find("th").get_text() for r in rows] == [facts[k]["label"][lang] for k in spec["facts"]]
    assert [r.find("th").a["href"].split("#")[1] for r in rows] == [f"fact-{k}" for k in spec["facts"]]
    assert [r.find_all("td")[0].get_text() for r in rows] == svg_values
    assert figure.select_one("details summary").get_text() == STRINGS[lang]["chart_data"]


def test_every_chart_is_on_the_key_figures_page(real_site: Path, real_sheet: dict[str, Any]) -> None:
    for lang in LANGS:
        page = BeautifulSoup((real_site / lang / "key-figures/index.html").read_text(encoding="utf-8"), "html.parser")
        assert [f["id"] for f in page.select("section.charts figure.chart")] == [
            f"chart-{key}" for key in real_sheet["charts"]]


# -- render_chart on its own ---------------------------------------------------------------------------

CHART_FACTS = """\
sources:
  s: {title: T, publisher: P}
units:
  n: {en: "", zh: 个}
facts:
  small: {value: 250000, unit: n, as_of: 2022, label: {en: Small <b>, zh: 小}, source: s}
  large: {value: 1234567, unit: n, as_of: 2022, label: {en: Large, zh: 大}, source: s}
charts:
  sizes: {kind: bars, facts: [small, large], title: {en: Sizes & more, zh: 规模}}
"""


@pytest.mark.parametrize("lang, texts", [("en", ["250,000", "1,234,567"]), ("zh", ["25万个", "1,234,567个"])])
def test_render_chart_scales_to_the_largest_and_escapes(lang: str, texts: list[str]) -> None:
    facts = parse_facts(CHART_FACTS, LANGS)
    language = Language(lang, lang, lang, LOCALES[lang], compact_numbers=lang == "zh")
    figure = BeautifulSoup(render_chart(facts.charts["sizes"], facts, language, STRINGS[lang], "/figs/"),
                           "html.parser").figure
    bars = figure.select("rect.bar")
    assert [float(b["width"]) for b in bars] == pytest.approx([400 * 250000 / 1234567, 400], abs=0.01)
    assert [b["data-value"] for b in bars] == ["250000", "1234567"]  # exact, not 1.23457e+06
    assert [t.get_text() for t in figure.select("ul.bars .value")] == texts
    assert figure.figcaption.get_text() == ("Sizes & more" if lang == "en" else "规模")
    assert figure.select_one("ul.bars .label").get_text() == ("Small <b>" if lang == "en" else "小")
    assert figure.select_one("th a")["href"] == "/figs/#fact-small"


# -- in a browser: 360 px wide, light and dark ------------------------------------------------------------

def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Return the WCAG contrast ratio of two sRGB colours given as 0-255 channels."""
    def luminance(rgb: tuple[float, ...]) -> float:
        c = [x / 255 for x in rgb[:3]]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


MEASURE = """() => [...document.querySelectorAll('figure.chart li.row')].map(row => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  let bg = 'rgba(0, 0, 0, 0)';
  for (let el = row.closest('figure'); el && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg); el = el.parentElement)
    bg = getComputedStyle(el).backgroundColor;
  if (/rgba\\(0, 0, 0, 0\\)|transparent/.test(bg)) bg = getComputedStyle(document.body).backgroundColor;
  return {key: row.dataset.key, label: box(row.querySelector('.label')), value: box(row.querySelector('.value')),
          width: document.documentElement.clientWidth,
          fill: rgb(getComputedStyle(row.querySelector('.label')).color), bg: rgb(bg),
          size: parseFloat(getComputedStyle(row.querySelector('.label')).fontSize)};
})"""


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    contexts = []

    def open_page(scheme: str) -> Any:
        contexts.append(browser.new_context(viewport={"width": 360, "height": 740}, color_scheme=scheme))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_charts_are_readable_on_a_phone(phone: Any, real_server: PagesServer, lang: str, scheme: str) -> None:
    page = phone(scheme)
    page.goto(f"{real_server.url}{lang}/key-figures/")
    rows = page.evaluate(MEASURE)
    assert len(rows) == sum(len(c["facts"]) for c in sheet(ROOT)["charts"].values())
    for row in rows:
        label, value = row["label"], row["value"]
        assert label[2] <= value[0] or label[3] <= value[1] or value[3] <= label[1], f"{row['key']}: label overlaps value"
        for box in (label, value):
            assert 0 <= box[0] and box[2] <= row["width"], f"{row['key']}: text runs off a 360 px screen"
        assert row["size"] >= 14, f"{row['key']}: text shrinks to {row['size']:.1f} px"
        assert contrast(row["fill"], row["bg"]) >= 4.5, f"{row['key']}: label colour {row['fill']} on {row['bg']}"
