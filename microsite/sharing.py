"""What a page tells link previews and search engines: Open Graph, Twitter card and JSON-LD, in its language.

`head_meta()` turns a page's template context into the values templates/partials/meta.html writes. Everything
here is derived from the page, the site settings, the UI strings and the fact sheet, so a cached page is
byte-identical to a fresh one. Share images are named per language in the strings file (`share_image`);
`check_share_images()` makes sure each is a PNG of the size every platform asks for.
"""

from __future__ import annotations

import datetime
import functools
import json
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.core import Locale, get_global
from markupsafe import Markup

from .config import Language
from .errors import BuildError
from .i18n import STRINGS_DIR, parse_as_of
from .model import Page, Site, page_url_path
from .sources import Source

if TYPE_CHECKING:
    from .render import Renderer

SHARE_IMAGE_SIZE = (1200, 630)  # what Open Graph and Twitter's large card recommend
SCHEMA = "https://schema.org"
DATA_FILES = (("data/facts.json", "application/json"), ("data/facts.csv", "text/csv"))
FEED = "feed.xml"  # each language's Atom feed, e.g. zh/feed.xml
SEARCH_SLUG = "search"  # each language's search page (see outputs/searchpage.py)


def last_updated(site: Site, page: Page) -> datetime.date | None:
    """Return when a page last changed, for dateModified and feeds: its last commit's date (or front-matter date),
    else the data's date.

    Never the build time, so two builds of the same input are identical.
    """
    return site.updated(page) or data_date(site)


def data_date(site: Site) -> datetime.date | None:
    """Return the first day of the latest period any fact describes (None without facts)."""
    periods = [f.as_of for f in site.facts.facts.values() if f.as_of]
    return max((parse_as_of(p)[0] for p in periods), default=None)


def og_locale(language: Language) -> str:
    """Return a language as Open Graph writes locales: en_US, zh_CN (the likely territory when none is set)."""
    return _og_locale(language.locale)


@functools.lru_cache(maxsize=64)  # asked on every page; Babel parses the locale each time
def _og_locale(name: str) -> str:
    locale = Locale.parse(name)
    territory = locale.territory
    if territory is None:
        likely = get_global("likely_subtags").get(locale.language)
        territory = Locale.parse(likely).territory if likely else None
    return f"{locale.language}_{territory}" if territory else locale.language


def share_image(site: Site, lang: str) -> dict[str, str] | None:
    """Return the share image of a language (URL, alt text), or None when the strings name none."""
    strings = site.strings[lang]
    path = strings.get("share_image", "").strip().lstrip("/")
    if not path:
        return None
    return {"url": site.config.absolute_url(path), "alt": strings.get("share_image_alt", "")}


def png_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) of PNG bytes, or None when they are not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def check_share_images(site: Site) -> list[BuildError]:
    """Return an error for each language whose share image is missing, not a PNG or not 1200×630."""
    errors = []
    width, height = SHARE_IMAGE_SIZE
    for lang in site.config.codes:
        path = site.strings[lang].get("share_image", "").strip().lstrip("/")
        if not path:
            continue
        where = f"{STRINGS_DIR}/{lang}.yaml"
        file = site.config.root / path
        if not path.startswith("static/") or not file.is_file():
            errors.append(BuildError(where, _line(site.config.root / where, "share_image"),
                                     f"share_image '{path}' is not a file in static/"))
            continue
        with open(file, "rb") as handle:
            size = png_size(handle.read(24))
        if size != SHARE_IMAGE_SIZE:
            got = f"{size[0]}×{size[1]}" if size else "not a PNG"
            errors.append(BuildError(where, _line(site.config.root / where, "share_image"),
                                     f"share_image '{path}' must be a {width}×{height} PNG ({got})"))
    return errors


def _line(path: Path, key: str) -> int | None:
    """Return the line of a top-level key in a YAML file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return None


def json_ld(data: dict[str, Any]) -> Markup:
    """Return JSON for a <script type="application/ld+json">: sorted keys, Chinese as is, no '</' to end it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def head_meta(renderer: "Renderer", context: dict[str, Any]) -> dict[str, Any]:
    """Return what templates/partials/meta.html writes for one page: Open Graph, Twitter card, JSON-LD, feed."""
    site, config = renderer.site, renderer.config
    language: Language = context["lang"]
    info: dict[str, Any] = context["page"]
    lang = language.code
    is_root = info["template"] == "root.html"
    titles = [config.title[code] for code in config.codes]
    title = " · ".join(titles) if is_root else info.get("title") or config.title[lang]
    description = config.description[lang] if is_root else info.get("description") or config.description[lang]
    page = None if info.get("untranslated") or is_root else site.page(lang, info.get("slug", ""))
    home = page is not None and page.slug == ""
    translated = {alt["hreflang"] for alt in context["alternates"] if alt["hreflang"] != "x-default"}
    others = [l for l in config.languages if l.code != lang and (is_root or l.html_lang in translated)]
    og = [("og:type", "website" if is_root or home or page is None else "article"), ("og:title", title),
          ("og:description", description), ("og:site_name", config.title[lang])]
    if context["canonical"]:
        og.append(("og:url", context["canonical"]))
    og.append(("og:locale", og_locale(language)))
    og += [("og:locale:alternate", og_locale(other)) for other in others]
    updated = last_updated(site, page) if page is not None else None
    if page is not None and not home and updated:
        og.append(("article:modified_time", updated.isoformat()))
    image = share_image(site, lang)
    twitter = [("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", title),
               ("twitter:description", description)]
    if image:
        og += [("og:image", image["url"]), ("og:image:type", "image/png"),
               ("og:image:width", str(SHARE_IMAGE_SIZE[0])), ("og:image:height", str(SHARE_IMAGE_SIZE[1]))]
        og += [("og:image:alt", image["alt"])] if image["alt"] else []
        twitter += [("twitter:image", image["url"])] + ([("twitter:image:alt", image["alt"])] if image["alt"] else [])
    blocks = [] if page is None or info.get("noindex") else structured_data(renderer, page, title, description)
    return {"og": og, "twitter": twitter, "json_ld": [json_ld(block) for block in blocks],
            "feed": config.url(f"{lang}/{FEED}")}


