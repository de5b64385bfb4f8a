"""Search shards: a large language's index split into parts Pagefind makes one at a time, merged in the browser.

Pagefind has no incremental mode, so an edit re-indexes its whole part of the index, and Pagefind's time and memory
grow with that part (about 2.5 ms and 0.3 MB a page here). So a language with more than `search_shard_pages` pages
(site.yaml, default SHARD_PAGES) is split into a power of two of shards by a hash of each page's output path: a
page stays in its shard while pages come and go, and an edit re-indexes one shard, whatever the site's size.

Shard 0 of every language is the bundle as ever (pagefind/, what static/search.js initialises); shard k of a
language is a bundle of its own in pagefind/shards/<lang>/<k>/, which search.js adds with Pagefind's
`mergeIndex`. A merged index uses the first one's WebAssembly, so a shard publishes only its entry file, its
metadata, its index chunks and its fragments. pagefind/shards.json tells search.js each language's shards.
A unit of indexing is named `lang` (shard 0) or `lang/k`; a language tag has no slash (config.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Iterable, Protocol, TypeVar

SHARD_PAGES = 256  # the default most pages per shard (site.yaml: search_shard_pages)
SHARDS_FILE = "shards.json"  # in the bundle's folder: {lang: [folder of shard 1, ...]} for search.js
# Files a merged shard never needs: its runtime (the first bundle's serves every shard).
_SHARD_SKIPS = re.compile(r"pagefind(-worker)?\.js|wasm\.[^/]+\.pagefind")


class _Indexed(Protocol):
    out_path: str
    html_lang: str


P = TypeVar("P", bound=_Indexed)


def shard_count(pages: int, shard_pages: int) -> int:
    """Return into how many shards a language of `pages` pages is split: the least power of two that fits them."""
    count = 1
    while pages > count * shard_pages:
        count *= 2
    return count


def shard_of(out_path: str, count: int) -> int:
    """Return the shard of a page: a hash of its output path, so it keeps its shard while others come and go."""
    return int.from_bytes(hashlib.blake2b(out_path.encode("utf-8"), digest_size=4).digest(), "big") % count


def unit_name(lang: str, shard: int) -> str:
    """Return the name of one unit of indexing: the language for shard 0, else 'lang/shard'."""
    return lang if shard == 0 else f"{lang}/{shard}"


def group_pages(pages: Iterable[P], shard_pages: int) -> dict[str, list[P]]:
    """Return the pages to index grouped into units, in a stable order (languages, then shards, then pages)."""
    by_lang: dict[str, list[P]] = {}
    for page in pages:
        by_lang.setdefault(page.html_lang.lower(), []).append(page)
    units: dict[tuple[str, int], list[P]] = {}
    for lang, group in by_lang.items():
        count = shard_count(len(group), shard_pages)
        for page in group:
            units.setdefault((lang, shard_of(page.out_path, count)), []).append(page)
    return {unit_name(lang, shard): sorted(group, key=lambda page: page.out_path)
            for (lang, shard), group in sorted(units.items())}


def is_shard(unit: str) -> bool:
    """Return whether a unit is a shard of its own folder (not part of the first bundle)."""
    return "/" in unit


def unit_folder(bundle: str, unit: str) -> str:
    """Return the output folder of a unit's files: the bundle's for shard 0, else bundle/shards/<lang>/<k>/."""
    return f"{bundle}shards/{unit}/" if is_shard(unit) else bundle


def shard_publishes(rel: str) -> bool:
    """Return whether a file Pagefind wrote for a shard (relative to its bundle) is published with the shard."""
    return not _SHARD_SKIPS.fullmatch(rel)


def shards_manifest(units: Iterable[str]) -> bytes:
    """Return shards.json: each language's shard folders, relative to the bundle, in shard order."""
    shards: dict[str, list[str]] = {}
    for unit in units:
        lang, _, shard = unit.partition("/")
        shards.setdefault(lang, [])
        if shard:
            shards[lang].append(shard)
    listing = {lang: [f"shards/{lang}/{shard}/" for shard in sorted(found, key=int)]
               for lang, found in sorted(shards.items())}
    return json.dumps(listing, separators=(",", ":")).encode("utf-8")
