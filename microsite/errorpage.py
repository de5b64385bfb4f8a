"""The page the preview shows while the last build failed, and the shell of the preview's own pages.

These pages are the generator's, not the site's: they must work when the site's templates or UI strings are
what is broken, so their few words live here, in the languages the generator speaks. The language is the one
of the page asked for (its first path segment), so a Chinese editor previewing /zh/… reads Chinese.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Iterable

from .errors import BuildError

if TYPE_CHECKING:
    from .model import Site

TEXTS = {
    "en": {
        "title": "Build failed",
        "count": "{n} problem",
        "counts": "{n} problems",
        "kept": "Your last change could not be built, so the site was not updated. Until it builds again, "
                "the preview shows this page in place of the last good version.",
        "none": "The site could not be built, so there is nothing to preview yet.",
        "fix": "Fix what is listed below and save: this page reloads by itself.",
    },
    "zh": {
        "title": "生成失败",
        "count": "共 {n} 个问题",
        "counts": "共 {n} 个问题",
        "kept": "最近一次修改未能生成，网站没有更新。在重新生成成功之前，预览会显示本页，而不是上一次成功生成的版本。",
        "none": "网站未能生成，暂时没有可以预览的页面。",
        "fix": "请按下面列出的文件和行号修正问题并保存，本页会自动刷新。",
    },
}
DEFAULT = "en"

STYLE = """
:root { color-scheme: light dark; --bg: #fff; --fg: #1a1a1f; --muted: #4b4c53; --accent: #9b1519; --box: #f6f5f2;
  --line: #dedcd8; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121316; --fg: #ecebe8; --muted: #b9b7b2; --accent: #ff9b93; --box: #1c1d21; --line: #3a3b40; }
}
body { margin: 0; padding: 2rem max(1rem, (100% - 60rem) / 2); background: var(--bg); color: var(--fg);
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei",
  "Noto Sans CJK SC", sans-serif; border-top: 4px solid var(--accent); }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 0.75rem; color: var(--accent); }
p { margin: 0.5rem 0; max-width: 44rem; }
.count { color: var(--muted); font-weight: 600; }
ul { list-style: none; padding: 0; margin: 1rem 0; }
li { margin: 0.5rem 0; padding: 0.6rem 0.9rem; background: var(--box); border: 1px solid var(--line);
  border-left: 4px solid var(--accent); border-radius: 0 6px 6px 0; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace;
  font-size: 0.9375rem; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: var(--accent); }
""".strip()


def page_language(request_path: str, base_path: str = "/", site: "Site | None" = None) -> tuple[str, str]:
    """Return (text language, html lang) for a request: its first path segment under the base path, else English."""
    rest = request_path[len(base_path):] if request_path.startswith(base_path) else request_path.lstrip("/")
    segment = rest.split("/", 1)[0]
    tags = {lang.code: lang.html_lang for lang in site.config.languages} if site is not None else {}
    tag = tags.get(segment, segment)
    primary = tag.split("-", 1)[0].lower()
    return (primary, tag) if primary in TEXTS and segment else (DEFAULT, DEFAULT)


def preview_page(lang: str, title: str, body: str, style: str = "") -> bytes:
    """Return a complete page of the preview's own (error page, translation diff); `body` is trusted HTML."""
    return (f"<!DOCTYPE html>\n<html lang=\"{html.escape(lang)}\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"color-scheme\" content=\"light dark\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n{STYLE}\n{style}\n</style>\n</head>\n<body>\n"
            f"<main>\n{body}\n</main>\n</body>\n</html>\n").encode("utf-8")


def error_page(errors: Iterable[BuildError], request_path: str = "/", base_path: str = "/",
               site: "Site | None" = None) -> bytes:
    """Return the page the browser shows while the last build failed; `site` is the last good build, if any."""
    errors = list(errors)
    code, tag = page_language(request_path, base_path, site)
    texts = TEXTS[code]
    count = texts["count" if len(errors) == 1 else "counts"].format(n=len(errors))
    items = "\n".join(f"<li><code>{html.escape(str(e))}</code></li>" for e in errors)
    body = (f"<h1>{texts['title']}</h1>\n<p>{texts['kept' if site is not None else 'none']}</p>\n"
            f"<p>{texts['fix']}</p>\n<p class=\"count\">{count}</p>\n<ul class=\"build-errors\">\n{items}\n</ul>")
    return preview_page(tag, texts["title"], body)
