"""Pages readers cannot find or cannot tell apart: orphans no navigation or link reaches, pages without a title."""

from __future__ import annotations

from ..errors import BuildError
from ..model import Site
from ..nav import build_nav


def check_orphans(site: Site, graph: dict[tuple[str, str], set[tuple[str, str]]]) -> list[BuildError]:
    """Return a warning for each page outside the navigation that no reachable page links to.

    `graph` maps each page (lang, slug) to the pages its body links to. A page is reached when the
    navigation of any language shows it, or a reached page links to it, directly or through others.
    """
    reached: set[tuple[str, str]] = set()
    hidden_by: dict[tuple[str, str], str] = {}
    for lang in site.config.codes:
        nav = build_nav(site, lang)
        reached.update((lang, slug) for slug in nav.items if slug not in nav.hidden)
        for slug in nav.hidden:
            folder = slug.rpartition("/")[0]
            meta = site.sections.get((lang, folder)) or site.sections.get((site.config.default_lang, folder))
            hidden_by[lang, slug] = meta.source if meta is not None else ""
    todo = list(reached)
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    warnings = []
    for page in site.pages:
        if (page.lang, page.slug) not in reached:
            where = hidden_by.get((page.lang, page.slug))
            why = f"left out of the navigation{f' by {where}' if where else ''}"
            warnings.append(BuildError(page.source, None, f"orphan page: {why}, and no page that readers reach "
                                                          "links to it"))
    return warnings


def check_titles(site: Site) -> list[BuildError]:
    """Return a warning for each page whose title is only its file name (no front-matter title, no '# heading')."""
    return [BuildError(page.source, 1, f"no title: it shows as '{page.title}', made from the file name; add "
                                       "'title:' to the front matter or start the page with a '# Title' line")
            for page in site.pages if page.title_from_name]
