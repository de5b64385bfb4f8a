"""Facts on the built site: {{fact:key}} in Markdown, the key-figures page, one change updating everything,
`check` catching hand-typed figures, and the open data files.

Expectations come from content/facts.yaml (read with plain PyYAML) and the language's strings, not from
the output; formatted values come from the i18n functions that test_facts.py pins down.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from conftest import copy_real_project, run_build, snapshot, tiny_files
from microsite.config import Language, load_config
from microsite.facts import parse_facts
from microsite.i18n import format_as_of, format_fact
from microsite.model import body_stamp

LANGS = ("en", "zh")


# -- helpers -----------------------------------------------------------------------------------------

def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def visible_text(path: Path) -> str:
    """Return what a reader sees on a page, SVG labels included."""
    soup = soup_of(path)
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    return soup.get_text(" ")


def count(text: str, token: str) -> int:
    """Return how often a formatted number occurs as a whole number ('36' in '36家', not in '1,360')."""
    return len(re.findall(rf"(?<![\d.,]){re.escape(token)}(?![\d]|[.,]\d)", text))


def count_plain(text: str, number: str) -> int:
    """Return how often a plain number (no separators, as in JSON and CSV) occurs: '36' in ',36,' only."""
    return len(re.findall(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)", text))


def fact_sheet(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / "content/facts.yaml").read_text(encoding="utf-8"))


def strings(project: Path, lang: str) -> dict[str, str]:
    return yaml.safe_load((project / f"content/strings/{lang}.yaml").read_text(encoding="utf-8"))


def as_of_of(entry: dict[str, Any]) -> tuple[str, bool]:
    """Return a fact's date and whether it is assumed, from `as_of: 2022-10` or `as_of: {date: 2022, assumed: true}`."""
    as_of = entry["as_of"]
    return (str(as_of["date"]), bool(as_of.get("assumed"))) if isinstance(as_of, dict) else (str(as_of), False)


def expected_date(project: Path, lang: str, entry: dict[str, Any]) -> str:
    """Return a fact's date as readers see it: 'October 2022', or '2022 (assumed)' when the source gives none."""
    iso, assumed = as_of_of(entry)
    text = format_as_of(iso, language(project, lang))
    return strings(project, lang)["date_assumed"].format(date=text) if assumed else text


def expected_source(project: Path, lang: str, entry: dict[str, Any], short: bool = False) -> str:
    """Return who a fact is credited to: the source's publisher or author, or this site for a derived figure.

    With `short`, a source's short name where the sheet gives one (cards and the table show it).
    """
    sheet = fact_sheet(project)

    def name(source: dict[str, Any]) -> str:
        for field in ("short", "publisher", "author") if short else ("publisher", "author"):
            value = source.get(field, "unknown")
            if value != "unknown":
                return value if isinstance(value, str) else value[lang]
        raise AssertionError(source)

    if "derived" in entry:  # the real sheet's one formula divides two facts of the same source
        inputs = re.findall(r"[a-z_]+", entry["derived"])
        reporters = {name(sheet["sources"][sheet["facts"][k]["source"]]) for k in inputs}
        assert len(reporters) == 1
        return strings(project, lang)["computed_credit"].format(sources=reporters.pop())
    return name(sheet["sources"][entry["source"]])


@lru_cache(maxsize=None)
def _expected(project: Path) -> dict[tuple[str, str], tuple[str, str]]:
    config = load_config(project)
    facts = parse_facts((project / "content/facts.yaml").read_text(encoding="utf-8"), config.codes)
    entries = fact_sheet(project)["facts"]
    views = {}
    for lang in config.languages:
        texts = strings(project, lang.code)
        for key, fact in facts.facts.items():
            title = texts["fact_title"].format(source=expected_source(project, lang.code, entries[key]),
                                               date=expected_date(project, lang.code, entries[key]))
            views[lang.code, key] = format_fact(fact, facts, lang, texts), title
    return views


def shown(project: Path, lang: str, key: str) -> str:
    """Return a fact's value as the page in `lang` should show it."""
    return _expected(project)[lang, key][0]


