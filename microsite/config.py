"""site.yaml -> SiteConfig: languages, titles, base_url; the one place URLs are made."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import BuildError, BuildFailed, raise_if
from .safeio import read_text
from .searchshards import SHARD_PAGES
from .yamlio import LineMap, line_of, parse_yaml

CONFIG_FILE = "site.yaml"
_LANG_KEYS = {"code", "html_lang", "name", "locale", "compact_numbers"}
_TOP_KEYS = {"base_url", "default_language", "languages", "title", "description", "facts_page", "cname",
             "lint", "markdown", "edit_url", "links", "extra_front_matter", "search_shard_pages"}
LINK_MODES = ("error", "warn")  # what a broken link is: a build error, or a warning while an imported tree is fixed
_CODE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)*$")
# Values that end up in attributes and URLs are checked against safe patterns when they are loaded.
_HTML_LANG_RE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")  # a BCP 47 tag: en, zh-CN, zh-Hans-CN
_CNAME_RE = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_PAGE_UNSAFE_RE = re.compile(r"[\s\"'<>\\`{}|^#?%]|[\x00-\x1f\x7f]")
_URL_UNSAFE_RE = re.compile(r"[\s\"'<>\\`{}|^]|[^\x21-\x7e]")


@dataclass(frozen=True)
class Language:
    """One language of the site."""

    code: str  # folder under content/ and site/, e.g. "zh"
    html_lang: str  # BCP 47 tag for lang, hreflang and the sitemap, e.g. "zh-CN"
    name: str  # the language's name in its own script, e.g. "中文"
    locale: str  # Babel locale for numbers and dates, e.g. "zh_Hans_CN"
    compact_numbers: bool = False  # write 40,000 as 4万 where the locale has such a form


@dataclass(frozen=True)
class MarkdownOptions:
    """site.yaml's `markdown:` setting: Markdown extensions turned on or off, each with its line."""

    enable: tuple[tuple[str, int], ...] = ()
    disable: tuple[tuple[str, int], ...] = ()

    @property
    def enable_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.enable)

    @property
    def disable_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.disable)


@dataclass(frozen=True)
class SiteConfig:
    """The site configuration, read once and passed everywhere."""

    root: Path
    base_url: str  # absolute, ends with "/"
    languages: tuple[Language, ...]
    default_lang: str
    title: dict[str, str] = field(hash=False)
    description: dict[str, str] = field(hash=False)
    facts_page: str | None = None  # page path (no .md) listing every fact as #fact-<key>
    cname: str | None = None
    lint: Any = field(default=None, hash=False, compare=False)  # check's settings, read by lint/settings.py
    markdown: MarkdownOptions = MarkdownOptions()
    edit_url: str | None = None  # "edit this page" links: this URL + the page's path, e.g. content/en/about.md
    links: str = "error"  # one of LINK_MODES
    extra_front_matter: tuple[str, ...] = ()  # front-matter keys templates may use, as page.extra
    search_shard_pages: int = SHARD_PAGES  # a language with more pages has its search index split (searchshards.py)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def base_path(self) -> str:
        """Return the path part of base_url, e.g. '/beijing-ai/' on a project site."""
        return urlsplit(self.base_url).path

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)

    def language(self, code: str) -> Language:
        """Return the language with folder code `code`."""
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)

    def url(self, url_path: str) -> str:
        """Return the site-absolute URL of a path under the site root ('en/plan/' -> '/repo/en/plan/')."""
        return self.base_path + url_path.lstrip("/")

    def absolute_url(self, url_path: str) -> str:
        """Return the full URL of a path under the site root, for canonical links and the sitemap."""
        return self.base_url + url_path.lstrip("/")


def normalize_base_url(value: str) -> str | None:
    """Return base_url ending with '/', or None when it is not an absolute http(s) URL."""
    if _URL_UNSAFE_RE.search(value):
        return None  # spaces, quotes, <> and non-ASCII must be percent-encoded
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    return value if value.endswith("/") else value + "/"


