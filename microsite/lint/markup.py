"""Markup that reached readers as text, and images a careful editor would fix: warnings, with path:line.

Reads the built pages (check builds into a temporary folder): the text of <main>, outside code, is
searched for markers of syntax no enabled extension understood (`!!! note`, `:::`, `{{<`, `{%`,
`[[toc]]`, `=== "Tab"`, an unclosed fence, `$math$`, a footnote without its definition), elements HTML
does not have (Vue and MDX components) are named; every <img> is checked for alt text, its size on disk
and a third-party host.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import BuildError, line_of
from ..markdown import blank_code
from ..markdown.fences import CLOSE, OPEN, fence_lines
from ..model import Page, Site

MAX_IMAGE_BYTES = 500 * 1024
_SKIP = {"pre", "code", "kbd", "samp", "script", "style", "textarea", "svg", "math"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Every element of HTML (and of the SVG and MathML a page may embed): anything else is a component of
# another tool (Vue's <Badge>, MDX's <Tabs>) that no browser knows.
HTML_ELEMENTS = frozenset("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2
h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta
meter nav noscript object ol optgroup option output p picture pre progress q rp rt ruby s samp script search
section select slot small source span strong style sub summary sup table tbody td template textarea tfoot th
thead time title tr track u ul var video wbr svg math
""".split())
MATH_EXTENSIONS = ("pymdownx.arithmatex", "mdx_math", "markdown_katex", "mdx_truly_sane_lists")

# (pattern over the page text, what to search for in the Markdown, message)
MARKERS = [
    (re.compile(r"(?:^|\s)(!!!|\?\?\?\+?)[ \t]*[A-Za-z]"), None,
     "note syntax '{m}' reached the page as text; indent the note's content by 4 spaces, and write the type in "
     "lower case (!!! note)"),
    (re.compile(r":::"), ":::", "container ':::' reached the page as text; known types: note, tip, info, warning, "
                              "danger, caution, important, details, code-group"),
    (re.compile(r"\{\{[<%]"), None, "shortcode '{m}' reached the page as text; this generator has no shortcodes: "
                                   "rewrite it as Markdown"),
    (re.compile(r"\{\{(?![<%])[^}\n]*\}\}"), None, "template expression '{m}' reached the page as text; pages "
                                                 "are not run as templates (write figures as {{fact:key}})"),
    (re.compile(r"(?<!\{)\{%"), "{%", "template tag '{%' reached the page as text; pages are not run as templates"),
    (re.compile(r"(?:^|\s)<<<[ \t]*[@./\w]"), "<<<", "code import '<<<' reached the page as text; this generator "
                                                  "does not include files: paste the code into a fence"),
    (re.compile(r"\[\[toc\]\]|\[TOC\]", re.I), None, "'{m}' reached the page as text; the page template shows "
                                                      "a table of contents by itself: delete it"),
    (re.compile(r"(?:^|\s)===[ \t]*\S"), "===", "tab '=== \"…\"' reached the page as text; indent the tab's "
                                                 "content by 4 spaces"),
    (re.compile(r"\[![A-Za-z]+\]"), None, "alert '{m}' reached the page as text; known types: NOTE, TIP, "
                                          "IMPORTANT, WARNING, CAUTION"),
    (re.compile(r":(?:material|octicons|fontawesome|simple)-[a-z0-9-]+:"), None,
     "icon shortcode '{m}' reached the page as text; MkDocs Material's icon sets are not part of this site: "
     "delete it or use an image"),
    (re.compile(r"\[\^[^\]\s]+\]"), None, "footnote '{m}' has no definition; add a line '{m}: …'"),
]
_FENCE_TEXT = re.compile(r"```|~~~")
_MATH = re.compile(r"\$\$|(?<![\w$])\$[^\s$](?:[^$\n]*[^\s$])?\$(?![\w$])")  # not '$5 and $10'


class _PageText(HTMLParser):
    """Collect the text of <main> outside code, and every <img> in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <main>
        self.skip = 0  # inside code
        self.text: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.unknown: list[str] = []  # start tags of elements HTML does not have

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth += 1
        if not self.depth:
            return
        if not self.skip and tag not in HTML_ELEMENTS and "-" not in tag:  # custom elements have a hyphen
            self.unknown.append(self.get_starttag_text() or tag)
        if tag == "img":
            self.images.append(dict(attrs))
        elif tag in _SKIP:
            self.skip += 1
        elif tag not in _VOID:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth = max(0, self.depth - 1)
        elif self.depth and tag in _SKIP:
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.text.append(data)


def parse_page_html(html: str) -> tuple[str, list[dict[str, str | None]], list[str]]:
    """Return the text of a page's <main> outside code, the attributes of its images, unknown start tags."""
    parser = _PageText()
    parser.feed(html)
    parser.close()
    return "".join(parser.text), parser.images, parser.unknown


