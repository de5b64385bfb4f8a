"""Jinja2 environment and rendering: Site -> HTML strings for pages and the special pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import jinja2
from markupsafe import Markup

from .charts import render_chart
from .config import Language
from .errors import BuildError, BuildFailed, line_of, raise_if
from .i18n import fact_title, format_as_of, format_date, format_fact, formula_text
from .markdown import FACT_RE, Converter, FactView, PageContext, Result, blank_code
from .model import Page, Site, page_url_path
from .nav import Nav, build_nav
from .sharing import head_meta
from .templates import template_error
from .translations import OUTDATED, Status, all_statuses, page_status

_FACT_REF = re.compile(FACT_RE)


@dataclass(frozen=True)
class LangData:
    """Per-language values computed once per build: nav, fact views, formatted facts."""

    language: Language
    facts_list: list[dict[str, Any]]
    fact_views: dict[str, FactView]
    sources: list[dict[str, Any]]
    data_as_of: str  # the latest as_of of any fact, formatted


class Renderer:
    """Renders pages of one Site; built once per process and reused for every page."""

    def __init__(self, site: Site, env: jinja2.Environment) -> None:
        self.site = site
        self.config = site.config
        self.env = env
        self.converter = Converter()
        self._charts: dict[tuple[str, str], str] = {}

    def derive(self, site: Site, slugs: set[str]) -> "Renderer":
        """Return a renderer for `site`, where only pages of `slugs` changed and no title or weight did."""
        renderer = Renderer(site, self.env)
        renderer.__dict__["langs"] = self.langs
        renderer.__dict__["navs"] = self.navs
        statuses = dict(self.statuses)
        for slug in slugs:
            for code in self.config.codes:
                statuses[slug, code] = page_status(site, slug, code)
        renderer.__dict__["statuses"] = statuses
        renderer._charts = self._charts
        return renderer

    @cached_property
    def langs(self) -> dict[str, LangData]:
        """Return per-language fact views and strings, formatted with Babel once per build."""
        return {lang.code: self._lang_data(lang) for lang in self.config.languages}

    @cached_property
    def navs(self) -> dict[str, Nav]:
        """Return the navigation of each language."""
        return {code: build_nav([p for p in self.site.pages if p.lang == code], self.config.url, self.title)
                for code in self.config.codes}

    @cached_property
    def statuses(self) -> dict[tuple[str, str], Status]:
        """Return the translation status of every (slug, lang), computed once."""
        return {(s.slug, s.lang): s for s in all_statuses(self.site)}

    def title(self, page: Page) -> str:
        """Return a page's title as readers see it: each {{fact:key}} written as the fact's value."""
        return self._with_facts(page.title, page.lang)

    def description(self, page: Page) -> str:
        """Return a page's description as readers see it (see title)."""
        return self._with_facts(page.description, page.lang)

    def _with_facts(self, text: str, lang: str) -> str:
        if "{{fact:" not in text:
            return text
        views = self.langs[lang].fact_views
        return _FACT_REF.sub(lambda m: views[m.group(1)].text if m.group(1) in views else m.group(0), text)

    def front_matter_errors(self) -> list[BuildError]:
        """Return an error for each unknown fact named in a title or description."""
        errors = []
        for page in self.site.pages:
            for name in ("title", "description"):
                for key in _FACT_REF.findall(getattr(page, name)):
                    if key not in self.site.facts.facts:
                        errors.append(BuildError(page.source, page.lines.get(name, 1), self._unknown_fact(key)))
        return errors

    def _unknown_fact(self, key: str) -> str:
        close = self.site.facts.closest(key)
        return f"unknown fact '{key}'" + (f"; did you mean {', '.join(close)}?" if close else "")

    def _facts_href(self, lang: str) -> str:
        """Return the URL of the page listing every fact: in `lang`, else in a language that has it."""
        slug = self.config.facts_page
        if slug is None:
            return ""
        for code in (lang, self.config.default_lang, *self.config.codes):
            if self.site.page(code, slug) is not None:
                return self.config.url(page_url_path(code, slug))
        return ""

    def _lang_data(self, language: Language) -> LangData:
        site, code = self.site, language.code
        strings = site.strings[code]
        href = self._facts_href(code)
        views, listing = {}, []
        for key, fact in site.facts.facts.items():
            text = format_fact(fact, site.facts, language, strings)
            title = fact_title(fact, site.facts, language, strings)
            views[key] = FactView(text, title, f"{href}#fact-{key}")
            source = site.facts.sources[fact.source]
            comparison = None
            if fact.comparison:
                kind, other = fact.comparison
                other_text = format_fact(site.facts.facts[other], site.facts, language, strings)
                comparison = {"kind": kind, "key": other, "text": other_text}
            listing.append({
                "key": key, "id": f"fact-{key}", "label": fact.label[code], "text": text, "value": fact.value,
                "unit": fact.unit, "as_of": format_as_of(fact.as_of, language), "as_of_iso": fact.as_of,
                "note": fact.note.get(code, ""), "estimate": fact.is_estimate, "derived": fact.derived,
                "statement": fact.is_statement, "bound": fact.bound, "comparison": comparison,
                "formula": formula_text(fact, site.facts, language) if fact.derived else "",
                "source": {"key": source.key, "title": source.title[code], "publisher": source.publisher[code],
                           "url": source.url, "date": source.date, "note": source.note.get(code, "")},
            })
        sources = [{"key": s.key, "id": f"source-{s.key}", "title": s.title[code], "publisher": s.publisher[code],
                    "url": s.url, "date": s.date, "note": s.note.get(code, ""),
                    "via": s.via} for s in site.facts.sources.values()]
        latest = latest_as_of(site)
        return LangData(language, listing, views, sources, format_as_of(latest, language) if latest else "")

    def chart_html(self, key: str, lang: str) -> str | None:
        """Return the <figure> of one chart in one language (None if there is no such chart)."""
        chart = self.site.facts.charts.get(key)
        if chart is None:
            return None
        if (key, lang) not in self._charts:
            language = self.config.language(lang)
            self._charts[key, lang] = render_chart(chart, self.site.facts, language, self.site.strings[lang],
                                                   self._facts_href(lang))
        return self._charts[key, lang]

    def resolve(self, lang: str, slug: str) -> str | None:
        """Return the URL path of a page, or of its 'not translated yet' page when only another language has it."""
        if any(self.site.page(code, slug) for code in self.config.codes):
            return page_url_path(lang, slug)
        return None

    def convert(self, page: Page) -> tuple[str, Result]:
        """Return the HTML of a page's Markdown body; unknown references raise BuildFailed."""
        ctx = PageContext(page.lang, page.rel, self.langs[page.lang].fact_views,
                          lambda key: self.chart_html(key, page.lang), self.resolve, self.config.url,
                          self.config.codes)
        html, result = self.converter.convert(page.body, ctx)
        raise_if([self._reference_error(page, kind, text) for kind, text in result.unknown])
        return html, result

    def _reference_error(self, page: Page, kind: str, text: str) -> BuildError:
        body = blank_code(page.body)  # a reference written inside code is not the one that failed
        if kind == "fact":
            return BuildError(page.source, line_of(body, "{{fact:" + text, page.body_line), self._unknown_fact(text))
        if kind == "chart":
            known = ", ".join(self.site.facts.charts) or "none defined"
            return BuildError(page.source, line_of(body, "{{chart:" + text, page.body_line),
                              f"unknown chart '{text}' (known: {known})")
        line = line_of(body, text, page.body_line)
        messages = {
            "page": f"link to a missing page '{text}'",
            "outside": f"link '{text}' points outside content/",
            "relative": f"relative link '{text}' is not a Markdown page; link pages as .md files, "
                        "and files in static/ as /static/...",
        }
        return BuildError(page.source, line, messages[kind])

    # -- template context ------------------------------------------------------------------------

    def _base_context(self, lang: str, url_path: str, alternates: list[dict[str, str]]) -> dict[str, Any]:
        data = self.langs[lang]
        config = self.config
        return {
            "lang": data.language,
            "languages": [
                {"code": l.code, "name": l.name, "html_lang": l.html_lang,
                 "url": config.url(_same_path(url_path, lang, l.code)), "current": l.code == lang}
                for l in config.languages],
            "site": {"title": config.title[lang], "description": config.description[lang],
                     "base_url": config.base_url, "base_path": config.base_path,
                     "default_lang": config.default_lang, "facts_url": self._facts_href(lang)},
            "t": self.site.strings[lang],
            "strings": self.site.strings,
            "facts": data.facts_list,
            "sources": data.sources,
            "data_as_of": data.data_as_of,
            "charts": _LazyCharts(self, lang),
            "url": config.url,
            "alternates": alternates,
            "canonical": config.absolute_url(url_path) if url_path is not None else "",
        }

    def alternates(self, slug: str) -> list[dict[str, str]]:
        """Return hreflang alternates of a slug: every existing translation plus x-default."""
        items = [{"hreflang": l.html_lang, "href": self.config.absolute_url(page_url_path(l.code, slug))}
                 for l in self.config.languages if self.site.page(l.code, slug)]
        if len(items) < 2:
            return []  # a page in one language has no translations to point to
        default = self.site.page(self.config.default_lang, slug)
        if default is not None:
            # the home page's x-default is the root language chooser, which picks by browser language
            x_default = "" if slug == "" else default.url_path
            items.append({"hreflang": "x-default", "href": self.config.absolute_url(x_default)})
        return items

    def page_context(self, page: Page, body: str, result: Result) -> dict[str, Any]:
        """Return the template variables of one page."""
        status = self.statuses[page.slug, page.lang]
        language = self.config.language(page.lang)
        source = status.source
        context = self._base_context(page.lang, page.url_path, self.alternates(page.slug))
        nav = self.navs[page.lang]
        context["nav"] = {"top": nav.top, "section": nav.section(page.section)}
        context["page"] = {
            "title": self.title(page), "description": self.description(page) or self.config.description[page.lang],
            "slug": page.slug, "lang": page.lang, "url_path": page.url_path, "url": self.config.url(page.url_path),
            "date": format_date(page.date, language) if page.date else "",
            "date_iso": page.date.isoformat() if page.date else "",
            "content": Markup(body), "toc": result.toc, "template": page.template, "source": page.source,
            "untranslated": False, "noindex": False,
            "outdated": status.state == OUTDATED,
            "original": {"url": self.config.url(source.url_path), "lang": source.lang,
                         "name": self.config.language(source.lang).name,
                         "html_lang": self.config.language(source.lang).html_lang,
                         "title": self.title(source)},
        }
        return context

    def render_page(self, page: Page) -> tuple[str, Result]:
        """Return the full HTML of one page and what its body referenced."""
        body, result = self.convert(page)
        return self.render_template(page.template, self.page_context(page, body, result), page.source), result

    def stub_context(self, slug: str, lang: str) -> dict[str, Any]:
        """Return the variables of the 'not translated yet' page of `slug` in `lang`."""
        source = self.statuses[slug, lang].source
        url_path = page_url_path(lang, slug)
        context = self._base_context(lang, url_path, self.alternates(slug))
        context["nav"] = {"top": self.navs[lang].top, "section": ()}
        source_lang = self.config.language(source.lang)
        context["page"] = {
            "title": self.title(source), "description": self.config.description[lang], "slug": slug, "lang": lang,
            "url_path": url_path,
            "url": self.config.url(url_path), "date": "", "date_iso": "", "content": Markup(""), "toc": [],
            "template": "untranslated.html", "source": source.source, "untranslated": True, "noindex": True,
            "outdated": False,
            "original": {"url": self.config.url(source.url_path), "lang": source.lang, "name": source_lang.name,
                         "html_lang": source_lang.html_lang, "title": self.title(source)},
        }
        return context

    def special_context(self, lang: str, name: str) -> dict[str, Any]:
        """Return the variables of a page that is not made from Markdown (404, the root language chooser)."""
        context = self._base_context(lang, None, self.alternates("") if name == "root.html" else [])
        if name == "root.html":
            context["canonical"] = self.config.absolute_url("")
        context["languages"] = [dict(item, url=self.config.url(page_url_path(item["code"], "")))
                                for item in context["languages"]]
        context["nav"] = {"top": self.navs[lang].top, "section": ()}
        context["page"] = {"title": "", "template": name, "noindex": name == "404.html", "untranslated": False,
                           "outdated": False, "url_path": "", "lang": lang}
        return context

    def render_template(self, name: str, context: dict[str, Any], source: str) -> str:
        """Render one template; raise BuildFailed with the template's path and line on errors."""
        try:
            template = self.env.get_template(name)
        except jinja2.TemplateNotFound:
            page = self.site.page(context["page"]["lang"], context["page"].get("slug", ""))
            line = page.lines.get("template") if page else None
            known = ", ".join(sorted(self.env.list_templates(extensions=["html"])))
            raise BuildFailed([BuildError(source, line, f"unknown template '{name}' (templates/ has: {known})")]) from None
        context.setdefault("share", head_meta(self, context))
        try:
            return template.render(context)
        except Exception as exc:  # noqa: BLE001 -- any template failure becomes a located build error
            raise BuildFailed([template_error(exc, self.config.templates_dir, source)]) from None


def latest_as_of(site: Site) -> str:
    """Return the most recent as_of of any fact ('' without facts): the site's 'data as of' date."""
    return max((f.as_of for f in site.facts.facts.values()), default="")


class _LazyCharts(dict):
    """Charts by key for templates, drawn only when a template asks for one."""

    def __init__(self, renderer: Renderer, lang: str) -> None:
        super().__init__()
        self.renderer, self.lang = renderer, lang

    def __getitem__(self, key: str) -> Markup:
        html = self.renderer.chart_html(key, self.lang)
        if html is None:
            raise jinja2.UndefinedError(f"no chart '{key}' in content/facts.yaml")
        return Markup(html)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.renderer.site.facts.charts)

    def __len__(self) -> int:
        return len(self.renderer.site.facts.charts)

    def keys(self):  # type: ignore[no-untyped-def, override]
        return list(self.renderer.site.facts.charts)


def _same_path(url_path: str | None, lang: str, other: str) -> str:
    """Return the URL path of the same page in another language."""
    if url_path is None:
        return f"{other}/"
    return other + url_path[len(lang):]