def parse_config(text: str, path: str, root: Path, base_url: str | None = None) -> SiteConfig:
    """Parse site.yaml text; raise BuildFailed listing every problem."""
    data, errors = parse_yaml(text, path)
    raise_if(errors)
    if not isinstance(data, LineMap):
        raise BuildFailed([BuildError(path, 1, "expected a mapping of settings")])
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(BuildError(path, data.line_of(key), f"unknown setting '{key}'"))
    for key in ("base_url", "default_language", "languages", "title", "description"):
        if key not in data:
            errors.append(BuildError(path, 1, f"missing setting '{key}'"))
    raise_if(errors)

    languages = _parse_languages(data["languages"], path, line_of(data, "languages"), errors)
    codes = [lang.code for lang in languages]
    default = data["default_language"]
    if default not in codes:
        errors.append(BuildError(path, data.line_of("default_language"),
                                 f"default_language '{default}' is not one of the languages"))
    title = _per_language(data, "title", codes, path, errors)
    description = _per_language(data, "description", codes, path, errors)
    markdown = _parse_markdown(data.get("markdown"), path, line_of(data, "markdown"), errors)
    facts_page, cname = data.get("facts_page"), data.get("cname")
    if facts_page is not None and not _is_page_path(facts_page):
        errors.append(BuildError(path, data.line_of("facts_page"),
                                 "facts_page must name a page, e.g. key-figures for content/<lang>/key-figures.md"))
    if cname is not None and not (isinstance(cname, str) and _CNAME_RE.match(cname.strip())):
        errors.append(BuildError(path, data.line_of("cname"), "cname must be a domain name, e.g. microsite.example.org"))
    url = normalize_base_url(str(base_url or data["base_url"]))
    if url is None:
        message = "base_url must be an absolute http(s) URL ending in a path, e.g. https://user.github.io/repo/"
        errors.append(BuildError("--base-url", None, message) if base_url
                      else BuildError(path, data.line_of("base_url"), message))
    editing = _parse_editing(data, path, errors)
    shard_pages = data.get("search_shard_pages", SHARD_PAGES)
    if type(shard_pages) is not int or shard_pages < 1:
        message = f"search_shard_pages must be a whole number of pages, at least 1, got {shard_pages!r}"
        errors.append(BuildError(path, data.line_of("search_shard_pages"), message))
    raise_if(errors)
    return SiteConfig(
        root=root,
        base_url=url or "",
        languages=tuple(languages),
        default_lang=default,
        title=title,
        description=description,
        facts_page=facts_page,
        cname=cname.strip() if cname else None,
        lint=data.get("lint"),
        markdown=markdown,
        search_shard_pages=shard_pages,
        **editing,
    )


def _parse_editing(data: LineMap, path: str, errors: list[BuildError]) -> dict[str, Any]:
    """Return the settings for editing and importing docs: edit_url, links, extra_front_matter."""
    from .content import FRONT_MATTER_KEYS
    values: dict[str, Any] = {}
    edit_url = data.get("edit_url")
    if edit_url is not None:
        if not isinstance(edit_url, str) or normalize_base_url(edit_url) != edit_url:
            errors.append(BuildError(path, data.line_of("edit_url"), "edit_url must be an http(s) URL ending in '/', "
                                     "e.g. https://github.com/OWNER/REPO/edit/main/"))
        values["edit_url"] = edit_url
    links = data.get("links", "error")
    if links not in LINK_MODES:
        errors.append(BuildError(path, data.line_of("links"),
                                 f"links must be one of {', '.join(LINK_MODES)}, got {links!r}"))
    values["links"] = links
    keys = data.get("extra_front_matter", [])
    if not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys):
        errors.append(BuildError(path, data.line_of("extra_front_matter"), "extra_front_matter must be a list of key names"))
        keys = []
    for key in keys:
        if key in FRONT_MATTER_KEYS:
            errors.append(BuildError(path, data.line_of("extra_front_matter"),
                                     f"extra_front_matter: '{key}' is already a front-matter key"))
    values["extra_front_matter"] = tuple(keys)
    return values


def _is_page_path(value: Any) -> bool:
    """Return whether `value` names a page by its path without .md: 'key-figures', 'plan/talent'."""
    return (isinstance(value, str) and not _PAGE_UNSAFE_RE.search(value) and not value.endswith(".md")
            and not any(part in ("", ".", "..") for part in value.split("/")))


