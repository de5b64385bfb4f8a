"""The finishing touches on the library blocks: UI words in the page's language, accessible names, scrolling.

Notes and details get their default title from the strings files ("Note" / "备注"); task-list checkboxes
are named ("Done" / "已完成"); the footnotes are a labelled section; a table sits in a box that scrolls
sideways on a phone, so the page itself never gets wider than the screen.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

import markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from .containers import NOTE_TYPES

if TYPE_CHECKING:
    from .extension import SiteExtension

_CHECKBOX_RE = re.compile(r"<input type=\"checkbox\"( disabled)?( checked)?/>")
_CODE_PRE_RE = re.compile(r'(<div class="highlight">(?:<span class="filename">[^<]*</span>)?)<pre>')


class Blocks(Treeprocessor):
    """Localise and label notes, details, task lists and footnotes; wrap tables in a scrolling box."""

    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        ctx = self.ext.ctx
        parents = {child: parent for parent in root.iter() for child in parent}
        tables = 0  # each scrolling box is a landmark, so each gets its own name: "Table 2 (scrolls sideways)"
        for el in list(root.iter()):
            classes = (el.get("class") or "").split()
            if el.tag == "div" and "admonition" in classes:
                kind = next((NOTE_TYPES[c] for c in classes[1:] if c in NOTE_TYPES), "note")
                el.set("role", "note")
                title = el.find("p")
                if title is not None and title.get("class") == "admonition-title":
                    self._localise(title, classes[1:], kind)
            elif el.tag == "details":
                summary = el.find("summary")
                kind = next((NOTE_TYPES[c] for c in classes if c in NOTE_TYPES), "details")
                if summary is not None:
                    self._localise(summary, classes, kind)
            elif el.tag == "li" and "task-list-item" in classes:
                self._name_checkbox(el)
            elif el.tag == "div" and classes == ["footnote"]:
                el.tag = "section"
                el.set("aria-label", ctx.word("md_footnotes"))
            elif el.tag == "table" and el in parents and parents[el].get("class") != "table-wrap":
                tables += 1
                self._wrap(el, parents[el], tables)

    def _localise(self, title: etree.Element, classes: list[str], kind: str) -> None:
        """Replace a title the library made from the type ('Note') with the word in the page's language."""
        if len(title) == 0 and classes and (title.text or "") == classes[0].capitalize():
            title.text = self.ext.ctx.word(f"md_{kind}")

    def _name_checkbox(self, item: etree.Element) -> None:
        """Give a task's checkbox an accessible name: its state, in the page's language."""
        holder = item[0] if len(item) and item[0].tag == "p" and not item.text else item
        match = HTML_PLACEHOLDER_RE.match(holder.text or "")
        if not match:
            return
        stash = self.md.htmlStash.rawHtmlBlocks
        index = int(match.group(1))
        raw = stash[index] if isinstance(stash[index], str) else ""
        checked = " checked" in raw
        word = html.escape(self.ext.ctx.word("md_task_done" if checked else "md_task_open"))
        stash[index] = _CHECKBOX_RE.sub(lambda m: f'<input type="checkbox"{m[1] or ""}{m[2] or ""} '
                                                  f'aria-label="{word}"> ', raw).rstrip() + " "

    def _wrap(self, table: etree.Element, parent: etree.Element, number: int) -> None:
        """Put a table in a focusable box that scrolls sideways when the table is wider than the screen."""
        word = self.ext.ctx.word("md_scroll_table")  # a site's own wording may lack {number}: the names stay unique
        label = word.replace("{number}", str(number)) if "{number}" in word else f"{word} {number}"
        box = etree.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0", "aria-label": label})
        index = list(parent).index(table)
        parent.remove(table)
        box.append(table)
        box.tail, table.tail = table.tail, None
        parent.insert(index, box)


class FocusableCode(Postprocessor):
    """Make each highlighted block's <pre> focusable (a keyboard can scroll a long line into view), and give
    it the words of the Copy button that static/site.js adds where JavaScript runs."""

    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        if '<div class="highlight">' not in text:
            return text
        copy, copied = (html.escape(self.ext.ctx.word(key)) for key in ("md_copy", "md_copied"))
        return _CODE_PRE_RE.sub(lambda m: f'{m[1]}<pre tabindex="0" data-copy="{copy}" data-copied="{copied}">', text)
