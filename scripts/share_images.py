"""Draw the share images (static/share-<lang>.png, 1200×630) that link previews show, one per language.

Run: .venv/bin/python scripts/share_images.py   (needs Debian's chromium, the playwright package and
fonts-noto-cjk). The text is the site's title from site.yaml and `share_tagline` from each strings file,
set in Noto Sans CJK, the font the stylesheet names for Chinese; the artwork is text-free. Commit the PNGs:
the build only checks that each strings file names one and that it is a 1200×630 PNG.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--font-render-hinting=none"]
WIDTH, HEIGHT = 1200, 630
FONT = "Noto Sans CJK SC"
FONT_LANG = {"zh": "zh-CN"}  # which of the font's regional glyph sets to use; Latin text is the same in all

# Rising bars with a trend line over them: the site is about figures; no text, so nothing to translate.
ART = """
<svg class="art" viewBox="0 0 420 420" aria-hidden="true">
  <g fill="#fff">
    <rect x="20" y="250" width="56" height="150" rx="10" opacity=".16"/>
    <rect x="100" y="190" width="56" height="210" rx="10" opacity=".22"/>
    <rect x="180" y="205" width="56" height="195" rx="10" opacity=".28"/>
    <rect x="260" y="120" width="56" height="280" rx="10" opacity=".36"/>
    <rect x="340" y="40" width="56" height="360" rx="10" opacity=".48"/>
  </g>
  <polyline points="48,210 128,150 208,168 288,82 368,16" fill="none" stroke="#fff" stroke-width="6"
            stroke-linecap="round" stroke-linejoin="round"/>
  <g fill="#9b1519" stroke="#fff" stroke-width="6">
    <circle cx="48" cy="210" r="11"/><circle cx="128" cy="150" r="11"/><circle cx="208" cy="168" r="11"/>
    <circle cx="288" cy="82" r="11"/><circle cx="368" cy="16" r="11"/>
  </g>
</svg>"""

PAGE = """<!DOCTYPE html>
<html lang="{html_lang}"><head><meta charset="utf-8"><style>
  html, body {{ margin: 0; width: {width}px; height: {height}px; overflow: hidden; }}
  body {{ font-family: "{font}"; color: #fff; position: relative;
         background: #9b1519; }}
  .text {{ position: absolute; left: 80px; top: 92px; width: 640px; }}
  h1, p {{ word-break: keep-all; text-wrap: balance; }}  /* Chinese lines break at punctuation, not mid-word */
  h1 {{ margin: 0; font-size: {title_size}px; line-height: 1.15; font-weight: 700; letter-spacing: -0.01em; }}
  p {{ margin: 34px 0 0; font-size: 34px; line-height: 1.45; font-weight: 400; color: #fbe9e8; }}
  .rule {{ position: absolute; left: 80px; bottom: 86px; width: 120px; height: 6px; border-radius: 3px;
           background: #fff; opacity: .85; }}
  .art {{ position: absolute; right: 70px; bottom: 70px; width: 380px; height: 380px; overflow: visible; }}
</style></head>
<body><div class="text"><h1>{title}</h1><p>{tagline}</p></div><div class="rule"></div>{art}</body></html>
"""


def page_html(title: str, tagline: str, html_lang: str) -> str:
    """Return the HTML of one share image."""
    size = 72 if len(title) <= 30 else 60
    return PAGE.format(html_lang=html_lang, width=WIDTH, height=HEIGHT, font=FONT, title_size=size,
                       title=html.escape(title), tagline=html.escape(tagline), art=ART)


def require_font() -> None:
    """Exit unless fontconfig resolves the font family itself (not a fallback)."""
    found = subprocess.run(["fc-match", "-f", "%{family}", FONT], capture_output=True, text=True).stdout
    if FONT not in found:
        sys.exit(f"{FONT} is not installed (apt-get install fonts-noto-cjk); fontconfig offers {found!r}")


def main() -> int:
    """Render static/share-<lang>.png for every language in site.yaml."""
    from playwright.sync_api import sync_playwright
    require_font()
    config = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        page.route("**/*", lambda route: route.abort())  # nothing leaves the page: no fonts or images fetched
        for language in config["languages"]:
            code = language["code"]
            strings = yaml.safe_load((ROOT / f"content/strings/{code}.yaml").read_text(encoding="utf-8"))
            page.set_content(page_html(config["title"][code], strings["share_tagline"],
                                       FONT_LANG.get(code, language["html_lang"])))
            page.evaluate("document.fonts.ready")
            used = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
            assert FONT in used, used
            dest = ROOT / "static" / f"share-{code}.png"
            page.screenshot(path=str(dest), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
            print(f"wrote {dest.relative_to(ROOT)} ({dest.stat().st_size:,} bytes)")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
