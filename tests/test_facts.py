"""The fact sheet: validation errors at facts.yaml:line, derived figures, and numbers and dates through Babel.

Error tests run `python build.py` as an editor would and check the whole message, the exit code, that
there is no traceback and that the last good output is byte for byte untouched. Unit tests feed the
same texts to parse_facts, and the formatting functions are fed values directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
import yaml

from conftest import ROOT, run_build, snapshot
from microsite.config import Language
from microsite.errors import BuildFailed
from microsite.facts import Facts, parse_facts
from microsite.i18n import format_as_of, format_fact, format_number, format_share, formula_text

LANGS = ("en", "zh")
EN = Language("en", "en", "English", "en")
ZH = Language("zh", "zh-CN", "中文", "zh_Hans_CN", compact_numbers=True)
DE = Language("de", "de", "Deutsch", "de")
STRINGS = {code: yaml.safe_load((ROOT / f"content/strings/{code}.yaml").read_text(encoding="utf-8"))
           for code in LANGS}

# Line numbers in the expected messages below refer to this text.
FACTS = """\
sources:
  survey:
    title: {en: The survey, zh: 调查}
    publisher: {en: Survey office, zh: 调查办公室}
units:
  firms: {en: "", zh: 家}
  people: {en: "", zh: 名}
facts:
  firms:
    value: 1048
    unit: firms
    as_of: 2022-10
    label: {en: Firms, zh: 企业}
    source: survey
  firm_share:
    value: 0.29
    unit: share
    as_of: 2022-10
    label: {en: Share of firms, zh: 企业占比}
    source: survey
  talent:
    value: 40000
    bound: over
    unit: people
    as_of: 2022-10
    label: {en: Talent, zh: 人才}
    source: survey
  national:
    derived: firms / firm_share
    round: 100
    unit: firms
    as_of: 2022-10
    label: {en: National firms, zh: 全国企业}
    source: survey
charts:
  shares:
    kind: share
    facts: [firm_share]
    title: {en: Shares, zh: 占比}
"""

EXTRA_FACT = """\
  {key}:
    derived: {formula}
    unit: firms
    as_of: 2022-10
    label: {{en: Extra, zh: 额外}}
    source: survey
charts:
"""


def edit(text: str, old: str, new: str) -> str:
    """Return `text` with the one occurrence of `old` replaced (a typo in the test fails loudly)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def add_fact(key: str, formula: str) -> tuple[str, str]:
    """Return an edit that adds a derived fact at lines 35-40, just before `charts:`."""
    return "charts:\n", EXTRA_FACT.format(key=key, formula=formula)