def language(project: Path, lang: str) -> Language:
    return load_config(project).language(lang)


def card(page: BeautifulSoup, key: str) -> Tag:
    found = page.find(id=f"fact-{key}")
    assert found is not None, f"no card fact-{key}"
    return found


# -- {{fact:key}} in Markdown, on a tiny project -------------------------------------------------------

NOTES_EN = ("Firms: {{fact:firms}}.\n\n"
            "Write `{{fact:firms}}` to cite a figure.\n\n"
            "```\n{{fact:firm_share}}\n```\n")
NOTES_ZH = "企业：{{fact:firms}}。\n\n引用数字请写 `{{fact:firms}}`。\n\n```\n{{fact:firm_share}}\n```\n"


def notes(en: str, zh: str) -> dict[str, str]:
    """Return a page 'notes' in both languages, the Chinese one stamped as an up-to-date translation."""
    return {"content/en/notes.md": f"---\ntitle: Notes\n---\n{en}",
            "content/zh/notes.md": f"---\ntitle: 笔记\ntranslation_of: {body_stamp(en)}\n---\n{zh}",
            "content/en/about/team.md": None}  # the tiny project's one untranslated page: check would say so


@pytest.fixture
def tiny_out(make_project: Callable[..., Path]) -> Path:
    project = make_project(notes(NOTES_EN, NOTES_ZH))
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    return project / "out"


@pytest.mark.parametrize("lang, text, title", [
    ("en", "1,048", "Source: Survey office, October 2022"),
    ("zh", "1,048家", "来源：调查办公室，2022年10月"),
])
def test_fact_reference_links_to_its_entry(tiny_out: Path, lang: str, text: str, title: str) -> None:
    page = soup_of(tiny_out / lang / "notes/index.html")
    links = page.select("main a.fact")
    assert [(a.get_text(), a["href"], a["title"]) for a in links] == [(text, f"/{lang}/figures/#fact-firms", title)]
    figures = soup_of(tiny_out / lang / "figures/index.html")
    assert card(figures, "firms").select_one(".card-value").get_text(strip=True) == text


@pytest.mark.parametrize("lang", LANGS)
def test_fact_reference_in_code_stays_literal(tiny_out: Path, lang: str) -> None:
    page = soup_of(tiny_out / lang / "notes/index.html")
    codes = [code.get_text() for code in page.select("main code")]
    assert codes == ["{{fact:firms}}", "{{fact:firm_share}}\n"]
    assert not page.select("main code a")


@pytest.fixture
def good_build(make_project: Callable[..., Path]) -> Path:
    """Return a tiny project built once into out/."""
    project = make_project()
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    return project


def assert_build_fails(project: Path, files: dict[str, str], errors: list[str]) -> None:
    """Write `files`, rebuild, and check the whole error output and that out/ was left as it was."""
    before = snapshot(project / "out")
    for rel, text in files.items():
        (project / rel).write_text(text, encoding="utf-8")
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 1
    tail = f"failed: {len(errors)} error{'s' if len(errors) > 1 else ''}; out/ left unchanged"
    assert result.stderr.splitlines() == [*errors, tail]
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(project / "out") == before


def test_unknown_fact_fails_with_closest_keys(good_build: Path) -> None:
    body = "---\ntitle: Team\n---\nThe team.\n\nWe count {{fact:firm}} firms.\n"
    assert_build_fails(good_build, {"content/en/about/team.md": body},
                       ["content/en/about/team.md:6: unknown fact 'firm'; did you mean firms, firm_share?"])


def test_unknown_chart_fails_with_known_charts(good_build: Path) -> None:
    body = "---\ntitle: Team\n---\nThe team.\n\n{{chart:share}}\n"
    assert_build_fails(good_build, {"content/en/about/team.md": body},
                       ["content/en/about/team.md:6: unknown chart 'share' (known: shares)"])


def test_unknown_fact_in_chinese_page(good_build: Path) -> None:
    body = (good_build / "content/zh/index.md").read_text(encoding="utf-8").replace("{{fact:firms}}", "{{fact:firmz}}")
    assert_build_fails(good_build, {"content/zh/index.md": body},
                       ["content/zh/index.md:6: unknown fact 'firmz'; did you mean firms, firm_share?"])


