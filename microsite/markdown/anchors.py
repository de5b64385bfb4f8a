"""A link on every heading, for readers to copy: shown on hover and focus, named for screen readers.

Each heading with an id is wrapped with its link, `<div class="heading"><h2 id="x">Title</h2>
<a class="heading-link" href="#x"><span class="visually-hidden">Link to the section “Title”</span>
<span aria-hidden="true">#</span></a></div>`: the link sits beside the heading, not inside it, so the
heading's own name stays its text, and the link's name says where it goes, in the page's language.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

import markdown
from markdown.extensions.toc import render_inner_html, strip_tags, unescape
from markdown.treeprocessors import Treeprocessor

if TYPE_CHECKING:
    from .extension import SiteExtension

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class HeadingLinks(Treeprocessor):
    """Wrap each heading that has an id with a link to it (runs after toc has given headings their ids)."""

    def __init__(self, md: markdown.Markdown, ext: "SiteExtension") -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        name = self.ext.ctx.heading_link
        if not name:
            return
        parents = {child: parent for parent in root.iter() for child in parent}
        for heading in [el for el in root.iter() if el.tag in HEADINGS and el.get("id")]:
            parent = parents[heading]
            wrapper = etree.Element("div", {"class": f"heading heading-{heading.tag[1]}"})
            parent.insert(list(parent).index(heading), wrapper)
            parent.remove(heading)
            wrapper.append(heading)
            wrapper.tail, heading.tail = heading.tail, None
            text = unescape(strip_tags(render_inner_html(heading, self.md))).strip()
            link = etree.SubElement(wrapper, "a", {"class": "heading-link", "href": "#" + heading.get("id", ""),
                                                   "data-pagefind-ignore": ""})  # not part of the text
            etree.SubElement(link, "span", {"class": "visually-hidden"}).text = name.format(heading=text)
            etree.SubElement(link, "span", {"aria-hidden": "true"}).text = "#"
