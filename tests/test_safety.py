"""Escaping where validation cannot reach, odd input that is valid, and the editor commands (issue 15, 5, 6, 10).

Keys and codes are checked against safe patterns when they are loaded (see test_hostile.py); these tests
feed unsafe values straight to the functions that write markup, to prove they escape anyway. Then formulas
with constants (1e3, 1_000) build and show their numbers, and `new plan` refuses a second /plan/ page.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import Callable

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT, TINY_FACTS, run_build
from microsite.charts import render_chart
from microsite.config import Language, load_config
from microsite.content import load_pages
from microsite.errors import BuildFailed
from microsite.facts import parse_facts
from microsite.model import Site
from microsite.outputs.sitemap import render_sitemap
from microsite.scaffold import create_page

EN = Language("en", "en", "English", "en")
STRINGS = yaml.safe_load((ROOT / "content/strings/en.yaml").read_text(encoding="utf-8"))
EVIL = '"><script>alert(1)</script>'


def test_chart_markup_escapes_keys_and_links() -> None:
    facts = parse_facts(TINY_FACTS, ("en", "zh"))
    chart = dataclasses.replace(facts.charts["shares"], key="k" + EVIL)
    html = render_chart(chart, facts, EN, STRINGS, "/base" + EVIL + "/figures/")
    assert "<script>" not in html
    figure = BeautifulSoup(html, "html.parser").figure
    assert figure["id"] == "chart-k" + EVIL
    assert figure.find("a")["href"] == "/base" + EVIL + "/figures/#fact-firm_share"


def test_sitemap_escapes_language_tags(make_project: Callable[..., Path]) -> None:
    config = load_config(make_project())
    languages = tuple(dataclasses.replace(lang, html_lang=lang.html_lang + '"/><x a="') for lang in config.languages)
    site = Site(dataclasses.replace(config, languages=languages), tuple(load_pages(config)),
                parse_facts(TINY_FACTS, config.codes), {}, {})
    root = etree.fromstring(render_sitemap(site))  # still well-formed XML
    tags = {link.get("hreflang") for link in root.iter("{http://www.w3.org/1999/xhtml}link")}
    assert 'zh-CN"/><x a="' in tags


def test_formulas_with_constants_build_and_show_their_numbers(make_project: Callable[..., Path]) -> None:
    derived = ("  per_thousand:\n    derived: firms / 1_000 * 1e3 - 0.5e1\n    unit: firms\n    as_of: 2022-10\n"
               "    label: {en: Per thousand, zh: 每千}\n    source: survey\n")
    project = make_project({"content/facts.yaml": TINY_FACTS.replace("charts:\n", derived + "charts:\n")})
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((project / "site/en/figures/index.html").read_text(encoding="utf-8"), "html.parser")
    card = page.find(id="fact-per_thousand")
    assert "1,048 ÷ 1,000 × 1,000 − 5" in card.get_text(" ")
    assert "about 1,043" in card.get_text(" ")


def test_new_refuses_a_page_whose_url_exists(make_project: Callable[..., Path]) -> None:
    project = make_project()
    config = load_config(project)
    strings = {code: {"new_page_body": "Write here."} for code in config.codes}
    with pytest.raises(BuildFailed) as failed:
        create_page(config, "about", "About", strings)  # content/en/about/index.md is /en/about/ already
    assert [str(e) for e in failed.value.errors] == [
        "content/en/about.md: would have the same URL as content/en/about/index.md",
        "content/zh/about.md: would have the same URL as content/zh/about/index.md"]
    assert not (project / "content/en/about.md").exists()
    create_page(config, "figures/more", "More", strings)  # figures.md is a page, figures/more.md another
    assert run_build(project).returncode == 0