def test_unknown_fact_line_skips_code_spans(good_build: Path) -> None:
    body = "---\ntitle: Team\n---\nWrite `{{fact:firm}}` in pages.\n\nWe count {{fact:firm}} firms.\n"
    assert_build_fails(good_build, {"content/en/about/team.md": body},
                       ["content/en/about/team.md:6: unknown fact 'firm'; did you mean firms, firm_share?"])


# -- {{fact:key}} in a page's title and description ------------------------------------------------------

def titled_notes(en_title: str, zh_title: str) -> dict[str, str]:
    """Return the 'notes' page with fact references in its titles and English description."""
    files = notes("Nothing typed.\n", "没有手写数字。\n")
    files["content/en/notes.md"] = (f"---\ntitle: {en_title}\n"
                                    "description: Share of firms {{fact:firm_share}}\n---\nNothing typed.\n")
    files["content/zh/notes.md"] = files["content/zh/notes.md"].replace("title: 笔记", f"title: {zh_title}")
    return files


def nav_titles(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("header nav a, nav a")]


def test_fact_in_title_and_description_shows_its_value(make_project: Callable[..., Path]) -> None:
    project = make_project(titled_notes("The {{fact:firms}} firms", '"{{fact:firms}}企业"'))
    assert run_build(project, "build", "--out", "out").returncode == 0
    for lang, title in (("en", "The 1,048 firms"), ("zh", "1,048家企业")):
        page = soup_of(project / "out" / lang / "notes/index.html")
        assert page.h1.get_text() == title
        assert page.title.get_text().startswith(f"{title} · ")
        assert title in nav_titles(soup_of(project / "out" / lang / "index.html"))
        assert "{{" not in (project / "out" / lang / "notes/index.html").read_text(encoding="utf-8")
    description = soup_of(project / "out/en/notes/index.html").find("meta", attrs={"name": "description"})
    assert description["content"] == "Share of firms 29%"
    result = run_build(project, "check")
    assert result.returncode == 0, result.stderr
    assert warnings(result) == []  # the figures in the titles come from the fact sheet, not typed by hand


def test_changed_fact_updates_titles_in_a_cached_rebuild(make_project: Callable[..., Path]) -> None:
    project = make_project(titled_notes("The {{fact:firms}} firms", '"{{fact:firms}}企业"'))
    assert run_build(project, "build", "--out", "out").returncode == 0
    facts = project / "content/facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("value: 1048", "value: 2096"), encoding="utf-8")
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    for lang, title in (("en", "The 2,096 firms"), ("zh", "2,096家企业")):
        assert soup_of(project / "out" / lang / "notes/index.html").h1.get_text() == title
        assert title in nav_titles(soup_of(project / "out" / lang / "index.html"))
    assert run_build(project, "build", "--out", "fresh", "--no-cache").returncode == 0
    assert snapshot(project / "out") == snapshot(project / "fresh")


def test_unquoted_title_starting_with_a_fact_explains_the_quotes(good_build: Path) -> None:
    body = "---\ntitle: {{fact:firms}} firms\n---\nThe team.\n"
    assert_build_fails(good_build, {"content/en/about/team.md": body},
                       ["content/en/about/team.md:2: invalid YAML: did not find expected key; a value starting "
                        'with {{ must be quoted: title: "{{fact:key}} ..."'])


def test_unknown_fact_in_title_fails_with_its_line(good_build: Path) -> None:
    body = "---\ntitle: Team of {{fact:firm}}\n---\nThe team.\n"
    assert_build_fails(good_build, {"content/en/about/team.md": body},
                       ["content/en/about/team.md:2: unknown fact 'firm'; did you mean firms, firm_share?"])


