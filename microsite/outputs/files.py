"""Publishing the files beside pages (content/<lang>/**, content/assets/) into the output folder."""

from __future__ import annotations

from ..assets import find_assets
from ..errors import BuildError, BuildFailed, raise_if
from ..jobs import Outcome, RenderState, store
from ..markdown.highlight_css import OUT_PATH as CODE_CSS
from ..markdown.highlight_css import render_highlight_css
from ..minify import minify
from ..model import Site, digest
from ..safeio import MAX_STATIC_BYTES, read_input


def copy_assets(state: RenderState) -> dict[str, Outcome]:
    """Publish the files beside pages; files that did not change are kept, not copied again."""
    files, errors = find_assets(state.site.config)
    pages = {page.out_path for page in state.site.pages}
    outcomes = {}
    for rel, path in files:
        if rel in pages:
            errors.append(BuildError(f"content/{rel}", None, "has the same output path as a page; rename it"))
            continue
        try:
            st = path.stat()
        except OSError as exc:
            errors.append(BuildError(f"content/{rel}", None, f"cannot read: {exc.strerror}"))
            continue
        key = digest(f"asset|{rel}|{st.st_size}|{st.st_mtime_ns}")
        old = state.previous.get(rel)
        if old and old.key == key and old.still_there(state.out):
            outcomes[rel] = old
        else:
            try:
                data = read_input(state.site.config.root, path, f"content/{rel}", MAX_STATIC_BYTES)
            except BuildFailed as exc:
                errors.extend(exc.errors)
                continue
            outcomes[rel] = store(state, rel, data, key)
    raise_if(errors)
    return outcomes


def render_code_css(site: Site) -> dict[str, str]:
    """Return the highlighted-code stylesheet by output path, unless highlighting is off or static/ has its own."""
    if "pymdownx.highlight" in site.config.markdown.disable_names or (site.config.root / CODE_CSS).is_file():
        return {}
    return {CODE_CSS: minify(CODE_CSS, render_highlight_css().encode("utf-8")).decode("utf-8")}