# (id, edits to FACTS, every expected error line)
BAD_INPUTS = [
    ("missing-label", [("label: {en: Firms, zh: 企业}", "label: {en: Firms}")],
     ["content/facts.yaml:13: fact 'firms': label missing in 'zh'"]),
    ("empty-label", [("label: {en: Firms, zh: 企业}", "label: {en: Firms, zh: ''}")],
     ["content/facts.yaml:13: fact 'firms': label missing in 'zh'"]),
    ("unknown-source", [("    source: survey\n  firm_share:", "    source: surveys\n  firm_share:")],
     ["content/facts.yaml:14: fact 'firms': unknown source 'surveys' (known: survey)"]),
    ("non-numeric-value", [("value: 1048", 'value: "1,048"')],
     ["content/facts.yaml:10: fact 'firms': value must be a number, got '1,048'"]),
    ("word-value", [("value: 1048", "value: many")],
     ["content/facts.yaml:10: fact 'firms': value must be a number, got 'many'"]),
    ("infinite-value", [("value: 1048", "value: .inf")],
     ["content/facts.yaml:10: fact 'firms': value must be a number, got inf"]),
    ("share-above-one", [("value: 0.29", "value: 29")],
     ["content/facts.yaml:16: fact 'firm_share': a share must be between 0 and 1, got 29"]),
    ("share-below-zero", [("value: 0.29", "value: -0.29")],
     ["content/facts.yaml:16: fact 'firm_share': a share must be between 0 and 1, got -0.29"]),
    ("duplicate-key", [("  firm_share:\n", "  firms:\n")],
     ["content/facts.yaml:15: duplicate key 'firms'"]),
    ("derived-unknown-fact", [("derived: firms / firm_share", "derived: firms / firm_shares")],
     ["content/facts.yaml:29: fact 'national': derived formula names unknown fact 'firm_shares'; "
      "did you mean firm_share, firms?"]),
    ("invalid-yaml", [('firms: {en: "", zh: 家}', 'firms: {en: "", zh: 家}}')],
     ["content/facts.yaml:6: invalid YAML: did not find expected key"]),
    ("unknown-unit", [("    unit: firms\n    as_of: 2022-10\n    label: {en: Firms",
                       "    unit: firm\n    as_of: 2022-10\n    label: {en: Firms")],
     ["content/facts.yaml:11: fact 'firms': unknown unit 'firm' (known: share, firms, people)"]),
    ("unknown-field", [("value: 1048\n", "value: 1048\n    colour: red\n")],
     ["content/facts.yaml:11: fact 'firms': unknown field 'colour'"]),
    ("formula-power", [("derived: firms / firm_share", "derived: firms ** 2")],
     ["content/facts.yaml:29: fact 'national': derived formula: only numbers, fact keys and + - * / are allowed, "
      "not 'firms ** 2'"]),
    ("formula-call", [("derived: firms / firm_share", "derived: max(firms, 1)")],
     ["content/facts.yaml:29: fact 'national': derived formula: only numbers, fact keys and + - * / are allowed, "
      "not 'max(firms, 1)'"]),
    ("formula-syntax", [("derived: firms / firm_share", "derived: firms /")],
     ["content/facts.yaml:29: fact 'national': derived formula: 'firms /' is not arithmetic over fact keys"]),
    ("derived-cycle", [("derived: firms / firm_share", "derived: echo / 2"), add_fact("echo", "national * 2")],
     ["content/facts.yaml:29: fact 'national': derived formula depends on itself (national -> echo -> national)",
      "content/facts.yaml:36: fact 'echo': derived formula depends on itself (echo -> national -> echo)"]),
    ("derived-self", [("derived: firms / firm_share", "derived: national + 1")],
     ["content/facts.yaml:29: fact 'national': derived formula depends on itself (national -> national)"]),
    ("chart-unknown-fact", [("facts: [firm_share]", "facts: [firm_shares]")],
     ["content/facts.yaml:38: chart 'shares': unknown fact 'firm_shares'; did you mean firm_share, firms?"]),
    ("impossible-month", [("    as_of: 2022-10\n    label: {en: Firms", "    as_of: 2022-13\n    label: {en: Firms")],
     ["content/facts.yaml:12: fact 'firms': as_of must be a date like 2022-10 or 2022-10-31"]),
    ("impossible-day", [("    as_of: 2022-10\n    label: {en: Firms", "    as_of: 2022-02-30\n    label: {en: Firms")],
     ["content/facts.yaml:12: invalid date 2022-02-30: day is out of range for month"]),
    ("round-on-a-value", [("value: 1048\n", "value: 1048\n    round: 10\n")],
     ["content/facts.yaml:11: fact 'firms': round applies only to derived figures"]),
    ("unit-missing-language", [('firms: {en: "", zh: 家}', "firms: {zh: 家}")],
     ["content/facts.yaml:6: unit 'firms': missing text for 'en' (write \"\" for none)"]),
    ("comparison-not-a-share", [("    source: survey\n  firm_share:", "    source: survey\n    comparison: {share: talent}\n  firm_share:")],
     ["content/facts.yaml:15: fact 'firms': comparison share names 'talent', which is not a share"]),
]


def bad_facts(edits: list[tuple[str, str]]) -> str:
    """Return FACTS with the edits applied."""
    text = FACTS
    for old, new in edits:
        text = edit(text, old, new)
    return text