def check_unknown_elements(page: Page, tags: list[str]) -> list[BuildError]:
    """Return a warning for the first use of each element HTML does not have (a Vue or MDX component)."""
    found, seen = [], set()
    for tag in tags:
        name = re.match(r"<([^\s/>]+)", tag)
        key = name.group(1) if name else tag
        if key.lower() in seen:
            continue
        seen.add(key.lower())
        line = _line_of_any_case(page, "<" + key)
        message = (f"<{key}> is not an HTML element (a Vue, MDX or Hugo component?): readers do not get what it "
                   "stands for; write it as Markdown or HTML")
        found.append(BuildError(page.source, line, message))
    return found


def _line_of_any_case(page: Page, needle: str) -> int | None:
    index = blank_code(page.body).lower().find(needle.lower())
    return None if index < 0 else page.body.count("\n", 0, index) + page.body_line


def check_leftover_markup(page: Page, text: str, math: bool) -> list[BuildError]:
    """Return a warning for each marker of unsupported syntax in a page's rendered text."""
    body = blank_code(page.body)
    found = []
    for pattern, needle, message in MARKERS:
        match = pattern.search(text)
        if match:
            marker = match.group(1) if pattern.groups else match.group(0).strip()
            found.append(BuildError(page.source, line_of(body, needle or marker, page.body_line),
                                    message.replace("{m}", marker)))
    leaked = _FENCE_TEXT.search(text)
    if leaked:
        found.append(BuildError(page.source, _leaked_fence_line(page, text[leaked.start():]),
                                "code fence reached the page as text: close it with a line of the same backticks, "
                                "and inside a list item indent it like the item's text"))
    if not math:
        match = _MATH.search(text)
        if match:
            found.append(BuildError(page.source, line_of(body, match.group(0), page.body_line),
                                    f"math '{match.group(0)[:30]}' reached the page as text; turn on a math "
                                    "extension in site.yaml (markdown: enable: [pymdownx.arithmatex])"))
    return found


def _leaked_fence_line(page: Page, leaked: str) -> int | None:
    """Return the line of the fence whose text leaked: the fence line followed by the leaked text's next line."""
    after = [line.strip() for line in leaked.split("\n")[1:] if line.strip()][:1]
    lines = page.body.split("\n")
    marker = leaked[:3]
    for index, line in enumerate(lines):
        if line.strip(" \t>").startswith(marker) and after:
            following = next((later.strip() for later in lines[index + 1:] if later.strip()), "")
            if following.startswith(after[0][:40]):
                return page.body_line + index
    return _unclosed_fence_line(page)


def _unclosed_fence_line(page: Page) -> int | None:
    """Return the line of a fence that never closes, else of the first stray fence marker."""
    lines = page.body.split("\n")
    last_open = None
    for index, _, kind in fence_lines(lines):
        if kind == OPEN:
            last_open = index
        elif kind == CLOSE:
            last_open = None
    if last_open is not None:
        return page.body_line + last_open
    return line_of(page.body, "```", page.body_line) or line_of(page.body, "~~~", page.body_line)


def check_images(page: Page, images: list[dict[str, str | None]], out: Path, base_path: str) -> list[BuildError]:
    """Return a warning for each image without alt text, over 500 KB, or loaded from another host."""
    found = []
    for attrs in images:
        src = attrs.get("src") or ""
        parts = urlsplit(src)
        name = unquote(parts.path.rsplit("/", 1)[-1]) or src
        line = line_of(page.body, f"({src}", page.body_line) or line_of(page.body, name, page.body_line)
        if not (attrs.get("alt") or "").strip():
            found.append(BuildError(page.source, line, f"image '{name}' has no alt text; describe it for readers "
                                                       "who cannot see it: ![what it shows](…)"))
        if parts.scheme or src.startswith("//"):
            found.append(BuildError(page.source, line, f"image '{src}' is loaded from another host; put the file "
                                                       "beside the page so the site makes no third-party requests"))
            continue
        path = unquote(parts.path)
        if not path.startswith(base_path):
            continue
        target = out / path[len(base_path):]
        try:
            size = target.stat().st_size
        except OSError:
            continue
        if size > MAX_IMAGE_BYTES:
            found.append(BuildError(page.source, line, f"image '{name}' is {size // 1024} KB (over 500 KB); "
                                                       "make it smaller so the page loads fast on a phone"))
    return found


def check_markup(site: Site, out: Path) -> list[BuildError]:
    """Return the markup and image warnings of every page built into `out`."""
    math = any(name in site.config.markdown.enable_names for name in MATH_EXTENSIONS)
    found = []
    for page in site.pages:
        try:
            html = (out / page.out_path).read_text(encoding="utf-8")
        except OSError:
            continue
        text, images, unknown = parse_page_html(html)
        found.extend(check_leftover_markup(page, text, math))
        found.extend(check_unknown_elements(page, unknown))
        found.extend(check_images(page, images, out, site.config.base_path))
    return found
