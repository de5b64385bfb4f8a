"""The Markdown docs editors write: notes, details, tabs, footnotes, task lists, code, images beside pages.

Fixtures in tests/fixtures/markdown/ are written in MkDocs Material and GitHub/VitePress syntax, in English
and Chinese. Tests build them as an editor would and read the HTML readers get.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import markdown_files, run_build
from microsite.errors import BuildFailed
from microsite.markdown.containers import alert_lines, container_lines
from microsite.markdown.fences import rewrite_info
from microsite.minify import minify
from microsite.markdown.highlight_css import SCHEMES, contrast, render_highlight_css
from microsite.markdown.lists import normalize_list_indents
from microsite.pipeline import BuildOptions, build

LANGS = ("en", "zh")
PAGES = ("material", "github")
# What a reader must never see as text: markers of syntax that no extension understood.
LEFTOVERS = re.compile(r"!!!|\?\?\?|:::|===|\[\^|\[!|```|~~|==|\[[ xX]\]|\{\{|\{%|\[\[toc|\$\$")


def build_project(project: Path, jobs: int = 1) -> Path:
    build(project, BuildOptions(out=project / "site", jobs=jobs))
    return project / "site"


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def reader_text(article: Tag) -> str:
    """Return the text of an article outside code, as a reader sees it."""
    copy = BeautifulSoup(str(article), "html.parser")
    for code in copy(["pre", "code"]):
        code.decompose()
    return copy.get_text(" ")


@pytest.fixture(scope="module")
def blocks_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_project
    project = write_project(tmp_path_factory.mktemp("blocks") / "project", markdown_files())
    return build_project(project)


def article(site: Path, lang: str, name: str) -> Tag:
    found = soup_of(site / lang / name / "index.html").find("article")
    assert isinstance(found, Tag)
    return found


# -- Done when: both syntaxes build in both languages with no raw markup ------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_fixture_pages_show_no_raw_markup(blocks_site: Path, lang: str, name: str) -> None:
    text = reader_text(article(blocks_site, lang, name))
    assert LEFTOVERS.findall(text) == [], text


@pytest.mark.parametrize("lang", LANGS)
def test_material_syntax_becomes_blocks(blocks_site: Path, lang: str) -> None:
    page = article(blocks_site, lang, "material")
    assert len(page.select('div.admonition[role="note"]')) == 2
    title = page.select_one("div.admonition.warning > p.admonition-title").get_text()
    assert title == {"en": "Check your version", "zh": "检查版本"}[lang]
    folded = page.select("details")
    assert [d.has_attr("open") for d in folded] == [True, False]  # ???+ opens, ??? is closed
    assert page.select_one("details.question > summary").get_text() == {"en": "Question", "zh": "问题"}[lang]
    tabs = page.select_one("div.tabbed-set")
    assert [label.get_text() for label in tabs.select(".tabbed-labels > label")] == ["Linux", "Windows"]
    assert len(tabs.select('input[type="radio"]')) == 2 and len(tabs.select(".tabbed-block")) == 2
    assert page.select_one("dl > dt") and page.select_one("dd del") and page.select_one("dd mark")
    assert page.select_one("abbr[title]")
    assert page.select_one("ol > li div.highlight pre code"), "a fence inside a list item is code"
    assert page.select_one("div.admonition div.highlight pre code"), "a fence inside a note is code"
    assert page.select_one("div.grid > p > strong"), "Markdown inside <div markdown> is rendered"


@pytest.mark.parametrize("lang", LANGS)
def test_code_is_highlighted_with_title_line_numbers_and_marked_lines(blocks_site: Path, lang: str) -> None:
    page = article(blocks_site, lang, "material")
    block = page.select_one("div.admonition div.highlight")
    assert block.select_one(".filename").get_text() == "setup.py"
    assert block.select_one("pre")["tabindex"] == "0"  # a keyboard can scroll it
    assert [s["data-linenos"].strip() for s in block.select("[data-linenos]")] == ["1", "2"]
    assert len(block.select(".hll")) == 1 and block.select_one(".hll .k").get_text() == "return"
    assert block.select_one("span.k").get_text() == "def" and block.select_one("span.nf").get_text() == "setup"


@pytest.mark.parametrize("lang", LANGS)
def test_list_items_indented_as_on_github_keep_their_code_and_notes(blocks_site: Path, lang: str) -> None:
    items = article(blocks_site, lang, "github").select("ol > li")
    assert [len(items), items[0].select_one("pre code").get_text()] == [2, "pip install tool\n"]
    assert items[1].select_one("div.admonition.warning") and items[1].select_one("ul > li div.highlight code")
    assert items[1].select_one("ul > li pre code").get_text().startswith("print(")


def test_fence_headers_of_vitepress_and_docusaurus_are_read(blocks_site: Path) -> None:
    page = article(blocks_site, "en", "github")
    blocks = page.select("div.highlight")
    by_first_word = {b.select_one("code").get_text().split()[0]: b for b in blocks}
    assert len(by_first_word["const"].select(".hll")) == 1  # js{2}
    titled = [b for b in blocks if b.select_one(".filename")]
    assert [b.select_one(".filename").get_text() for b in titled] == ["src/App.jsx"]
    assert titled[0].select("[data-linenos]") and titled[0].select(".hll")  # {1} showLineNumbers


@pytest.mark.parametrize("lang", LANGS)
def test_github_alerts_and_vitepress_containers_become_notes(blocks_site: Path, lang: str) -> None:
    page = article(blocks_site, lang, "github")
    kinds = [" ".join(c for c in note["class"] if c != "admonition") for note in page.select("div.admonition")]
    assert kinds == ["note", "warning", "tip", "important", "caution", "tip", "danger", "warning"]
    titles = [note.select_one(".admonition-title").get_text() for note in page.select("div.admonition")]
    expected = {"en": ["Note", "Warning", "Tip", "Important", "Caution", "Where to start", "Danger", "Warning"],
                "zh": ["备注", "警告", "提示", "重要", "注意", "从哪里开始", "危险", "警告"]}
    assert titles == expected[lang]
    assert page.select_one("div.admonition.warning div.highlight code").get_text().strip() == "make test"
    quote = page.select_one("blockquote").get_text().strip()
    assert quote == {"en": "An ordinary quote stays a quote.", "zh": "普通引用仍然是引用。"}[lang]
    assert [d.select_one("summary").get_text() for d in page.select("details")] == (
        ["Click to see more", "More details"] if lang == "en" else ["点击查看更多", "更多细节"])
    assert page.select_one("details strong"), "Markdown inside <details> is rendered, as on GitHub"
    group = page.select_one("div.tabbed-set")
    assert [label.get_text() for label in group.select("label")] == ["config.js", "config.ts"]
    assert not group.select(".filename"), "a code-group label is not repeated as a title"


@pytest.mark.parametrize("lang", LANGS)
def test_task_lists_are_named_checkboxes_in_the_page_language(blocks_site: Path, lang: str) -> None:
    boxes = article(blocks_site, lang, "github").select("li.task-list-item input[type=checkbox]")
    assert [(b.has_attr("checked"), b["aria-label"], b.has_attr("disabled")) for b in boxes] == (
        [(True, "Done", True), (False, "Not done", True)] if lang == "en"
        else [(True, "已完成", True), (False, "未完成", True)])


@pytest.mark.parametrize("lang", LANGS)
def test_footnotes_are_a_labelled_section_with_back_links_in_the_page_language(blocks_site: Path, lang: str) -> None:
    page = article(blocks_site, lang, "material")
    notes = page.select_one("section.footnote")
    assert notes["aria-label"] == {"en": "Footnotes", "zh": "脚注"}[lang]
    ref = page.select_one("sup a.footnote-ref")
    assert notes.select_one(ref["href"].replace(":", "\\:"))  # the reference leads to its note
    back = notes.select_one("a.footnote-backref")
    assert back["title"] == {"en": "Back to reference 1", "zh": "返回第1处引用"}[lang]
    assert page.select_one(back["href"].replace(":", "\\:"))


# -- Keep what we have: facts, links, heading ids and the cache inside every new block ----------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("where", ["div.admonition.note", "section.footnote", ".tabbed-block", "td", "div.grid",
                                   "div.admonition.tip"])
def test_facts_work_inside_every_block(blocks_site: Path, lang: str, where: str) -> None:
    name = "github" if where == "div.admonition.tip" else "material"
    facts = article(blocks_site, lang, name).select(f"{where} a.fact")
    assert facts, f"no fact inside {where}"
    assert all(a["href"] == f"/{lang}/figures/#fact-{a['href'].split('#fact-')[1]}" for a in facts)
    assert {a.get_text() for a in facts} & {"1,048", "1,048家", "29%"}


@pytest.mark.parametrize("lang", LANGS)
def test_links_inside_footnotes_and_notes_become_page_urls(blocks_site: Path, lang: str) -> None:
    page = article(blocks_site, lang, "material")
    assert [a["href"] for a in page.select("section.footnote p > a:not(.fact):not(.footnote-backref)")] == [
        f"/{lang}/figures/"]
    anchor = {"en": "#about-us", "zh": "#关于我们"}[lang]
    assert page.select_one("div.admonition.note p a:not(.fact)")["href"] == f"/{lang}/{anchor}"


def test_heading_ids_inside_tabs_chinese_included(blocks_site: Path) -> None:
    assert article(blocks_site, "en", "material").select_one(".tabbed-block h3")["id"] == "linux-details"
    assert article(blocks_site, "zh", "material").select_one(".tabbed-block h3")["id"] == "linux-细节"


def test_link_to_a_missing_page_inside_a_footnote_fails_with_its_line(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/notes.md": "---\ntitle: Notes\n---\nText.[^1]\n\n[^1]: See [x](nope.md).\n"})
    with pytest.raises(BuildFailed) as failed:
        build_project(project)
    assert [str(e) for e in failed.value.errors] == ["content/en/notes.md:6: link to a missing page 'nope.md'; did you mean 'notes.md'?"]


def test_a_missing_anchor_to_a_heading_inside_a_tab_fails(make_project: Callable[..., Path]) -> None:
    tabs = '=== "One"\n\n    ## Inside {#inside}\n\n=== "Two"\n\n    Other.\n'
    project = make_project({"content/en/tabs.md": f"---\ntitle: Tabs\n---\n{tabs}",
                            "content/en/about/team.md": "---\ntitle: Team\n---\n[in](../tabs.md#inside) "
                                                        "[out](../tabs.md#outside)\n"})
    with pytest.raises(BuildFailed) as failed:
        build_project(project)
    assert [str(e) for e in failed.value.errors] == [
        "content/en/about/team.md:4: link to '#outside' on /en/tabs/: the page has no such heading or id; did you mean '#inside'?"]


def test_a_fact_change_reaches_notes_footnotes_and_tabs_through_the_cache(tmp_path: Path) -> None:
    from conftest import write_project
    project = write_project(tmp_path / "project", markdown_files())
    build_project(project)
    facts = project / "content/facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("value: 1048", "value: 2096"), encoding="utf-8")
    site = build_project(project)
    page = article(site, "en", "material")
    for where in ("div.admonition.note", "section.footnote", "td", "div.grid"):
        assert [a.get_text() for a in page.select(f"{where} a.fact[href$=fact-firms]")] and all(
            a.get_text() == "2,096" for a in page.select(f"{where} a.fact[href$=fact-firms]")), where
    clean = write_project(tmp_path / "clean", markdown_files())
    (clean / "content/facts.yaml").write_text(facts.read_text(encoding="utf-8"), encoding="utf-8")
    assert (build_project(clean) / "en/material/index.html").read_bytes() == (
        site / "en/material/index.html").read_bytes(), "a cached build equals a clean one"


# -- Images and files beside pages --------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_images_get_their_size_lazy_loading_and_a_published_file(blocks_site: Path, lang: str) -> None:
    images = article(blocks_site, lang, "material").select("img")
    assert [(i["src"], i["width"], i["height"], i.get("loading")) for i in images] == [
        (f"/{lang}/build-flow.png", "320", "120", None), ("/assets/area-map.svg", "240", "160", "lazy")]
    assert (blocks_site / lang / "build-flow.png").read_bytes() == (
        Path(__file__).parent / "fixtures/markdown/build-flow.png").read_bytes()
    assert (blocks_site / "assets/area-map.svg").is_file()


def test_files_beside_pages_in_subfolders_are_published_next_to_their_page(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" '
                                                          'height="20"></svg>',
                            "content/en/about/data.csv": "a,b\n1,2\n",
                            "content/en/about/index.md": "---\ntitle: About\n---\n![A chart](chart.svg)\n\n"
                                                         "![Logo](/static/favicon.svg)\n",
                            "content/en/about/.draft.png": "hidden"})
    site = build_project(project)
    assert (site / "en/about/data.csv").read_text() == "a,b\n1,2\n"
    assert not (site / "en/about/.draft.png").exists()
    images = soup_of(site / "en/about/index.html").select("article img")
    assert [(i["src"], i.get("width"), i.get("height")) for i in images] == [
        ("/en/about/chart.svg", "10", "20"), ("/static/favicon.svg", "32", "32")]


@pytest.mark.parametrize("src", ["diagram.png", "../assets/map.svg", "/static/missing.svg", "../../../etc/x.png"])
def test_a_missing_image_fails_with_its_line(make_project: Callable[..., Path], src: str) -> None:
    project = make_project({"content/en/pics.md": f"---\ntitle: Pics\n---\nIntro.\n\n![A picture]({src})\n"})
    with pytest.raises(BuildFailed) as failed:
        build_project(project)
    assert [str(e) for e in failed.value.errors] == [
        f"content/en/pics.md:6: image '{src}' not found: put the file beside the page, in content/assets/ "
        "or in static/"]


def test_a_changed_image_updates_the_cached_page(make_project: Callable[..., Path]) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="10"></svg>'
    project = make_project({"content/en/pics.md": "---\ntitle: Pics\n---\n![A box](box.svg)\n",
                            "content/en/box.svg": svg.format(10)})
    build_project(project)
    (project / "content/en/box.svg").write_text(svg.format(300), encoding="utf-8")
    site = build_project(project)
    assert soup_of(site / "en/pics/index.html").select_one("article img")["width"] == "300"


def test_a_file_beside_pages_may_not_take_a_page_output(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/about/index.html": "<p>clash</p>"})
    with pytest.raises(BuildFailed) as failed:
        build_project(project)
    assert [str(e) for e in failed.value.errors] == [
        "content/en/about/index.html: has the same output path as a page; rename it"]


def test_a_symlink_out_of_the_project_is_not_published(make_project: Callable[..., Path], tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    project = make_project()
    (project / "content/assets").mkdir()
    (project / "content/assets/leak.txt").symlink_to(secret)
    with pytest.raises(BuildFailed) as failed:
        build_project(project)
    assert [str(e) for e in failed.value.errors] == ["content/assets/leak.txt: symlink points outside the project"]


# -- Highlighted code: its stylesheet --------------------------------------------------------------------

def test_code_colours_reach_aaa_contrast_in_light_and_dark() -> None:
    css = render_highlight_css()
    light, dark = css.split("@media (prefers-color-scheme:dark)")
    for part, scheme in ((light, "light"), (dark, "dark")):
        _, background, marked, _ = SCHEMES[scheme]
        colours = re.findall(r"color:(#[0-9a-f]{6})", part)
        assert len(colours) > 10
        low = [(c, bg) for c in colours for bg in (background, marked) if contrast(c, bg) < 7]
        assert low == [], scheme


def test_only_pages_with_code_load_the_code_stylesheet(blocks_site: Path) -> None:
    def sheets(path: str) -> list[str]:
        return [link["href"] for link in soup_of(blocks_site / path).select("link[rel=stylesheet]")]
    assert sheets("en/material/index.html") == ["/static/style.css", "/static/blocks.css", "/static/highlight.css"]
    assert sheets("en/figures/index.html") == ["/static/style.css"]
    assert (blocks_site / "static/highlight.css").read_bytes() == minify("x.css", render_highlight_css().encode())


def test_contrast_check_catches_a_low_contrast_colour() -> None:
    assert contrast("#777777", "#ffffff") < 7 <= contrast("#595959", "#ffffff") + 0.1


# -- Rewriting other tools' syntax (pure functions) ----------------------------------------------------

@pytest.mark.parametrize("info, expected", [
    ("js{4}", ' js hl_lines="4"'),
    ("ts:line-numbers {1,3-5}", ' ts linenums="1" hl_lines="1 3-5"'),
    ('jsx title="/src/App.js" {1,4-6} showLineNumbers', ' jsx title="/src/App.js" hl_lines="1 4-6" linenums="1"'),
    ("js [config.js]", ' js title="config.js"'),
    ('py title="x.py" hl_lines="2" linenums="1"', ' py title="x.py" hl_lines="2" linenums="1"'),
    ("python", "python"), ("", ""), (" { .py #id }", " { .py #id }"), ("ts:no-line-numbers", " ts"),
])
def test_fence_headers_are_rewritten_for_superfences(info: str, expected: str) -> None:
    assert rewrite_info(info) == expected


def test_alerts_become_notes_and_leave_code_alone() -> None:
    lines = ["> [!TIP]", "> Use it.", ">", "> More.", "", "```", "> [!NOTE]", "```", "> [!note]- Folded title",
             "> Hidden."]
    assert alert_lines(lines) == ["!!! tip", "    Use it.", "", "    More.", "", "", "```", "> [!NOTE]", "```",
                                  '??? note "Folded title"', "    Hidden.", ""]


def test_containers_nest_and_unknown_types_stay_for_check_to_report() -> None:
    lines = [":::: warning Outer", "Text.", "::: tip", "Inner.", ":::", "::::", "", "::: spoiler", "x", ":::"]
    assert container_lines(lines) == ['!!! warning "Outer"', "    Text.", "    !!! tip", "        Inner.", "", "",
                                      "", "::: spoiler", "x", ":::"]


def test_list_indents_follow_each_items_own_style() -> None:
    commonmark = ["1. Install:", "", "   ```sh", "   npm i", "     deeper", "  ```", "", "2. Next", "   - nested",
                  "     ```js", "     x", "     ```", "", "After."]
    assert normalize_list_indents(commonmark) == [
        "1. Install:", "", "    ```sh", "    npm i", "      deeper", "    ```", "", "2. Next", "    - nested",
        "        ```js", "        x", "        ```", "", "After."]
    python_style = ["1. Item:", "", "    ```js", "    x", "    ```", "", "- a", "lazy", "", "Text", "", "    code"]
    assert normalize_list_indents(python_style) == python_style


# -- site.yaml's markdown: setting ---------------------------------------------------------------------

def test_site_yaml_can_turn_extensions_off_and_on(make_project: Callable[..., Path]) -> None:
    from conftest import TINY_SITE_YAML
    page = "---\ntitle: Notes\n---\n!!! note\n    Text.\n\nA ~~strike~~.\n"
    project = make_project({"site.yaml": TINY_SITE_YAML + "markdown:\n  disable: [admonition]\n"
                                                          "  enable: [pymdownx.smartsymbols]\n",
                            "content/en/notes.md": page + "\n(c) 2024\n"})
    site = build_project(project)
    text = soup_of(site / "en/notes/index.html").select_one("article").get_text()
    assert "!!! note" in text and "©" in text and "strike" in text


@pytest.mark.parametrize("setting, message", [
    ("markdown:\n  enable: [no_such_ext]\n", "site.yaml:10: markdown: unknown extension 'no_such_ext' (give a "
                                             "Python-Markdown extension's module name)"),
    ("markdown:\n  disable: [tables]\n", "site.yaml:10: markdown: cannot disable 'tables': not a default extension "
                                         "(defaults: footnotes, def_list, abbr, admonition, md_in_html, "
                                         "pymdownx.superfences, pymdownx.highlight, pymdownx.details, "
                                         "pymdownx.tabbed, pymdownx.tasklist, pymdownx.tilde, pymdownx.mark, smarty)"),
    ("markdown: [footnotes]\n", "site.yaml:9: markdown: expected 'enable:' and/or 'disable:', each a list of "
                                "extension names"),
    ("markdown:\n  enable: footnotes\n", "site.yaml:10: markdown: 'enable' must be a list of extension names"),
])
def test_bad_markdown_settings_fail_with_their_line(make_project: Callable[..., Path], setting: str,
                                                     message: str) -> None:
    from conftest import TINY_SITE_YAML
    project = make_project({"site.yaml": TINY_SITE_YAML + setting})
    result = run_build(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == message


# -- check: markup that reached readers as text, and images ---------------------------------------------

BROKEN = """\
---
title: Broken
---
Intro.