def test_a_heading_showing_a_fact_keeps_its_anchor_when_the_value_changes(make_project: Callable[..., Path]) -> None:
    files = notes("## The {{fact:firms}} firms\n\nText.\n\n## [Share {{fact:firm_share}}](index.md)\n",
                  "## {{fact:firms}}企业\n\n正文。\n")
    files["content/en/index.md"] = tiny_files()["content/en/index.md"] + "\nSee [the firms](notes.md#the-firms-firms).\n"
    project = make_project(files)
    for value in ("1048", "2096"):
        facts = project / "content/facts.yaml"
        facts.write_text(re.sub(r"value: \d+\n", f"value: {value}\n", facts.read_text(encoding="utf-8"), count=1),
                         encoding="utf-8")
        result = run_build(project, "build", "--out", "out")
        assert result.returncode == 0, result.stderr
        shown_value = f"{int(value):,}"
        heading = soup_of(project / "out/en/notes/index.html").select_one("main .doc-body h2")
        assert (heading["id"], heading.get_text()) == ("the-firms-firms", f"The {shown_value} firms")
        linked = soup_of(project / "out/en/notes/index.html").select("main .doc-body h2")[1]  # a fact inside link text
        assert (linked["id"], linked.get_text()) == ("share-firm_share", "Share 29%")
        zh_heading = soup_of(project / "out/zh/notes/index.html").select_one("main .doc-body h2")
        assert (zh_heading["id"], zh_heading.get_text()) == ("firms-企业", f"{shown_value}家企业")
        link = soup_of(project / "out/en/index.html").select_one('main a[href$="#the-firms-firms"]')
        assert link is not None and link["href"] == "/en/notes/#the-firms-firms"


def test_fact_inside_link_text_is_not_a_nested_link(make_project: Callable[..., Path]) -> None:
    project = make_project(notes("See [all {{fact:firms}} firms](figures.md).\n", "见[全部{{fact:firms}}企业](figures.md)。\n"))
    assert run_build(project, "build", "--out", "out").returncode == 0
    for lang, text in (("en", "all 1,048 firms"), ("zh", "全部1,048家企业")):
        link = soup_of(project / "out" / lang / "notes/index.html").select_one(f'main a[href="/{lang}/figures/"]')
        assert link.get_text() == text
        assert link.select("a") == []


# -- fact references across the real site ---------------------------------------------------------------

def test_every_fact_reference_on_the_real_site_links_to_an_existing_card(real_site: Path) -> None:
    project = real_site.parent
    seen = set()
    for lang in LANGS:
        figures = soup_of(real_site / lang / "key-figures/index.html")
        for path in sorted((real_site / lang).rglob("index.html")):
            for link in soup_of(path).select("main a.fact"):
                href = link["href"]
                assert href.startswith(f"/{lang}/key-figures/#fact-"), (path, href)
                key = href.split("#fact-")[1]
                assert figures.find(id=f"fact-{key}") is not None
                assert (link.get_text(), link["title"]) == _expected(project)[lang, key], (path, key)
                seen.add((lang, key))
    cited = {(lang, m) for lang in LANGS for p in (project / "content" / lang).rglob("*.md")
             for m in re.findall(r"\{\{fact:(\w+)\}\}", p.read_text(encoding="utf-8"))}
    assert seen == cited


# -- the real key-figures page -------------------------------------------------------------------------

