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
