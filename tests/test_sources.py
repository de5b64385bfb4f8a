"""Provenance: source kinds, authors kept apart from publishers, unknowns declared, assumed dates.

Each rule of the `sources` section and of dates is tested by its exact `content/facts.yaml:line: message`;
then a tiny project shows what readers see: an assumed date says so on the card, in the tooltip, the
table, the chart table, the CSV, the JSON and the footer, in both languages, and a computed figure is
credited to this site, never to the publisher of the figures it was computed from.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup

from conftest import run_build, snapshot, tiny_files
from microsite.errors import BuildFailed
from microsite.facts import parse_facts
from microsite.sources import date_summary
from test_facts import edit

LANGS = ("en", "zh")

# Line numbers in the expected messages below refer to this text.
SHEET = """\
sources:
  report:
    kind: reported
    title: {en: The report, zh: 报告}
    author: unknown
    publisher: {en: The Bureau, zh: 某局}
    date: unknown
    url: unknown
    via: article
  article:
    title: "A ‘capital’ story"
    author: Jo Writer
    publisher: unknown
    date: {date: 2023-02, assumed: true}
    url: https://example.org/story
    language: en
  ours:
    kind: computed
    title: {en: Our sums, zh: 本站推算}
units:
  firms: {en: "", zh: 家}
facts:
  firms:
    value: 1048
    unit: firms
    as_of: 2022-10
    label: {en: Firms, zh: 企业}
    source: report
  share:
    value: 0.29
    unit: share
    as_of: 2022-10
    label: {en: Share, zh: 占比}
    source: report
  patents:
    value: 30
    unit: firms
    as_of: {date: 2022, assumed: true}
    label: {en: Patent leaders, zh: 专利领先机构}
    source: report
    note: {en: The source gives no date., zh: 来源未注明时间。}
  national:
    derived: firms / share
    round: 100
    unit: firms
    as_of: 2022-10
    label: {en: National firms, zh: 全国企业}
    source: ours
charts:
  leaders:
    kind: bars
    facts: [firms, patents]
    title: {en: Leaders, zh: 领先}