@pytest.fixture
def built(make_project: Callable[..., Path]) -> Path:
    """Return a tiny project using FACTS, built once into out/."""
    project = make_project({"content/facts.yaml": FACTS})
    result = run_build(project, "build", "--out", "out")
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize("edits, errors", [pytest.param(e, m, id=i) for i, e, m in BAD_INPUTS])
def test_bad_fact_sheet_fails_the_build_at_its_line(built: Path, edits: list[tuple[str, str]], errors: list[str]) -> None:
    before = snapshot(built / "out")
    (built / "content/facts.yaml").write_text(bad_facts(edits), encoding="utf-8")
    result = run_build(built, "build", "--out", "out")
    assert result.returncode == 1
    tail = f"failed: {len(errors)} error{'s' if len(errors) > 1 else ''}; out/ left unchanged"
    assert result.stderr.splitlines() == [*errors, tail]
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(built / "out") == before


@pytest.mark.parametrize("edits, errors", [pytest.param(e, m, id=i) for i, e, m in BAD_INPUTS])
def test_parse_facts_reports_bad_input(edits: list[tuple[str, str]], errors: list[str]) -> None:
    with pytest.raises(BuildFailed) as caught:
        parse_facts(bad_facts(edits), LANGS)
    assert [str(e) for e in caught.value.errors] == errors


def test_parse_facts_reports_every_problem_at_once() -> None:
    text = bad_facts([("value: 1048", "value: many"), ("value: 0.29", "value: 29"),
                      ("label: {en: Talent, zh: 人才}", "label: {zh: 人才}")])
    with pytest.raises(BuildFailed) as caught:
        parse_facts(text, LANGS)
    assert [str(e) for e in caught.value.errors] == [
        "content/facts.yaml:10: fact 'firms': value must be a number, got 'many'",
        "content/facts.yaml:16: fact 'firm_share': a share must be between 0 and 1, got 29",
        "content/facts.yaml:26: fact 'talent': label missing in 'en'",
    ]


# -- derived figures -------------------------------------------------------------------------------

def test_derived_figure_is_computed_rounded_and_an_estimate() -> None:
    facts = parse_facts(FACTS, LANGS)
    national = facts.facts["national"]
    assert national.value == 3600  # 1048 / 0.29 = 3613.8, to the nearest 100
    assert national.is_estimate and not facts.facts["firms"].is_estimate
    changed = parse_facts(edit(FACTS, "value: 1048", "value: 2096"), LANGS)
    assert changed.facts["national"].value == 7200  # 7227.6


def test_derived_figure_rounds_half_up() -> None:
    text = bad_facts([add_fact("sum", "firms + 2602"), ("charts:\n", "    round: 100\ncharts:\n")])
    assert parse_facts(text, LANGS).facts["sum"].value == 3700  # 3650: readers expect 3,700, not banker's 3,600


def test_derived_share_has_no_float_noise() -> None:
    text = bad_facts([add_fact("more", "firm_share + 0.41"), ("charts:\n", "    round: 0.1\ncharts:\n")])
    text = edit(text, "    unit: firms\n    as_of: 2022-10\n    label: {en: Extra", "    unit: share\n    as_of: 2022-10\n    label: {en: Extra")
    facts = parse_facts(text, LANGS)
    assert facts.facts["more"].value == 0.7
    assert format_fact(facts.facts["more"], facts, EN, STRINGS["en"]) == "about 70%"


def test_derived_figure_may_use_another_derived_figure() -> None:
    facts = parse_facts(bad_facts([add_fact("half", "national / 2")]), LANGS)
    assert facts.facts["half"].value == 1800


# -- formatting through Babel ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sheet() -> Facts:
    return parse_facts(FACTS, LANGS)