# The article's figures as readers of each language should see them.
ARTICLE_FIGURES = {
    "ai_companies": ("1,048", "1,048家"),
    "ai_companies_share": ("29%", "29%"),
    "ai_companies_share_headline": ("30%", "30%"),
    "ai_talent": ("more than 40,000", "4万余名"),
    "ai_talent_share": ("60%", "60%"),
    "patent_institutions": ("30", "30家"),
    "patent_ranking": ("100", "100家"),
    "open_platform_hq": ("10", "10家"),
    "open_platform_companies": ("24", "24家"),
    "smart_factories": ("36", "36家"),
    "digital_workshops": ("47", "47个"),
    "ai_companies_national": ("about 3,600", "约3,600家"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_page_has_a_card_for_every_fact(real_site: Path, lang: str) -> None:
    project = real_site.parent
    sheet = fact_sheet(project)
    page = soup_of(real_site / lang / "key-figures/index.html")
    cards = page.select("section.figures .card")
    assert [c["id"] for c in cards] == [f"fact-{key}" for key in sheet["facts"]]
    for key, entry in sheet["facts"].items():
        found = card(page, key)
        assert found.select_one(".card-label").get_text(strip=True) == entry["label"][lang]
        value = found.select_one(".card-value").get_text(" ", strip=True)
        assert value.startswith(shown(project, lang, key)), key
        time = found.select_one(".card-meta time")
        iso, _ = as_of_of(entry)
        assert time["datetime"] == iso
        assert time.get_text() == format_as_of(iso, language(project, lang))
        # 'As of October 2022' for a month; a yearly count reads 'In 2022' (Chinese: 2022年, not 截至2022年)
        pattern = strings(project, lang)["as_of" if "-" in iso else "as_of_year"]
        as_of = pattern.format(date=expected_date(project, lang, entry))  # 截至2022年10月: no space in Chinese
        assert found.select_one(".card-meta").get_text().startswith(as_of + " · "), key
        assert "截至 " not in found.get_text(), key
        source = found.select_one(f'.card-meta a[href="/{lang}/key-figures/#source-{entry["source"]}"]')
        assert source is not None, key
        assert source.get_text() == expected_source(project, lang, entry, short=True), key
        assert page.find(id=f"source-{entry['source']}") is not None


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_page_shows_the_articles_figures(real_site: Path, lang: str) -> None:
    page = soup_of(real_site / lang / "key-figures/index.html")
    for key, texts in ARTICLE_FIGURES.items():
        value = card(page, key).select_one(".card-value")
        assert next(value.stripped_strings) == texts[LANGS.index(lang)], key
    statement = fact_sheet(real_site.parent)["facts"]["most_ai_papers"]["statement"][lang]
    assert card(page, "most_ai_papers").select_one(".card-value").get_text(strip=True) == statement


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_table_lists_every_fact_with_date_and_source(real_site: Path, lang: str) -> None:
    project = real_site.parent
    sheet = fact_sheet(project)
    page = soup_of(real_site / lang / "key-figures/index.html")
    rows = page.select("table.facts-table tbody tr")
    assert len(rows) == len(sheet["facts"])
    for row, (key, entry) in zip(rows, sheet["facts"].items()):
        link = row.select_one("th a")
        assert (link["href"], link.get_text()) == (f"#fact-{key}", entry["label"][lang])
        cells = row.find_all("td")
        assert cells[0].get_text(" ", strip=True).startswith(shown(project, lang, key))
        assert cells[1].select_one("time")["datetime"] == as_of_of(entry)[0]
        assert cells[1].get_text() == expected_date(project, lang, entry)
        source = cells[2].select_one("a")
        assert source["href"] == f"#source-{entry['source']}"
        assert source.get_text() == expected_source(project, lang, entry, short=True)


@pytest.mark.parametrize("lang, value, badge, formula", [
    ("en", "about 3,600", "Estimate", "Computed by this site: 1,048 ÷ 29%"),
    ("zh", "约3,600家", "估算", "本站推算：1,048 ÷ 29%"),
])
def test_derived_national_total_is_computed_and_marked_as_an_estimate(real_site: Path, lang: str, value: str,
                                                                      badge: str, formula: str) -> None:
    facts = fact_sheet(real_site.parent)["facts"]
    national = facts["ai_companies_national"]
    assert "value" not in national and national["derived"] == "ai_companies / ai_companies_share"
    computed = round(facts["ai_companies"]["value"] / facts["ai_companies_share"]["value"] / 100) * 100
    assert f"{computed:,}" in value
    page = soup_of(real_site / lang / "key-figures/index.html")
    shown_value = card(page, "ai_companies_national").select_one(".card-value")
    assert list(shown_value.stripped_strings) == [value, badge]
    assert shown_value.select_one(".badge").get_text() == badge
    row = page.select_one('table.facts-table a[href="#fact-ai_companies_national"]').find_parent("tr")
    assert list(row.find_all("td")[0].stripped_strings) == [value, badge]
    for other in ("ai_companies", "ai_companies_share"):
        assert card(page, other).select_one(".badge") is None
    notes = [p.get_text() for p in card(page, "ai_companies_national").select(".card-note")]
    assert notes[0] == formula  # the card shows how it was computed, from the values it used


# -- one change in facts.yaml, everywhere ---------------------------------------------------------------

# (fact, old value, new value) and how the old and new values read in each language
CHANGES = [("ai_companies", 1048, 2096), ("smart_factories", 36, 58)]
TOKENS = {  # old -> new, as whole numbers in visible text and in the data files
    "1,048": "2,096",
    "3,600": "7,200",  # the derived national total: 1048 / 0.29 -> 2096 / 0.29
    "36": "58",
}
ZH_TEXTS = {"1,048家": "2,096家", "约3,600家": "约7,200家", "36家": "58家"}
EN_TEXTS = {"about 3,600": "about 7,200"}


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes], Path]:
    """Build a copy of the real project, change two values, build again into the same folder and a fresh one."""
    project = copy_real_project(tmp_path_factory.mktemp("change") / "project")
    assert run_build(project, "build", "--out", "out").returncode == 0
    before = snapshot(project / "out")
    facts = project / "content/facts.yaml"
    text = facts.read_text(encoding="utf-8")
    for key, old, new in CHANGES:
        pattern = rf"(\n  {key}:\n    value: ){old}\n"
        assert len(re.findall(pattern, text)) == 1
        text = re.sub(pattern, rf"\g<1>{new}\n", text)
    facts.write_text(text, encoding="utf-8")
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    assert run_build(project, "build", "--out", "fresh", "--no-cache").returncode == 0
    return project, before, snapshot(project / "out"), project / "fresh"


