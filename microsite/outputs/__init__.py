"""The files every site gets besides its pages: sitemap, robots.txt, open data, .nojekyll, CNAME.

One module per kind of output; render_extras() gathers them by output path.
"""

from __future__ import annotations

from ..model import Site
from ..write import MARKER, MARKER_TEXT
from .data import render_facts_csv, render_facts_json
from .files import render_code_css
from .sitemap import render_robots, render_sitemap


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