def _parse_languages(value: Any, path: str, line: int, errors: list[BuildError]) -> list[Language]:
    if not isinstance(value, list) or not value:
        errors.append(BuildError(path, line, "languages must be a non-empty list"))
        return []
    languages = []
    for item in value:
        item_line = line_of(item, "code", line)
        if not isinstance(item, LineMap):
            errors.append(BuildError(path, line, "each language must be a mapping"))
            continue
        unknown = [k for k in item if k not in _LANG_KEYS]
        missing = [k for k in ("code", "html_lang", "name", "locale") if k not in item]
        for key in unknown:
            errors.append(BuildError(path, item.line_of(key), f"unknown language setting '{key}'"))
        for key in missing:
            errors.append(BuildError(path, item.line, f"language: missing '{key}'"))
        if unknown or missing:
            continue
        code = str(item["code"])
        if not _CODE_RE.match(code):
            errors.append(BuildError(path, item_line, f"language code '{code}' must be lower-case letters"))
        if code in [lang.code for lang in languages]:
            errors.append(BuildError(path, item_line, f"language '{code}' is listed twice"))
        errors.extend(_check_language(item, code, path))
        languages.append(Language(code, str(item["html_lang"]), str(item["name"]), str(item["locale"]),
                                  bool(item.get("compact_numbers", False))))
    return languages


def _parse_markdown(value: Any, path: str, line: int, errors: list[BuildError]) -> MarkdownOptions:
    """Return the `markdown: {enable: [...], disable: [...]}` setting (names are checked by the converter)."""
    if value is None:
        return MarkdownOptions()
    if not isinstance(value, LineMap) or set(value) - {"enable", "disable"}:
        errors.append(BuildError(path, line, "markdown: expected 'enable:' and/or 'disable:', each a list of "
                                             "extension names"))
        return MarkdownOptions()
    lists = {}
    for key in ("enable", "disable"):
        names = value.get(key, [])
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            errors.append(BuildError(path, value.line_of(key), f"markdown: '{key}' must be a list of extension names"))
            names = []
        lists[key] = tuple((name, value.line_of(key)) for name in names)  # list items have no line of their own
    return MarkdownOptions(lists["enable"], lists["disable"])


def _check_language(item: LineMap, code: str, path: str) -> list[BuildError]:
    """Return errors for a language's html_lang, name, locale and compact_numbers."""
    errors = []
    html_lang, name, locale = item["html_lang"], item["name"], item["locale"]
    if not isinstance(html_lang, str) or not _HTML_LANG_RE.match(html_lang):
        errors.append(BuildError(path, item.line_of("html_lang"),
                                 f"language '{code}': html_lang must be a language tag such as en or zh-CN"))
    if not isinstance(name, str) or not name.strip():
        errors.append(BuildError(path, item.line_of("name"), f"language '{code}': name must be text"))
    if not isinstance(item.get("compact_numbers", False), bool):
        errors.append(BuildError(path, item.line_of("compact_numbers"),
                                 f"language '{code}': compact_numbers must be true or false"))
    if not _known_locale(locale):
        errors.append(BuildError(path, item.line_of("locale"), f"language '{code}': unknown locale '{locale}' "
                                 "(a CLDR locale such as en, en_GB, zh_Hans_CN)"))
    return errors


def _known_locale(locale: Any) -> bool:
    """Return whether Babel has CLDR data for `locale`."""
    from babel import Locale, UnknownLocaleError  # here, so the no-change shortcut never imports Babel

    if not isinstance(locale, str) or not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*", locale):
        return False
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def _per_language(data: LineMap, key: str, codes: list[str], path: str,
                  errors: list[BuildError]) -> dict[str, str]:
    value = data[key]
    if not isinstance(value, dict):
        errors.append(BuildError(path, data.line_of(key), f"{key} must have one entry per language"))
        return {}
    for code in codes:
        if not value.get(code):
            errors.append(BuildError(path, data.line_of(key), f"{key}: missing language '{code}'"))
        elif not isinstance(value[code], str):
            errors.append(BuildError(path, data.line_of(key), f"{key}: '{code}' must be text"))
    return {code: str(value.get(code, "")) for code in codes}


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Read site.yaml from the project root."""
    try:
        text = read_text(root, root / CONFIG_FILE, CONFIG_FILE)
    except FileNotFoundError:
        raise BuildFailed([BuildError(CONFIG_FILE, None, "not found: is this a microsite project?")]) from None
    return parse_config(text, CONFIG_FILE, root, base_url)