"""


E = "content/facts.yaml"
BAD_SHEETS = [
    ("unknown-kind", [("    kind: reported\n", "    kind: rumour\n")],
     [f"{E}:3: source 'report': kind must be reported or computed, got 'rumour'"]),
    ("reported-without-author-or-publisher", [("    author: Jo Writer\n    publisher: unknown\n", "")],
     [f"{E}:10: source 'article': a reported source needs an author or a publisher "
      "(write unknown for the one the source does not give)"]),
    ("author-and-publisher-unknown", [("    author: Jo Writer\n", "    author: unknown\n")],
     [f"{E}:12: source 'article': author and publisher are both unknown; a reported source names at least one"]),
    ("publisher-on-a-computed-source", [("    title: {en: Our sums, zh: 本站推算}\n",
                                         "    title: {en: Our sums, zh: 本站推算}\n    publisher: Us\n")],
     [f"{E}:20: source 'ours': 'publisher' does not apply to a computed source (this site's own work)"]),
    ("url-on-a-computed-source", [("    kind: computed\n", "    kind: computed\n    url: https://example.org/\n")],
     [f"{E}:19: source 'ours': 'url' does not apply to a computed source (this site's own work)"]),
    ("bad-url", [("url: https://example.org/story", "url: example.org/story")],
     [f"{E}:15: source 'article': url must start with https:// (or be unknown)"]),
    ("bad-source-date", [("    date: {date: 2023-02, assumed: true}\n", "    date: last week\n")],
     [f"{E}:14: source 'article': date must be a date like 2022-10 or 2022-10-31, or unknown"]),
    ("bad-language", [("language: en", "language: English")],
     [f"{E}:16: source 'article': language must be a language code such as en or zh-Hans, got 'English'"]),
    ("via-unknown-source", [("    via: article\n", "    via: articel\n")],
     [f"{E}:9: source 'report': via names unknown source 'articel'"]),
    ("unknown-source-field", [("    language: en\n", "    language: en\n    outlet: The Daily\n")],
     [f"{E}:17: source 'article': unknown field 'outlet'"]),
    ("via-itself", [("    via: article\n", "    via: report\n")],
     [f"{E}:9: source 'report': via names the source itself"]),
    ("via-a-computed-source", [("    via: article\n", "    via: ours\n")],
     [f"{E}:9: source 'report': via names 'ours', which is computed by this site, not a source that reported anything"]),
    ("value-citing-a-computed-source", [("    as_of: 2022-10\n    label: {en: Firms, zh: 企业}\n    source: report\n",
                                         "    as_of: 2022-10\n    label: {en: Firms, zh: 企业}\n    source: ours\n")],
     [f"{E}:28: fact 'firms': source 'ours' is computed by this site, but this figure is not derived; "
      "cite the source that reported it"]),
    ("assumed-date-without-note", [("    note: {en: The source gives no date., zh: 来源未注明时间。}\n", "")],
     [f"{E}:38: fact 'patents': an assumed as_of needs a note saying why the date is assumed"]),
    ("assumed-not-a-flag", [("as_of: {date: 2022, assumed: true}", "as_of: {date: 2022, assumed: maybe}")],
     [f"{E}:38: fact 'patents': as_of: assumed must be true or false"]),
    ("unknown-date-field", [("as_of: {date: 2022, assumed: true}", "as_of: {date: 2022, assumed: true, guess: yes}")],
     [f"{E}:38: fact 'patents': as_of: unknown field 'guess' (a date has date and assumed)"]),
    ("date-missing-in-mapping", [("as_of: {date: 2022, assumed: true}", "as_of: {assumed: true}")],
     [f"{E}:38: fact 'patents': as_of must be a date like 2022-10 or 2022-10-31"]),
    ("as-of-unknown", [("as_of: {date: 2022, assumed: true}", "as_of: unknown")],
     [f"{E}:38: fact 'patents': as_of must be a date like 2022-10 or 2022-10-31"]),
]


def bad_sheet(edits: list[tuple[str, str]]) -> str:
    text = SHEET
    for old, new in edits:
        text = edit(text, old, new)
    return text


def test_the_sheet_itself_is_valid() -> None:
    facts = parse_facts(SHEET, LANGS)
    report, article, ours = facts.sources["report"], facts.sources["article"], facts.sources["ours"]
    assert (report.kind, article.kind, ours.kind) == ("reported", "reported", "computed")
    assert report.publisher == {"en": "The Bureau", "zh": "某局"} and report.author == {}
    assert article.author == {"en": "Jo Writer", "zh": "Jo Writer"} and article.publisher == {}
    assert report.unknown == ("author", "date", "url") and article.unknown == ("publisher",)
    assert (article.date, article.date_assumed, article.language) == ("2023-02", True, "en")
    assert (facts.facts["patents"].as_of, facts.facts["patents"].as_of_assumed) == ("2022", True)
    assert not facts.facts["firms"].as_of_assumed


@pytest.mark.parametrize("edits, errors", [pytest.param(e, m, id=i) for i, e, m in BAD_SHEETS])
def test_each_provenance_rule_reports_its_line(edits: list[tuple[str, str]], errors: list[str]) -> None:
    with pytest.raises(BuildFailed) as caught:
        parse_facts(bad_sheet(edits), LANGS)
    assert [str(e) for e in caught.value.errors] == errors


def test_a_bad_source_fails_the_build_and_keeps_the_site(make_project: Callable[..., Path]) -> None:
    project = make_project(base=sheet_site())
    assert run_build(project, "build", "--out", "out").returncode == 0
    before = snapshot(project / "out")
    (project / "content/facts.yaml").write_text(bad_sheet(BAD_SHEETS[2][1]), encoding="utf-8")
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [*BAD_SHEETS[2][2], "failed: 1 error; out/ left unchanged"]
    assert snapshot(project / "out") == before


@pytest.mark.parametrize("dates, summary", [
    ([("2022-10", False), ("2022-10", False)], ("2022-10", "2022-10", False, False)),
    ([("2022-10", False), ("2022", False)], ("2022", "2022", False, False)),  # not 'October 2022'
    ([("2021-03-01", False), ("2022-10", True)], ("2021-03", "2022-10", True, False)),
    ([("2022", True)], ("2022", "2022", True, True)),
    ([], None),
])
def test_the_data_date_is_what_every_figure_can_claim(dates: list[tuple[str, bool]], summary: tuple | None) -> None:
    assert date_summary(dates) == summary


# -- what readers see --------------------------------------------------------------------------------

PAGE_EN = "Firms: {{fact:firms}}. Leaders: {{fact:patents}}. All: {{fact:national}}.\n\n{{chart:leaders}}\n"
ALL = "All.\n"
PAGE_ZH = "企业：{{fact:firms}}。领先：{{fact:patents}}。全国：{{fact:national}}。\n\n{{chart:leaders}}\n"


def sheet_site(sheet: str = SHEET, en: str = PAGE_EN, zh: str = PAGE_ZH) -> dict[str, str]:
    """Return a two-page project (home and figures, in both languages) on a fact sheet."""
    from microsite.model import body_stamp
    return {
        "site.yaml": tiny_files()["site.yaml"],
        "content/facts.yaml": sheet,
        "content/en/index.md": f"---\ntitle: Home\ntemplate: home.html\n---\n{en}",
        "content/zh/index.md": f"---\ntitle: 首页\ntemplate: home.html\ntranslation_of: {body_stamp(en)}\n---\n{zh}",
        "content/en/figures.md": f"---\ntitle: Figures\ntemplate: key-figures.html\n---\n{ALL}",
        "content/zh/figures.md": f"---\ntitle: 数据\ntemplate: key-figures.html\ntranslation_of: {body_stamp(ALL)}\n"
                                 "---\n全部。\n",
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_project
    project = write_project(tmp_path_factory.mktemp("sources") / "project", sheet_site())
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    return project / "out"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("lang, tooltips", [
    ("en", {"1,048": "Source: The Bureau, October 2022", "30": "Source: The Bureau, 2022 (assumed)",
            "about 3,600": "Source: This site, from The Bureau figures, October 2022"}),
    ("zh", {"1,048家": "来源：某局，2022年10月", "30家": "来源：某局，2022年（推定）",
            "约3,600家": "来源：本站根据某局的数据推算，2022年10月"}),
])
def test_tooltips_say_assumed_and_credit_computed_figures_to_this_site(built: Path, lang: str,
                                                                        tooltips: dict[str, str]) -> None:
    links = soup(built / lang / "index.html").select("main a.fact")
    assert {a.get_text(): a["title"] for a in links} == tooltips


@pytest.mark.parametrize("lang, meta, row, chart_row", [
    ("en", {"firms": "As of October 2022 · Source: The Bureau", "patents": "In 2022 (assumed) · Source: The Bureau",
            "national": "As of October 2022 · Source: This site, from The Bureau figures"},
     ["Patent leaders", "30", "2022 (assumed)", "The Bureau"], ["Patent leaders", "30", "2022 (assumed)"]),
    ("zh", {"firms": "截至2022年10月 · 来源：某局", "patents": "2022年（推定） · 来源：某局",
            "national": "截至2022年10月 · 来源：本站根据某局的数据推算"},
     ["专利领先机构", "30家", "2022年（推定）", "某局"], ["专利领先机构", "30家", "2022年（推定）"]),
])
def test_cards_tables_and_charts_say_assumed(built: Path, lang: str, meta: dict[str, str], row: list[str],
                                             chart_row: list[str]) -> None:
    page = soup(built / lang / "figures/index.html")
    for key, text in meta.items():
        assert page.find(id=f"fact-{key}").select_one(".card-meta").get_text() == text
    rows = {tr.th.get_text(): [c.get_text() for c in tr.find_all(["th", "td"])]
            for tr in page.select("table.facts-table tbody tr")}
    assert rows[row[0]] == row
    assert page.select_one('table.facts-table a[href="#fact-patents"]').find_parent("tr").select_one("time")[
        "datetime"] == "2022"
    chart = soup(built / lang / "index.html").select_one("figure#chart-leaders table")
    assert [c.get_text() for c in chart.select("tbody tr")[1].find_all(["th", "td"])] == chart_row


@pytest.mark.parametrize("lang, entries", [
    ("en", [("The report", "Publisher: The Bureau · Author: not known · Date: not known · Link: not known",
             "As reported in A ‘capital’ story"),
            ("A ‘capital’ story", "Author: Jo Writer · Publisher: not known · Date: February 2023 (assumed)", ""),
            ("Our sums", "Worked out by this site, not reported by any source", "")]),
    ("zh", [("报告", "发布方：某局 · 作者：不详 · 日期：不详 · 链接：不详", "转引自A ‘capital’ story"),
            ("A ‘capital’ story（英文）", "作者：Jo Writer · 发布方：不详 · 日期：2023年2月（推定）", ""),
            ("本站推算", "由本站计算得出，并非来源报道的数字", "")]),
])
def test_the_source_list_keeps_author_and_publisher_apart_and_says_what_is_not_known(
        built: Path, lang: str, entries: list[tuple[str, str, str]]) -> None:
    page = soup(built / lang / "figures/index.html")
    found = []
    for dt in page.select("dl.sources dt"):
        dd = dt.find_next_sibling("dd")
        via = dd.select("p")[-1].get_text() if dd.select_one("p a") else ""
        found.append((dt.get_text(), dd.select_one(".source-meta").get_text(), via))
    assert found == entries
    article = page.find(id="source-article")
    assert article.a["href"] == "https://example.org/story"  # a known address links the title
    assert (article.cite.get("lang") or "") == ("" if lang == "en" else "en")  # the English title on a Chinese page


@pytest.mark.parametrize("lang, footer", [("en", "Data from 2022 (some dates assumed)"),
                                          ("zh", "数据时间：2022年（部分日期为推定）")])
def test_the_footer_date_comes_from_the_facts(built: Path, lang: str, footer: str) -> None:
    texts = [p.get_text() for p in soup(built / lang / "index.html").select("footer p")]
    assert footer in texts
    assert not any("October" in t or "10月" in t for t in texts)  # the yearly figures are not 'as of October'


def test_the_data_files_carry_provenance(built: Path) -> None:
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO((built / "data/facts.csv").read_text(encoding="utf-8-sig")))}
    patents, national, firms = rows["patents"], rows["national"], rows["firms"]
    assert (patents["as_of"], patents["as_of_precision"], patents["as_of_assumed"]) == ("2022", "year", "true")
    assert (patents["as_of_en"], patents["as_of_zh"]) == ("2022 (assumed)", "2022年（推定）")
    assert (firms["as_of_precision"], firms["as_of_assumed"], firms["as_of_en"]) == ("month", "false", "October 2022")
    assert (firms["source_kind"], firms["source_publisher_en"], firms["source_author_en"]) == (
        "reported", "The Bureau", "unknown")
    assert (firms["source_date"], firms["source_url"], firms["source_via"]) == ("unknown", "unknown", "article")
    # the estimate is this site's, computed from the report's figures: no publisher is credited with it
    assert (national["source"], national["source_kind"], national["computed_from"]) == ("ours", "computed", "report")
    assert (national["source_publisher_en"], national["source_author_en"], national["source_url"]) == ("", "", "")
    data = json.loads((built / "data/facts.json").read_text(encoding="utf-8"))
    records = {r["key"]: r for r in data["facts"]}
    assert (records["patents"]["as_of_assumed"], records["patents"]["as_of_zh"]) == (True, "2022年（推定）")
    sources = {s["key"]: s for s in data["sources"]}
    assert sources["article"]["author"] == {"en": "Jo Writer", "zh": "Jo Writer"}
    assert (sources["article"]["publisher"], sources["article"]["date"], sources["article"]["date_assumed"]) == (
        "unknown", "2023-02", True)
    assert (sources["ours"]["kind"], sources["ours"]["publisher"], sources["ours"]["url"]) == ("computed", None, None)


def test_a_derived_figure_citing_a_reported_source_is_still_credited_to_this_site(
        make_project: Callable[..., Path]) -> None:
    sheet = edit(SHEET, "    source: ours\n", "    source: report\n")
    project = make_project(base=sheet_site(sheet))
    assert run_build(project, "build", "--out", "out").returncode == 0
    links = {a.get_text(): a["title"] for a in soup(project / "out/en/index.html").select("main a.fact")}
    assert links["about 3,600"] == "Source: This site, from The Bureau figures, October 2022"


def test_check_asks_a_reported_source_for_what_it_leaves_unsaid() -> None:
    from microsite.lint.provenance import check_declared
    sheet = edit(SHEET, "    author: unknown\n    publisher: {en: The Bureau, zh: 某局}\n    date: unknown\n",
                 "    publisher: {en: The Bureau, zh: 某局}\n")
    assert [str(w) for w in check_declared(parse_facts(sheet, LANGS))] == [
        "content/facts.yaml:2: source 'report' does not give its author or date; write each one, "
        "or 'author: unknown' where the source does not say"]
    assert check_declared(parse_facts(SHEET, LANGS)) == []  # every field given or declared unknown


# -- the real site: what issue 17's fact-checker found, fixed ------------------------------------------

ASSUMED = ["ai_companies_share_headline", "patent_institutions", "patent_ranking", "open_platform_hq",
           "open_platform_companies", "most_ai_papers"]


def test_the_real_estimate_is_credited_to_this_site_not_the_bureau(real_site: Path) -> None:
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO((real_site / "data/facts.csv").read_text(encoding="utf-8-sig")))}
    national = rows["ai_companies_national"]
    assert (national["source_kind"], national["computed_from"], national["source_publisher_en"]) == (
        "computed", "bjeit_report", "")
    for lang, credit, short in (("en", "Source: This site, from Beijing Municipal Bureau of Economy and Information "
                                       "Technology figures, October 2022", "This site, from Beijing Bureau of Economy "
                                       "and IT figures"),
                                ("zh", "来源：本站根据北京市经济和信息化局的数据推算，2022年10月", "本站根据北京市经信局的数据推算")):
        links = soup(real_site / lang / "sources/index.html").select('main a.fact[href$="#fact-ai_companies_national"]')
        assert links and {a["title"] for a in links} == {credit}
        row = soup(real_site / lang / "key-figures/index.html").select_one(
            'table.facts-table a[href="#fact-ai_companies_national"]').find_parent("tr")
        cell = row.find_all("td")[-1]  # the short name where space is tight; the full credit on hover
        assert cell.get_text() == short
        assert cell.select_one("a")["title"] == credit.split("：" if lang == "zh" else ": ", 1)[1].rsplit(
            "，" if lang == "zh" else ", ", 1)[0]


def test_the_real_undated_figures_say_their_date_is_assumed(real_site: Path) -> None:
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO((real_site / "data/facts.csv").read_text(encoding="utf-8-sig")))}
    assert sorted(k for k, r in rows.items() if r["as_of_assumed"] == "true") == sorted(ASSUMED)
    for key in ASSUMED:
        assert rows[key]["as_of_en"].endswith(" (assumed)") and rows[key]["as_of_zh"].endswith("（推定）"), key
    for lang, mark in (("en", "(assumed)"), ("zh", "（推定）")):
        page = soup(real_site / lang / "key-figures/index.html")
        for key in ASSUMED:
            assert mark in page.find(id=f"fact-{key}").select_one(".card-meta").get_text(), key
            row = page.select_one(f'table.facts-table a[href="#fact-{key}"]').find_parent("tr")
            assert row.find_all("td")[1].get_text().endswith(mark), key
        assert not any(mark in p.get_text() for p in page.select(".card-meta")
                       if p.find_parent(id="fact-smart_factories") or p.find_parent(id="fact-ai_companies"))
    footers = {lang: soup(real_site / lang / "index.html").select("footer p")[1].get_text() for lang in ("en", "zh")}
    assert footers == {"en": "Data from 2022 (some dates assumed)", "zh": "数据时间：2022年（部分日期为推定）"}


def test_the_real_source_list_names_the_author_as_author(real_site: Path) -> None:
    for lang, meta in (("en", "Author: Ni Tao · Publisher: not known · Date: not known · Link: not known"),
                       ("zh", "作者：Ni Tao · 发布方：不详 · 日期：不详 · 链接：不详")):
        page = soup(real_site / lang / "key-figures/index.html")
        article = page.find(id="source-news_article").find_next_sibling("dd")
        assert article.select_one(".source-meta").get_text() == meta
        report = page.find(id="source-bjeit_report").find_next_sibling("dd")
        via = report.select_one('a[href="#source-news_article"]')
        assert via.get_text().startswith("Beijing crowned AI ‘capital’")  # the article, not its author
        text = page.get_text()
        assert "via Ni Tao" not in text and "转引自Ni Tao" not in text


def test_the_real_title_keeps_the_headlines_quotation_marks(real_site: Path) -> None:
    assert soup(real_site / "en/index.html").h1.get_text() == "Beijing, China’s AI “capital”"
    assert soup(real_site / "zh/index.html").h1.get_text() == "北京：中国人工智能“之都”"
