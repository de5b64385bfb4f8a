"""Markdown -> HTML for one page: Python-Markdown with our extensions (facts, charts, links, heading ids).

One module per extension; converter.py chooses the extensions and holds the reusable Markdown instance.
"""

from .chartblock import CHART_RE
from .context import FactView, PageContext, Result
from .converter import MARKDOWN_CONFIG, Converter, markdown_key
from .facts import FACT_RE
from .links import resolve_link
from .text import blank_code

__all__ = ["CHART_RE", "FACT_RE", "MARKDOWN_CONFIG", "Converter", "FactView", "PageContext", "Result",
           "blank_code", "markdown_key", "resolve_link"]
