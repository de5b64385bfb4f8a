"""The Python-Markdown setup: which extensions, their settings, and one reusable converter."""

from __future__ import annotations

import markdown
from markdown.extensions.toc import slugify_unicode

from .context import PageContext, Result
from .extension import SiteExtension

EXTENSIONS = ("tables", "fenced_code", "toc", "attr_list")
EXTENSION_CONFIG = {"toc": {"slugify": slugify_unicode, "permalink": False, "toc_depth": "2-3"}}
# Part of every cache key: change it whenever rendering changes.
MARKDOWN_CONFIG = f"{markdown.__version__}|{EXTENSIONS}|toc:unicode,2-3|facts,charts,links:v3|fact-heading-ids|heading-links|no-prettify"


class Converter:
    """One reusable Markdown instance (reset between pages), as each worker process keeps one."""

    def __init__(self) -> None:
        self.ext = SiteExtension()
        self.md = markdown.Markdown(extensions=[*EXTENSIONS, self.ext], extension_configs=EXTENSION_CONFIG,
                                    output_format="html")
        # Prettifying only adds newlines between elements, and costs about 7% of every conversion.
        self.md.treeprocessors.deregister("prettify")

    def convert(self, body: str, ctx: PageContext) -> tuple[str, Result]:
        """Return the HTML of a Markdown body and what it referenced."""
        self.md.reset()
        self.ext.begin(ctx)
        html = self.md.convert(body)
        result = self.ext.result
        result.toc = getattr(self.md, "toc_tokens", [])
        return html, result