def structured_data(renderer: "Renderer", page: Page, title: str, description: str) -> list[dict[str, Any]]:
    """Return a real page's JSON-LD: WebSite on a home page, else Article or WebPage; a Dataset on the facts page."""
    site, config = renderer.site, renderer.config
    language = config.language(page.lang)
    url = config.absolute_url(page.url_path)
    home = config.absolute_url(page_url_path(page.lang, ""))
    publisher = {"@type": "Organization", "name": config.title[page.lang], "url": home}
    image = share_image(site, page.lang)
    data: dict[str, Any] = {"@context": SCHEMA, "@id": url, "url": url, "name": title, "description": description,
                            "inLanguage": language.html_lang, "publisher": publisher}
    data.update(translation_links(renderer, page))
    if image:
        data["image"] = image["url"]
    if page.slug == "":
        search = config.absolute_url(page_url_path(page.lang, SEARCH_SLUG))
        data.update({"@type": "WebSite", "@id": home + "#website", "potentialAction": {
            "@type": "SearchAction", "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={query}"},
            "query-input": "required name=query"}})
        return [data]
    updated = last_updated(site, page)
    kind = "CollectionPage" if page.is_folder_page else "WebPage" if page.slug == config.facts_page else "Article"
    data.update({"@type": kind, "isPartOf": {"@id": home + "#website"}})
    if kind == "Article":
        data.update({"headline": title[:110], "author": publisher})
    if updated:
        data["dateModified"] = updated.isoformat()
    if page.date:
        data["datePublished"] = page.date.isoformat()
    blocks = [data]
    if page.slug == config.facts_page and site.facts.facts:
        blocks.append(dataset(site, page, url, title, publisher))
    return blocks


def translation_links(renderer: "Renderer", page: Page) -> dict[str, Any]:
    """Return schema.org's link from a translation to its original, or from an original to its translations."""
    config = renderer.config
    source = renderer.statuses[page.slug, page.lang].source

    def ref(other: Page) -> dict[str, str]:
        return {"@id": config.absolute_url(other.url_path), "inLanguage": config.language(other.lang).html_lang}

    if source is not page:
        return {"translationOfWork": ref(source)}
    translations = [other for code in config.codes if code != page.lang
                    for other in [renderer.site.page(code, page.slug)] if other is not None]
    return {"workTranslation": [ref(other) for other in translations]} if translations else {}


def dataset(site: Site, page: Page, url: str, title: str, creator: dict[str, str]) -> dict[str, Any]:
    """Return the schema.org Dataset of the fact sheet, as the facts page in `page`'s language describes it."""
    config, lang = site.config, page.lang
    strings = site.strings[lang]
    facts = list(site.facts.facts.values())
    sources = [site.facts.sources[key] for key in dict.fromkeys(f.source for f in facts)]
    data: dict[str, Any] = {
        "@context": SCHEMA, "@type": "Dataset", "@id": url + "#dataset", "url": url,
        "name": f"{title} · {config.title[lang]}",
        "description": strings.get("dataset_description") or page.description or config.description[lang],
        "inLanguage": config.language(lang).html_lang, "isAccessibleForFree": True, "creator": creator,
        "variableMeasured": [f.label[lang] for f in facts],
        "distribution": [{"@type": "DataDownload", "encodingFormat": kind, "contentUrl": config.absolute_url(path)}
                         for path, kind in DATA_FILES],
        "isBasedOn": [based_on(s, lang) for s in sources if not s.is_computed],
    }
    coverage = temporal_coverage([f.as_of for f in facts if f.as_of])
    if coverage:
        data["temporalCoverage"] = coverage
    return data


def based_on(source: Source, lang: str) -> dict[str, Any]:
    """Return a reported source as a schema.org CreativeWork: its title, and its publisher and author where known."""
    work: dict[str, Any] = {"@type": "CreativeWork", "name": source.title[lang]}
    if source.publisher.get(lang):
        work["publisher"] = {"@type": "Organization", "name": source.publisher[lang]}
    if source.author.get(lang):
        work["author"] = {"@type": "Person", "name": source.author[lang]}
    if source.url:
        work["url"] = source.url
    return work


def temporal_coverage(periods: list[str]) -> str:
    """Return the ISO 8601 span of periods like '2022' and '2022-10': the earliest start to the latest end."""
    if not periods:
        return ""
    spans = [(parse_as_of(p)[0], _period_end(p), p) for p in periods]
    first = min(spans, key=lambda span: (span[0], -len(span[2])))[2]
    last = max(spans, key=lambda span: (span[1], -len(span[2])))[2]
    return first if first == last else f"{first}/{last}"


def _period_end(period: str) -> datetime.date:
    """Return the last day of a period written '2022', '2022-10' or '2022-10-31'."""
    parts = [int(p) for p in period.split("-")]
    if len(parts) == 3:
        return datetime.date(*parts)
    if len(parts) == 1:
        return datetime.date(parts[0], 12, 31)
    year, month = parts
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
