"""The inline passes skip what cannot match (issue 18): smarty's skips text without quotes, dashes or
ellipses, and both skip patterns that do not occur in a text. The same HTML, faster."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from microsite.content import split_front_matter
from microsite.markdown.converter import CORE_EXTENSIONS, DEFAULT_EXTENSIONS, EXTENSION_CONFIG
from microsite.markdown.inline import QuickInline, use_quick_inline
from microsite.markdown.smarty import QuickSmarty, use_quick_smarty

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = [*CORE_EXTENSIONS, *DEFAULT_EXTENSIONS]
CONFIG = {name: config for name, config in EXTENSION_CONFIG.items() if name in EXTENSIONS}
TRICKY = """\
"Quoted," she said -- and 'single' ones... it's the '90s.

Rock 'n' roll --- an em dash; a range 1990--2000; four dots.... and an \\"escaped\\" quote.

> [!NOTE]
> A note with "quotes" and `code "not" curled` and **bold "inside"**.

| a "cell" | b |
|---|---|
| it's | -- |

Chinese text without any: 北京的人工智能企业数量居全国前列。English text without any: plain words here.

[a "link" title](https://example.org "the 'title'") and <span title="x">raw "HTML"</span>.

*em **strong** em* and ***both*** and _under_score_ and __strong__; ~~gone~~ ==marked== H~2~O `a*b*c`
\\*not em\\* <https://example.org> <me@example.org> &amp; &copy; [ref][r] ![img](i.png) [^1]
line with two spaces  
break; [link *with* `code`](u) **bold [link](u) inside** and a [link **with bold**](u).

[r]: https://example.org/r
[^1]: A footnote with *emphasis* and "quotes".
"""


def plain() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG)


def quick() -> markdown.Markdown:
    md = plain()
    use_quick_smarty(md)
    use_quick_inline(md)
    assert isinstance(md.treeprocessors["smarty"], QuickSmarty)
    assert isinstance(md.treeprocessors["inline"], QuickInline)
    return md


def bodies() -> list[tuple[str, str]]:
    """Every Markdown body of the site and the test fixtures, and text written to trip the filter up."""
    files = sorted([*(ROOT / "content").rglob("*.md"), *(ROOT / "tests/fixtures").rglob("*.md")])
    found = [(str(path.relative_to(ROOT)), split_front_matter(path.read_text(encoding="utf-8"), str(path))[1])
             for path in files]
    return [("tricky", TRICKY), *found]


def test_curly_quotes_dashes_and_ellipses_still_appear() -> None:
    html = quick().convert(TRICKY)
    for entity in ("&ldquo;", "&rdquo;", "&lsquo;", "&rsquo;", "&ndash;", "&mdash;", "&hellip;"):
        assert entity in html, entity
    assert "<code>code \"not\" curled</code>" in html


def test_the_html_is_exactly_what_smarty_alone_makes() -> None:
    cases = bodies()
    assert len(cases) > 30
    slow, fast = plain(), quick()
    different = [name for name, body in cases if slow.reset().convert(body) != fast.reset().convert(body)]
    assert different == []


@pytest.mark.parametrize("text", ["It's", '"a"', "a--b", "wait..."])
def test_each_trigger_alone_reaches_smarty(text: str) -> None:
    assert quick().convert(text) == plain().convert(text) != f"<p>{text}</p>"