@pytest.mark.parametrize("value, en, zh", [
    (1048, "1,048", "1,048"),
    (40000, "40,000", "4万"),
    (45000, "45,000", "4.5万"),
    (120000, "120,000", "12万"),
    (100_000_000, "100,000,000", "1亿"),
    (41234, "41,234", "41,234"),  # 4.12万 would not be exact
    (3600, "3,600", "3,600"),
    (1048.5, "1,048.5", "1,048.5"),
])
def test_numbers_as_each_language_writes_them(value: float, en: str, zh: str) -> None:
    assert format_number(value, EN) == en
    assert format_number(value, ZH) == zh


@pytest.mark.parametrize("value, text", [(0.29, "29%"), (0.6, "60%"), (0.295, "29.5%"), (1, "100%")])
def test_shares_are_percentages(value: float, text: str) -> None:
    assert format_share(value, EN) == text
    assert format_share(value, ZH) == text


def test_numbers_come_from_cldr_not_from_rules_for_two_languages() -> None:
    # a third locale gets its own separators and percent spacing, which no hand-written rule would give
    assert format_number(40000, DE) == "40.000"
    assert format_share(0.29, DE) == "29\xa0%"
    assert format_as_of("2022-10", DE) == "Oktober 2022"


@pytest.mark.parametrize("as_of, en, zh", [
    ("2022-10", "October 2022", "2022年10月"),
    ("2022", "2022", "2022年"),
    ("2022-10-31", "October 31, 2022", "2022年10月31日"),
])
def test_dates_as_precise_as_the_source(as_of: str, en: str, zh: str) -> None:
    assert format_as_of(as_of, EN) == en
    assert format_as_of(as_of, ZH) == zh


@pytest.mark.parametrize("key, en, zh", [
    ("firms", "1,048", "1,048家"),
    ("firm_share", "29%", "29%"),
    ("talent", "more than 40,000", "4万余名"),
    ("national", "about 3,600", "约3,600家"),
])
def test_facts_read_as_a_phrase_of_the_language(sheet: Facts, key: str, en: str, zh: str) -> None:
    fact = sheet.facts[key]
    assert format_fact(fact, sheet, EN, STRINGS["en"]) == en
    assert format_fact(fact, sheet, ZH, STRINGS["zh"]) == zh


def test_a_share_with_a_lower_bound_reads_naturally() -> None:
    text = edit(FACTS, "charts:\n", "  talent_share:\n    value: 0.6\n    bound: over\n    unit: share\n"
                                     "    as_of: 2022-10\n    label: {en: Talent share, zh: 人才占比}\n"
                                     "    source: survey\ncharts:\n")
    facts = parse_facts(text, LANGS)
    assert format_fact(facts.facts["talent_share"], facts, EN, STRINGS["en"]) == "more than 60%"
    assert format_fact(facts.facts["talent_share"], facts, ZH, STRINGS["zh"]) == "超过60%"  # not 60%余


@pytest.mark.parametrize("formula, en, zh", [
    ("firms / firm_share", "1,048 ÷ 29%", "1,048 ÷ 29%"),
    ("(talent - firms) * 2.5 + 1", "(40,000 − 1,048) × 2.5 + 1", "(40,000 − 1,048) × 2.5 + 1"),
])
def test_a_derived_figure_shows_its_formula_with_values(formula: str, en: str, zh: str) -> None:
    facts = parse_facts(edit(FACTS, "firms / firm_share", formula), LANGS)
    assert formula_text(facts.facts["national"], facts, EN) == en
    assert formula_text(facts.facts["national"], facts, ZH) == zh


def test_a_statement_reads_as_its_words() -> None:
    text = edit(FACTS, "charts:\n", "  papers:\n    statement: {en: Most papers., zh: 论文最多。}\n    as_of: 2022\n"
                                     "    label: {en: Papers, zh: 论文}\n    source: survey\ncharts:\n")
    facts = parse_facts(text, LANGS)
    assert format_fact(facts.facts["papers"], facts, EN, STRINGS["en"]) == "Most papers."
    assert format_fact(facts.facts["papers"], facts, ZH, STRINGS["zh"]) == "论文最多。"
