"""The Python-Markdown setup: which extensions, their settings, and one reusable converter."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import markdown
import pygments
import pymdownx
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import slugify_unicode

from ..config import MarkdownOptions
from ..errors import BuildError, BuildFailed, raise_if
from .abbr import use_latin_bounds
from .context import PageContext, Result
from .extension import SiteExtension
from .inline import use_quick_inline
from .lexers import use_lexer_cache
from .smarty import use_quick_smarty

# Always on: the site's own features (heading ids, {#id} attributes, tables) depend on them.
CORE_EXTENSIONS = ("tables", "toc", "attr_list")
# On unless site.yaml's `markdown: disable:` names them: what docs editors write (MkDocs Material, GitHub).
DEFAULT_EXTENSIONS = (
    "footnotes", "def_list", "abbr", "admonition", "md_in_html",
    "pymdownx.superfences", "pymdownx.highlight", "pymdownx.details", "pymdownx.tabbed", "pymdownx.tasklist",
    "pymdownx.tilde", "pymdownx.mark", "smarty",  # smarty: curly quotes, dashes, ellipses
)
EXTENSION_CONFIG: dict[str, dict[str, Any]] = {
    "toc": {"slugify": slugify_unicode, "permalink": False, "toc_depth": "2-3"},
    # Line numbers as spans inside the one <pre>, so a code block scrolls as one box on a phone.
    "pymdownx.highlight": {"use_pygments": True, "linenums_style": "pymdownx-inline", "anchor_linenums": False},
    # A fence header the library does not know (`js{4}` after our rewriting failed) is still a fence,
    # so it never swallows the rest of the page.
    "pymdownx.superfences": {"relaxed_headers": True},
    "pymdownx.tabbed": {"alternate_style": True},  # radio buttons and labels: works without JavaScript
    "footnotes": {"BACKLINK_TEXT": "\u21a9\ufe0e"},  # the text-style arrow, never an emoji
}
# Part of every cache key: change it whenever rendering changes.
MARKDOWN_CONFIG = (f"{markdown.__version__}|pymdownx {pymdownx.__version__}|pygments {pygments.__version__}"
                   f"|{CORE_EXTENSIONS}|{DEFAULT_EXTENSIONS}"
                   "|toc:unicode,2-3|facts:v3,charts,links:v3|fact-heading-ids|heading-links:v2|no-prettify|abbr:latin-bounds|blocks:v5|images:v1|lists:v2")


def markdown_key(options: MarkdownOptions) -> str:
    """Return the part of a cache key that names the Markdown configuration of a site."""
    if not options.enable and not options.disable:
        return MARKDOWN_CONFIG
    return f"{MARKDOWN_CONFIG}|+{options.enable_names}|-{options.disable_names}"


def extension_names(options: MarkdownOptions) -> list[str]:
    """Return the extensions a site converts with, in order; raise BuildFailed on an unknown name."""
    errors = []
    for name, line in options.disable:
        if name not in DEFAULT_EXTENSIONS:
            errors.append(BuildError("site.yaml", line, f"markdown: cannot disable '{name}': not a default extension "
                                                        f"(defaults: {', '.join(DEFAULT_EXTENSIONS)})"))
    for name, line in options.enable:
        if not _importable(name):
            errors.append(BuildError("site.yaml", line, f"markdown: unknown extension '{name}' "
                                                        "(give a Python-Markdown extension's module name)"))
    raise_if(errors)
    disabled = set(options.disable_names)
    names = [*CORE_EXTENSIONS, *(n for n in DEFAULT_EXTENSIONS if n not in disabled)]
    if "pymdownx.superfences" in disabled:
        names.append("fenced_code")  # fences still work, as before this site had superfences
    return names + [n for n in options.enable_names if n not in names]


def _importable(name: str) -> bool:
    """Return whether `name` is an extension module (a short name means one of Python-Markdown's own)."""
    module = name if "." in name else f"markdown.extensions.{name}"
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


class _Markdown(markdown.Markdown):
    """Python-Markdown, loading an extension by the module its name gives, as _importable reads names.

    Given a name, the library first looks for an entry point of that name among every installed package's
    (10-20 ms a process, more in a large environment); for the names a site can give, the module is what it finds.
    """

    def build_extension(self, ext_name: str, configs: Any) -> markdown.extensions.Extension:
        if ":" in ext_name:
            return super().build_extension(ext_name, configs)
        module = importlib.import_module(ext_name if "." in ext_name else f"markdown.extensions.{ext_name}")
        return module.makeExtension(**dict(configs))


class Converter:
    """One reusable Markdown instance (reset between pages), as each worker process keeps one."""

    def __init__(self, options: MarkdownOptions | None = None) -> None:
        names = extension_names(options or MarkdownOptions())
        self.ext = SiteExtension(tuple(names))
        try:
            self.md = _Markdown(extensions=[*names, self.ext], extension_configs=EXTENSION_CONFIG, output_format="html")
        except Exception as exc:  # noqa: BLE001 -- a third-party extension failing to load is the user's input
            line = next((line for name, line in (options or MarkdownOptions()).enable), None)
            error = BuildError("site.yaml", line, f"markdown: an extension failed to load: {exc}")
            raise BuildFailed([error]) from None
        # Prettifying only adds newlines between elements, and costs about 7% of every conversion.
        self.md.treeprocessors.deregister("prettify")
        use_latin_bounds(self.md)
        use_quick_smarty(self.md)
        use_quick_inline(self.md)
        use_lexer_cache()
        self.footnotes = next((e for e in self.md.registeredExtensions if isinstance(e, FootnoteExtension)), None)

    def convert(self, body: str, ctx: PageContext) -> tuple[str, Result]:
        """Return the HTML of a Markdown body and what it referenced."""
        self.md.reset()
        self.ext.begin(ctx)
        if self.footnotes is not None:  # the back-link's tooltip, in the page's language
            self.footnotes.setConfig("BACKLINK_TITLE", ctx.word("md_footnote_back").replace("{number}", "{}"))
        try:
            html = self.md.convert(body)
        except RecursionError:  # Python-Markdown parses nested blocks recursively: hostile nesting must not crash
            raise BuildFailed([BuildError(f"content/{ctx.lang}/{ctx.rel}", None, "Markdown nested too deeply "
                                          "(lists, quotes or notes inside each other); flatten it")]) from None
        result = self.ext.result
        result.toc = getattr(self.md, "toc_tokens", [])
        return html, result