def texts_of(files: dict[str, bytes]) -> dict[str, str]:
    """Return the visible text of each HTML page and the text of each data file."""
    out = {}
    for rel, data in files.items():
        if rel.endswith(".html"):
            soup = BeautifulSoup(data.decode("utf-8"), "html.parser")
            for tag in soup(["script", "style", "head"]):
                tag.decompose()
            out[rel] = soup.get_text(" ")
        elif rel.startswith("data/"):
            out[rel] = data.decode("utf-8-sig")
    return out


def test_new_value_replaces_the_old_one_everywhere(changed: tuple[Path, dict[str, bytes], dict[str, bytes], Path]) -> None:
    _, before, after, _ = changed
    old_texts, new_texts = texts_of(before), texts_of(after)
    assert old_texts.keys() == new_texts.keys()
    citing = set()
    for rel in old_texts:
        data = rel.startswith("data/")  # data files carry plain numbers: 1048, not 1,048
        counter = count_plain if data else count
        for old, new in TOKENS.items():
            old, new = (old.replace(",", ""), new.replace(",", "")) if data else (old, new)
            assert counter(old_texts[rel], new) == 0, (rel, new)  # the new value was nowhere before
            assert counter(new_texts[rel], new) == counter(old_texts[rel], old), (rel, old)
            assert counter(new_texts[rel], old) == 0, (rel, old)
            if counter(old_texts[rel], old):
                citing.add(rel)
        table = ZH_TEXTS if rel.startswith("zh/") else EN_TEXTS if rel.startswith("en/") else {}
        for old, new in table.items():
            assert new_texts[rel].count(new) == old_texts[rel].count(old), (rel, old)
    pages = {f"{lang}/{p}" for lang in LANGS for p in ("index.html", "key-figures/index.html",
                                                       "sources/index.html", "plan/applications/index.html")}
    assert pages | {"data/facts.json", "data/facts.csv"} <= citing


