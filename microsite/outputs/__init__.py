"""The files every site gets besides its pages: sitemap, robots.txt, open data, .nojekyll, CNAME.

One module per kind of output; render_extras() gathers them by output path, and render_page_extras()
those that need the renderer (titles with their facts, templates): search pages, feeds, redirects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import BuildError
from ..model import Site
from ..write import MARKER, MARKER_TEXT
from .data import render_facts_csv, render_facts_json
from .feeds import render_feeds
from .files import render_code_css
from .redirects import check_aliases, render_redirects
from .searchpage import check_search_pages, render_search_pages
from .sitemap import render_robots, render_sitemap

if TYPE_CHECKING:
    from ..render import Renderer


def render_extras(site: Site) -> dict[str, str]:
    """Return the non-page files by output path."""
    files = {
        "sitemap.xml": render_sitemap(site),
        "robots.txt": render_robots(site),
        MARKER: MARKER_TEXT,
        "data/facts.json": render_facts_json(site),
        "data/facts.csv": render_facts_csv(site),
    }
    files.update(render_code_css(site))
    if site.config.cname:
        files["CNAME"] = site.config.cname.strip() + "\n"
    return files


def render_page_extras(renderer: "Renderer") -> dict[str, str]:
    """Return the outputs made with the renderer by output path: search pages, feeds, redirects."""
    return {**render_search_pages(renderer), **render_feeds(renderer), **render_redirects(renderer)}


def check_outputs(site: Site) -> list[BuildError]:
    """Return an error for each page or alias at an address the build needs for something else."""
    return check_search_pages(site) + check_aliases(site)
