"""Code blocks find their lexer once per name: the same HTML as Pygments' own lookup, without its plugin walk
on every block of a language it does not know."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pygments.lexers
import pymdownx.highlight
import pytest
from bs4 import BeautifulSoup

from microsite.markdown import converter, lexers
from microsite.pipeline import BuildOptions, build

FENCES = ("```mermaid-x1\ngraph TD; A-->B\n```\n\n" * 3 + "```Python hl_lines=\"2\"\nimport os\nprint(os.sep)\n```\n\n"
          "```PYTHON\n\nx = 1\n\n```\n\n```no-such-lang-x1\nplain <text>\n```\n\n```\nno language\n```\n")


def page_html(make_project: Callable[..., Path]) -> str:
    project = make_project({"content/en/code.md": "---\ntitle: Code\n---\n\n" + FENCES})
    build(project, BuildOptions(out=project / "site", jobs=1, search=False))
    article = BeautifulSoup((project / "site/en/code/index.html").read_text(encoding="utf-8"), "html.parser").article
    assert article is not None
    return str(article)


def test_blocks_read_as_with_pygments_own_lookup(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    lexers._lexer_class.cache_clear()
    cached = page_html(make_project)
    soup = BeautifulSoup(cached, "html.parser")
    assert len(soup.select("span.kn")) == 1  # Python, in any case
    assert soup.select_one(".hll").get_text().startswith("print")
    assert cached.count("graph TD; A--&gt;B") == 3 and "plain &lt;text&gt;" in cached  # unknown: plain text, escaped

    monkeypatch.setattr(converter, "use_lexer_cache", lambda: None)  # as the library does it, on every block
    monkeypatch.setattr(pymdownx.highlight, "get_lexer_by_name", pygments.lexers.get_lexer_by_name)
    lexers._lexer_class.cache_clear()
    shutil.rmtree(tmp_path / "project")
    assert page_html(make_project) == cached
    assert lexers._lexer_class.cache_info().currsize == 0  # the second build did not go through the cache


def test_an_unknown_language_walks_the_plugins_once(make_project: Callable[..., Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[int] = []
    plugins = pygments.lexers.find_plugin_lexers

    def counting() -> Any:
        walks.append(1)
        return plugins()

    # pygments.lexers swaps itself for a lazy module object: its functions see the original module's globals
    monkeypatch.setitem(pygments.lexers.find_lexer_class_by_name.__globals__, "find_plugin_lexers", counting)
    lexers._lexer_class.cache_clear()
    page_html(make_project)
    assert len(walks) == 2  # mermaid-x1 (three blocks) and no-such-lang-x1: once each