def test_changed_values_in_charts_and_data(changed: tuple[Path, dict[str, bytes], dict[str, bytes], Path]) -> None:
    project, _, after, _ = changed
    for lang in LANGS:
        page = BeautifulSoup(after[f"{lang}/plan/applications/index.html"].decode("utf-8"), "html.parser")
        rows = page.select("figure#chart-smart_manufacturing ul.bars li.row")
        widths = {row["data-key"]: float(row.select_one("rect.bar")["width"]) for row in rows}
        assert widths == pytest.approx({"smart_factories": 400, "digital_workshops": 400 * 47 / 58}, abs=0.01)
        values = [row.select_one(".value").get_text() for row in rows]
        assert values == (["58", "47"] if lang == "en" else ["58家", "47个"])
    records = {r["key"]: r for r in json.loads(after["data/facts.json"].decode("utf-8"))["facts"]}
    assert (records["ai_companies"]["value"], records["ai_companies_national"]["value"],
            records["smart_factories"]["value"]) == (2096, 7200, 58)
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(after["data/facts.csv"].decode("utf-8-sig")))}
    assert (rows["ai_companies"]["value"], rows["ai_companies_national"]["value"],
            rows["smart_factories"]["value"]) == ("2096", "7200", "58")


def test_rebuild_after_a_change_equals_a_fresh_build(changed: tuple[Path, dict[str, bytes], dict[str, bytes], Path]) -> None:
    _, _, after, fresh = changed
    assert after == snapshot(fresh)


# -- check: hand-typed figures and differing fact sets ---------------------------------------------------

CHECK_FACTS = tiny_files()["content/facts.yaml"].replace("charts:", """\
  talent:
    value: 40000
    unit: people
    as_of: 2022-10
    label: {en: Talent, zh: 人才}
    source: survey
  patents:
    value: 2022
    unit: people
    as_of: 2022-10
    label: {en: Patents, zh: 专利}
    source: survey
charts:""").replace("units:\n", "units:\n  people: {en: \"\", zh: 名}\n")

CHECK_EN = """\
We count 1,048 firms, 29% of the country, and 40,000 people.
Also 1048 firms in plain digits.

Cited properly: {{fact:firms}}, {{fact:firm_share}}, {{fact:talent}}.
In 2022 there were 29 firms of one kind, 2,022 patents and 0.5% growth.
Code: `1,048 firms at 29%` and a [link](https://example.org/report/1048?p=29%).

```
1,048 firms, 29%, 40,000 people
```
"""
CHECK_ZH = """\
北京有1,048家企业，占全国的29%，人才约4万名。

规范引用：{{fact:firms}}、{{fact:firm_share}}、{{fact:talent}}。
2022年共有29家某类企业。代码 `1,048家` 与[链接](https://example.org/1048)。
"""


