"""Jinja2 environment and rendering: Site -> HTML strings for pages and the special pages."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

import jinja2
from markupsafe import Markup

from .assets import source_of
from .charts import render_chart
from .errors import BuildError, BuildFailed, line_of, raise_if
from .i18n import format_date
from .langdata import LangData, facts_href, lang_data
from .listing import section_children
from .markdown import FACT_RE, Converter, PageContext, Result, blank_code
from .model import Page, Site, page_url_path
from .nav import Nav, build_nav, nav_context
from .sharing import head_meta
from .targets import FileTargets
from .templates import template_error
from .transdiff import diff_url_path
from .translations import OUTDATED, Status, all_statuses, page_status

_FACT_REF = re.compile(FACT_RE)
# What in a page's HTML needs static/blocks.css: tabs, definition and task lists, marked text, code blocks.
BLOCK_MARKERS = ('class="tabbed-set', "<dl", 'class="task-list', "<mark", 'class="highlight"')


class Renderer:
    """Renders pages of one Site; built once per process and reused for every page."""

    def __init__(self, site: Site, env: jinja2.Environment, preview: bool = False,
                 converter: Converter | None = None) -> None:
        self.site = site
        self.preview = preview  # the preview server: outdated notices link to its translation diff
        self.config = site.config
        self.env = env
        self.converter = converter or Converter(site.config.markdown)
        self.dep_states: dict[str, str] = {}  # what jobs.deps_fingerprint found for each dep in this build
        self._charts: dict[tuple[str, str], str] = {}

    def derive(self, site: Site, slugs: set[str]) -> "Renderer":
        """Return a renderer for `site`, where only pages of `slugs` changed and no title or weight did."""
        renderer = Renderer(site, self.env, self.preview, self.converter)
        renderer.__dict__["langs"] = self.langs
        renderer.__dict__["navs"] = self.navs
        renderer.__dict__["_folders"] = self._folders  # no file was added or removed
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
        return {lang.code: lang_data(self.site, lang) for lang in self.config.languages}

    @cached_property
    def navs(self) -> dict[str, Nav]:
        """Return the navigation of each language."""
        return {code: build_nav(self.site, code, self.config.url, self.title) for code in self.config.codes}

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

    def chart_html(self, key: str, lang: str) -> str | None:
        """Return the <figure> of one chart in one language (None if there is no such chart)."""
        chart = self.site.facts.charts.get(key)
        if chart is None:
            return None
        if (key, lang) not in self._charts:
            language = self.config.language(lang)
            self._charts[key, lang] = render_chart(chart, self.site.facts, language, self.site.strings[lang],
                                                   facts_href(self.site, lang))
        return self._charts[key, lang]

    def resolve(self, lang: str, slug: str) -> str | None:
        """Return the URL path of a page or section in `lang` (a 'not translated yet' page or listing included)."""
        if slug in self._folders or any(self.site.page(code, slug) for code in self.config.codes):
            return page_url_path(lang, slug)
        return None

    @property
    def no_extra(self) -> dict[str, Any]:
        """Return `page.extra` of a page with no front matter of its own (a listing, a 'not translated yet' page)."""
        return {key: None for key in self.config.extra_front_matter}

    @cached_property
    def _folders(self) -> frozenset[str]:
        return frozenset(self.site.folders)

    @cached_property
    def files(self) -> FileTargets:
        """Return what the build publishes besides pages, for links to files."""
        from .outputs import render_extras  # here, not at the top: outputs/files.py imports jobs, which imports us
        return FileTargets(self.site, lambda: set(render_extras(self.site)))

    def convert(self, page: Page) -> tuple[str, Result]:
        """Return the HTML of a page's Markdown body; unknown facts and charts raise BuildFailed.

        Broken links do not: they are in the result, and check.py reports them with every line.
        """
        ctx = PageContext(page.lang, page.rel, self.langs[page.lang].fact_views,
                          lambda key: self.chart_html(key, page.lang), self.resolve, self.config.url,
                          self.config.codes, words=self.site.strings[page.lang],
                          find_file=lambda site_path: source_of(self.config, site_path),
                          file_exists=self.files.exists,
                          heading_link=self.site.strings[page.lang].get("heading_link", ""))
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
        # an image (links to pages and files are checked by check.py, at every line they occur)
        return BuildError(page.source, line_of(body, text, page.body_line),
                          f"image '{text}' not found: put the file beside the page, in content/assets/ or in static/"
                          + (f" (written /static{text})" if text.startswith("/") and not text.startswith("/static/")
                             else ""))

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
                     "default_lang": config.default_lang, "facts_url": facts_href(self.site, lang)},
            "t": self.site.strings[lang],
            "strings": self.site.strings,
            "facts": data.facts_list,
            "sources": data.sources,
            "data_as_of": data.data_as_of,
            "data_dates": data.data_dates,
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
        context["nav"] = nav_context(self.navs[page.lang], page.slug)
        updated = self.site.updated(page)
        context["page"] = {
            "figures": self.cited_figures(page.lang, result.refs),
            "title": self.title(page), "description": self.description(page) or self.config.description[page.lang],
            "slug": page.slug, "lang": page.lang, "url_path": page.url_path, "url": self.config.url(page.url_path),
            "date": format_date(page.date, language) if page.date else "",
            "date_iso": page.date.isoformat() if page.date else "",
            "updated": format_date(updated, language) if updated else "",
            "updated_iso": updated.isoformat() if updated else "",
            "edit_url": self.config.edit_url + page.source if self.config.edit_url else "",
            "extra": page.extra, "children": [],
            "content": Markup(body), "toc": result.toc, "template": page.template, "source": page.source,
            "code": 'class="highlight"' in body,  # pages with code load static/highlight.css
            "blocks": any(marker in body for marker in BLOCK_MARKERS),  # ... and these static/blocks.css
            "untranslated": False, "noindex": False, "draft": page.draft,
            "outdated": status.state == OUTDATED,
            "diff_url": self.config.url(diff_url_path(page.source))
            if self.preview and status.state == OUTDATED and page.translation_of else "",
            "original": {"url": self.config.url(source.url_path), "lang": source.lang,
                         "name": self.config.language(source.lang).name,
                         "html_lang": self.config.language(source.lang).html_lang,
                         "title": self.title(source)},
        }
        return context

    def cited_figures(self, lang: str, refs: set[str]) -> list[dict[str, Any]]:
        """Return the facts a page body cites, directly or in a chart, in fact-sheet order (for its sources note)."""
        keys = {ref[5:] for ref in refs if ref.startswith("fact:")}
        for ref in refs:
            chart = self.site.facts.charts.get(ref[6:]) if ref.startswith("chart:") else None
            keys.update(chart.facts if chart else ())
        listing, order = self.langs[lang].facts_list, self._fact_order
        return [listing[i] for i in sorted(order[key] for key in keys if key in order)]

    @cached_property
    def _fact_order(self) -> dict[str, int]:
        return {key: index for index, key in enumerate(self.site.facts.facts)}

    def render_page(self, page: Page) -> tuple[str, Result]:
        """Return the full HTML of one page and what its body referenced."""
        body, result = self.convert(page)
        return self.render_template(page.template, self.page_context(page, body, result), page.source), result

    def stub_context(self, slug: str, lang: str) -> dict[str, Any]:
        """Return the variables of the 'not translated yet' page of `slug` in `lang`."""
        source = self.statuses[slug, lang].source
        url_path = page_url_path(lang, slug)
        context = self._base_context(lang, url_path, self.alternates(slug))
        context["nav"] = nav_context(self.navs[lang], slug)
        source_lang = self.config.language(source.lang)
        context["page"] = {
            "title": self.title(source), "description": self.config.description[lang], "slug": slug, "lang": lang,
            "url_path": url_path,
            "url": self.config.url(url_path), "date": "", "date_iso": "", "content": Markup(""), "toc": [],
            "updated": "", "updated_iso": "", "edit_url": "", "extra": self.no_extra,
            "children": section_children(self, slug, lang),
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
        context["nav"] = nav_context(self.navs[lang], "\0")  # the top navigation only
        # every language's chrome: GitHub Pages serves one 404.html for all, and the root chooser names the site
        context["variants"] = [{"code": l.code, "html_lang": l.html_lang, "name": l.name,
                                "title": self.config.title[l.code], "home": self.config.url(page_url_path(l.code, "")),
                                "nav": self.navs[l.code].top, "t": self.site.strings[l.code],
                                "data_as_of": self.langs[l.code].data_as_of} for l in self.config.languages]
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
        except BuildFailed:  # an {% include %} of a file that is refused (see templates.ProjectLoader)
            raise
        except Exception as exc:  # noqa: BLE001 -- any template failure becomes a located build error
            raise BuildFailed([template_error(exc, self.config.templates_dir, source)]) from None


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