::: spoiler Hidden
Text.
:::

{{< figure src="x.png" >}}

{% include "snippet.md" %}

[[toc]]

=== Tab

::: code-group
<<< @/snippets/snippet.js
:::

Text with $x^2$ math and a footnote[^missing].

![](pic.png)

![Big](big.png)

<Badge type="tip" text="new" />

```py
never closed
"""


def test_check_warns_about_markup_that_reached_the_page_as_text(make_project: Callable[..., Path]) -> None:
    project = make_project({"content/en/broken.md": BROKEN, "content/en/pic.png": (
        Path(__file__).parent / "fixtures/markdown/build-flow.png").read_bytes(),
                            "content/en/big.png": b"\x89PNG" + b"0" * (501 * 1024)})
    result = run_build(project, "check")
    warnings = [line for line in result.stderr.splitlines()
                if line.startswith("warning: content/en/broken.md:") and "no zh version" not in line]
    assert warnings == [
        "warning: content/en/broken.md:6: container ':::' reached the page as text; known types: note, tip, info, "
        "warning, danger, caution, important, details, code-group",
        "warning: content/en/broken.md:10: shortcode '{{<' reached the page as text; this generator has no "
        "shortcodes: rewrite it as Markdown",
        "warning: content/en/broken.md:12: template tag '{%' reached the page as text; pages are not run as "
        "templates",
        "warning: content/en/broken.md:14: '[[toc]]' reached the page as text; the page template shows a table of "
        "contents by itself: delete it",
        "warning: content/en/broken.md:16: tab '=== \"…\"' reached the page as text; indent the tab's content by 4 "
        "spaces",
        "warning: content/en/broken.md:19: code import '<<<' reached the page as text; this generator does not "
        "include files: paste the code into a fence",
        "warning: content/en/broken.md:22: footnote '[^missing]' has no definition; add a line '[^missing]: …'",
        "warning: content/en/broken.md:22: math '$x^2$' reached the page as text; turn on a math extension in "
        "site.yaml (markdown: enable: [pymdownx.arithmatex])",
        "warning: content/en/broken.md:24: image 'pic.png' has no alt text; describe it for readers who cannot "
        "see it: ![what it shows](…)",
        "warning: content/en/broken.md:26: image 'big.png' is 501 KB (over 500 KB); make it smaller so the page "
        "loads fast on a phone",
        "warning: content/en/broken.md:28: <Badge> is not an HTML element (a Vue, MDX or Hugo component?): readers "
        "do not get what it stands for; write it as Markdown or HTML",
        "warning: content/en/broken.md:30: code fence reached the page as text: close it with a line of the same "
        "backticks, and inside a list item indent it like the item's text",
    ]


def test_check_warns_about_notes_left_as_text_when_their_extension_is_off(make_project: Callable[..., Path]) -> None:
    from conftest import TINY_SITE_YAML
    project = make_project({"site.yaml": TINY_SITE_YAML + "markdown:\n  disable: [admonition, pymdownx.tabbed]\n",
                            "content/en/notes.md": "---\ntitle: Notes\n---\n!!! note\n    Text.\n\n"
                                                   '=== "One"\n    Tab.\n'})
    result = run_build(project, "check")
    assert [line for line in result.stderr.splitlines() if "notes.md" in line and "no zh version" not in line] == [
        "warning: content/en/notes.md:4: note syntax '!!!' reached the page as text; indent the note's content "
        "by 4 spaces, and write the type in lower case (!!! note)",
        "warning: content/en/notes.md:7: tab '=== \"…\"' reached the page as text; indent the tab's content by 4 "
        "spaces",
    ]


def test_check_finds_nothing_on_the_fixture_pages(tmp_path: Path) -> None:
    from conftest import write_project
    project = write_project(tmp_path / "project", markdown_files())
    result = run_build(project, "check")
    assert [line for line in result.stderr.splitlines() if "material" in line or "github" in line] == []


def test_the_leftover_search_finds_markers_when_the_extensions_are_off(tmp_path: Path) -> None:
    from conftest import TINY_SITE_YAML, write_project
    off = "markdown:\n  disable: [admonition, pymdownx.tabbed, pymdownx.tasklist, pymdownx.tilde]\n"
    project = write_project(tmp_path / "project", {**markdown_files(), "site.yaml": TINY_SITE_YAML + off})
    found = set(LEFTOVERS.findall(reader_text(article(build_project(project), "en", "material"))))
    assert {"!!!", "===", "[x]", "~~"} <= found


def test_hostile_nesting_fails_with_the_page_not_a_traceback(make_project: Callable[..., Path]) -> None:
    nested = "\n".join("    " * depth + "- item" for depth in range(400))
    project = make_project({"content/en/deep.md": f"---\ntitle: Deep\n---\n{nested}\n"})
    result = run_build(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == ("content/en/deep.md: Markdown nested too deeply (lists, quotes or notes "
                                             "inside each other); flatten it")


def png_header(width: int, height: int) -> bytes:
    """Return the first bytes of a PNG of that size (all an image-size reader looks at)."""
    import struct
    import zlib
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def test_huge_or_broken_images_build_quietly(make_project: Callable[..., Path]) -> None:
    page = "---\ntitle: Pics\n---\n![Big](big.png)\n\n![Absurd](absurd.png)\n\n![Broken](broken.png)\n"
    project = make_project({"content/en/pics.md": page, "content/en/big.png": png_header(12000, 12000),
                            "content/en/absurd.png": png_header(60000, 60000), "content/en/broken.png": b"not a png"})
    result = run_build(project, "build")
    assert result.returncode == 0 and result.stderr == ""
    images = soup_of(project / "site/en/pics/index.html").select("article img")
    assert [(i["src"], i.get("width")) for i in images] == [
        ("/en/big.png", "12000"), ("/en/absurd.png", None), ("/en/broken.png", None)]
