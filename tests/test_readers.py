"""What readers get in the built HTML (issue 16): typographic quotes, figures marked to stay whole, sources and
dates in text, the English title marked as English, the root chooser naming the site."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from bs4 import BeautifulSoup

from conftest import run_build


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_english_prose_gets_curly_quotes_and_code_keeps_straight_ones(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/team.md":
                            "---\ntitle: Team\n---\nThe team's \"plan\" -- in short... Run `say \"hi\"` and:\n\n"
                            "```\nprint('it\\'s \"raw\"')\n```\n"})
    assert run_build(project, "build").returncode == 0
    html = soup(project / "site/en/about/team/index.html")
    paragraph = html.select_one("main article p").get_text()
    assert paragraph.startswith("The team\u2019s \u201cplan\u201d \u2013 in short\u2026 Run ")
    assert html.select_one("main article p code").get_text() == 'say "hi"'
    assert html.select_one("main pre code").get_text() == "print('it\\'s \"raw\"')\n"


def test_a_statement_is_marked_to_wrap_and_a_figure_is_not(real_site: Path) -> None:
    html = soup(real_site / "en/index.html")
    facts = {a["href"].rsplit("#fact-", 1)[1]: a for a in html.select("main a.fact")}
    assert facts["most_ai_papers"].has_attr("data-statement")
    assert not facts["ai_companies"].has_attr("data-statement")
    table = soup(real_site / "zh/key-figures/index.html").select(".facts-table tbody tr")
    kinds = {row.th.a["href"]: "figure" in (row.select("td")[0].get("class") or []) for row in table}
    assert kinds["#fact-ai_talent"] and not kinds["#fact-most_ai_papers"]


# -- 10. a fact's source and date in text, not only in a tooltip ----------------------------------------------


def test_every_page_lists_the_source_and_date_of_each_figure_it_cites(real_site: Path) -> None:
    talent = soup(real_site / "zh/plan/talent/index.html")
    inline = {a["href"].rsplit("#", 1)[1] for a in talent.select("main article a.fact")}
    items = talent.select("main .page-figures li")
    listed = {li.a["href"].rsplit("#", 1)[1] for li in items}
    assert inline == {"fact-ai_talent", "fact-ai_talent_share"}
    assert listed == inline | {"fact-ai_companies_share"}  # and the facts its chart draws
    talent_share = next(li for li in items if li.a["href"].endswith("#fact-ai_talent"))
    assert " ".join(talent_share.get_text().split()) == "北京人工智能核心技术人才：4万余名 截至2022年10月 · 来源：北京市经济和信息化局"
    english = soup(real_site / "en/plan/talent/index.html").select_one("main .page-figures li").get_text()
    assert "As of October 2022 · Source: Beijing Municipal Bureau of Economy and Information Technology" in english
    assert soup(real_site / "en/plan/ethics/index.html").select(".page-figures") == []  # cites nothing
    assert soup(real_site / "en/key-figures/index.html").select(".page-figures") == []  # is the list itself


# -- 12. the English title of an English source on Chinese pages; the root chooser names the site -----------------


def test_an_english_source_title_is_marked_english_on_chinese_pages(real_site: Path) -> None:
    zh = soup(real_site / "zh/key-figures/index.html").select_one("#source-news_article")
    assert zh.cite["lang"] == "en" and zh.cite.get_text().startswith("Beijing crowned AI")
    assert zh.get_text().endswith("（英文）")
    en = soup(real_site / "en/key-figures/index.html").select_one("#source-news_article")
    assert not en.cite.has_attr("lang") and not en.get_text().endswith(")")


def test_a_source_language_must_be_a_language_tag(make_project: Callable[..., Path]) -> None:
    from conftest import TINY_FACTS
    facts = TINY_FACTS.replace("    publisher: {en: Survey office, zh: 调查办公室}\n",
                               "    publisher: {en: Survey office, zh: 调查办公室}\n    language: English\n")
    result = run_build(make_project({"content/facts.yaml": facts}), "build")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("content/facts.yaml:5: source 'survey': language must be a language code "
                                             "such as en or zh-Hans, got 'English'")


def test_cards_show_the_short_name_of_a_source_and_the_full_one_on_hover(real_site: Path) -> None:
    card = soup(real_site / "en/key-figures/index.html").select_one("#fact-ai_companies .card-meta a")
    assert (card.get_text(), card["title"]) == ("Beijing Bureau of Economy and IT",
                                                "Beijing Municipal Bureau of Economy and Information Technology")


def test_the_root_chooser_names_the_site_in_each_language(real_site: Path) -> None:
    root = soup(real_site / "index.html")
    headings = [h.get_text(strip=True) for h in root.select("main h1, main h2")]
    assert headings == ["Beijing, China’s AI “capital”", "北京：中国人工智能“之都”"]  # site.yaml's titles