def warnings(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning: ")]


def test_check_warns_about_hand_typed_figures(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/facts.yaml": CHECK_FACTS, **notes(CHECK_EN, CHECK_ZH)})
    result = run_build(project, "check")
    assert result.returncode == 0, result.stderr
    hint = "so it follows content/facts.yaml"
    assert warnings(result) == [
        f"warning: content/en/notes.md:4: number '1,048' is typed by hand; write {{{{fact:firms}}}} {hint}",
        f"warning: content/en/notes.md:4: number '29%' is typed by hand; write {{{{fact:firm_share}}}} {hint}",
        f"warning: content/en/notes.md:4: number '40,000' is typed by hand; write {{{{fact:talent}}}} {hint}",
        f"warning: content/en/notes.md:5: number '1048' is typed by hand; write {{{{fact:firms}}}} {hint}",
        f"warning: content/en/notes.md:8: number '2,022' is typed by hand; write {{{{fact:patents}}}} {hint}",
        f"warning: content/zh/notes.md:5: number '1,048' is typed by hand; write {{{{fact:firms}}}} {hint}",
        f"warning: content/zh/notes.md:5: number '29%' is typed by hand; write {{{{fact:firm_share}}}} {hint}",
        f"warning: content/zh/notes.md:5: number '4万' is typed by hand; write {{{{fact:talent}}}} {hint}",
    ]
    assert result.stdout.splitlines()[-1] == "check: 8 pages, 8 warnings"
    strict = run_build(project, "check", "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_check_warns_about_full_width_percent(make_project: Callable[..., Path]) -> None:
    project = make_project({**notes("Nothing typed.\n", "占全国的29％。\n")})
    assert warnings(run_build(project, "check")) == [
        "warning: content/zh/notes.md:5: number '29％' is typed by hand; write {{fact:firm_share}} "
        "so it follows content/facts.yaml"]


def test_check_warns_about_figures_typed_in_front_matter(make_project: Callable[..., Path]) -> None:
    files = notes("Nothing typed.\n", "没有手写数字。\n")
    files["content/en/notes.md"] = "---\ntitle: The 1,048 firms\n---\nNothing typed.\n"
    result = run_build(make_project(files), "check")
    assert warnings(result) == [
        "warning: content/en/notes.md:2: number '1,048' is typed by hand; write {{fact:firms}} "
        "so it follows content/facts.yaml"]


def test_check_warns_when_translations_cite_different_facts(make_project: Callable[..., Path]) -> None:
    project = make_project(notes("Firms: {{fact:firms}}.\n", "占比：{{fact:firm_share}}。\n"))
    result = run_build(project, "check")
    assert result.returncode == 0
    assert warnings(result) == [
        "warning: content/zh/notes.md: cites different facts than content/en/notes.md "
        "(only in en: firms; only in zh: firm_share)"]
    row = next(line for line in result.stdout.splitlines() if line.startswith("notes "))
    assert row.split() == ["notes", "source", "current", "en", "1", "·", "zh", "1", "(differ)"]
    lines = run_build(project, "check", "--verbose").stdout.splitlines()
    row = lines.index(next(line for line in lines if line.startswith("notes ")))
    assert lines[row + 1:row + 3] == ["    en: firms", "    zh: firm_share"]


def test_check_reports_different_facts_and_typed_figures_on_one_page(make_project: Callable[..., Path]) -> None:
    project = make_project(notes("Firms: {{fact:firms}}.\n", "占比：{{fact:firm_share}}，企业1,048家。\n"))
    result = run_build(project, "check")
    assert "Traceback" not in result.stderr
    assert len(warnings(result)) == 2


def test_check_on_the_real_content_has_no_warnings(tmp_path: Path) -> None:
    project = copy_real_project(tmp_path / "project")
    result = run_build(project, "check", "--strict")
    assert result.returncode == 0, result.stderr
    assert warnings(result) == []
    assert re.fullmatch(r"check: \d+ pages, 0 warnings", result.stdout.splitlines()[-1])


# -- open data -------------------------------------------------------------------------------------------

def expected_records(project: Path) -> list[dict[str, Any]]:
    """Return what the data files should say about each fact, from facts.yaml itself."""
    sheet = fact_sheet(project)
    facts = sheet["facts"]
    records = []
    for key, entry in facts.items():
        value = entry.get("value")
        if "derived" in entry:  # the one formula of the real sheet, computed here independently
            assert entry["derived"] == "ai_companies / ai_companies_share"
            value = round(facts["ai_companies"]["value"] / facts["ai_companies_share"]["value"] / 100) * 100
        records.append({"key": key, "value": value, "unit": entry.get("unit", ""), "as_of": as_of_of(entry)[0],
                        "label_en": entry["label"]["en"], "label_zh": entry["label"]["zh"],
                        "source": entry["source"]})
    return records


def test_facts_json_lists_every_fact(real_site: Path) -> None:
    data = json.loads((real_site / "data/facts.json").read_text(encoding="utf-8"))
    expected = expected_records(real_site.parent)
    assert [{k: r[k] for k in expected[0]} for r in data["facts"]] == expected
    sources = fact_sheet(real_site.parent)["sources"]
    assert [s["key"] for s in data["sources"]] == list(sources)
    assert {r["source"] for r in data["facts"]} <= set(sources)


def test_facts_csv_has_one_row_per_fact(real_site: Path) -> None:
    raw = (real_site / "data/facts.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    expected = expected_records(real_site.parent)
    assert [{k: row[k] for k in expected[0]} for row in rows] == [
        {k: "" if v is None else str(v) for k, v in record.items()} for record in expected]


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_page_links_the_data_files(real_site: Path, lang: str) -> None:
    page = soup_of(real_site / lang / "key-figures/index.html")
    hrefs = {a["href"] for a in page.select("main a[href]")}
    assert {"/data/facts.json", "/data/facts.csv"} <= hrefs
    assert (real_site / "data/facts.json").is_file() and (real_site / "data/facts.csv").is_file()
