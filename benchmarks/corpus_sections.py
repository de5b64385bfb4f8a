"""Nested sections for the build benchmark: the bench kit's flat corpus regrouped three levels deep (issue 13).

make_corpus.py writes `<section>/<slug>.md` in 36 flat sections named `<theme>` or `<theme>-<facet>`. `nest()`
moves every page, in place, to `<theme>/<facet>/part-NN/<slug>.md` (facet `overview` for a theme's own section),
about PART_SIZE pages a part, rewrites every relative link for its new depth, and updates manifest.json, so the
benchmark's checks and edits follow. `add_folder_pages()` then gives the project's folders their pages the way real
docs trees do: an index.md, a README.md, only a _section.yaml with a title in each language, or nothing (a generated
listing), chosen with a seeded random generator, so the same seed always gives the same tree.

Used by `bench_build.py --sections` (ours only: the other tools' layouts expect the flat corpus).
"""

from __future__ import annotations

import json
import posixpath
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PART_SIZE = 10
LINK_RE = re.compile(r"\]\(\.\./([^)/\s]+)/([^)/\s]+)\.md\)")
KINDS = ("index.md", "README.md", "_section.yaml", "")  # a folder's page, its titles only, or nothing
FACET_TITLES = {"overview": ("Overview", "概览"), "cases": ("Case studies", "案例"), "reports": ("Reports", "报告"),
                "guides": ("Guides", "指南"), "news": ("News", "动态"), "profiles": ("Profiles", "概况"),
                "outlook": ("Outlook", "展望"), "statistics": ("Statistics", "统计"), "programs": ("Programs", "项目"),
                "regions": ("Regions", "区域"), "standards": ("Standards", "标准"), "partners": ("Partners", "合作")}


def _split(section: str, facets: set[str]) -> tuple[str, str]:
    """Return (theme, facet) of a flat section name: 'ai-industry-cases' -> ('ai-industry', 'cases')."""
    theme, _, facet = section.rpartition("-")
    return (theme, facet) if theme and facet in facets else (section, "overview")


def new_paths(rels: list[str]) -> dict[str, str]:
    """Return each flat page path's nested path: 'ai-industry-cases/x.md' -> 'ai-industry/cases/part-01/x.md'."""
    facets = set(FACET_TITLES) - {"overview"}
    by_section: dict[str, list[str]] = {}
    for rel in sorted(rels):
        by_section.setdefault(rel.split("/", 1)[0], []).append(rel)
    moved = {}
    for section, members in by_section.items():
        theme, facet = _split(section, facets)
        for index, rel in enumerate(members):
            moved[rel] = f"{theme}/{facet}/part-{index // PART_SIZE + 1:02d}/{rel.rsplit('/', 1)[1]}"
    return moved


def relink(text: str, rel: str, moved: dict[str, str]) -> str:
    """Return a page's text with its '../<section>/<slug>.md' links pointing at the nested paths."""
    here = posixpath.dirname(moved[rel])

    def fix(match: re.Match[str]) -> str:
        target = moved.get(f"{match.group(1)}/{match.group(2)}.md")
        return f"]({posixpath.relpath(target, here)})" if target else match.group(0)

    return LINK_RE.sub(fix, text)


def nest(corpus: Path) -> dict[str, str]:
    """Regroup a corpus's pages three levels deep, in place; return old path -> new path."""
    manifest_path = corpus / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    moved = new_paths(manifest["pages"])
    for lang in ("en", "zh"):
        texts = {rel: (corpus / lang / rel).read_text(encoding="utf-8") for rel in manifest["pages"]}
        for rel in manifest["pages"]:
            (corpus / lang / rel).unlink()
        for rel, text in texts.items():
            target = corpus / lang / moved[rel]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(relink(text, rel, moved), encoding="utf-8")
        for folder in sorted((corpus / lang).iterdir()):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    manifest["pages"] = sorted(moved.values())
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return moved


def add_folder_pages(content: Path, rels: list[str], seed: int, kit: Path) -> list[str]:
    """Give every folder of the nested pages an index.md, README.md, _section.yaml or nothing; return what was written.

    Themes take their titles from the kit's make_corpus.py. Chinese folder pages are stamped as current
    translations, as the benchmark stamps every page.
    """
    sys.path.insert(0, str(REPO))
    from microsite.model import body_stamp

    themes = {slug: (en, zh) for slug, en, zh in _load(kit / "make_corpus.py").THEMES}
    rng = random.Random(seed)
    folders = sorted({"/".join(rel.split("/")[:depth]) for rel in rels for depth in (1, 2, 3)})
    written = []
    for folder in folders:
        kind = rng.choice(KINDS)
        if not kind:
            continue
        en, zh = _titles(folder, themes)
        if kind == "_section.yaml":
            for lang, title in (("en", en), ("zh", zh)):
                (content / lang / folder / kind).write_text(f"title: {json.dumps(title, ensure_ascii=False)}\n",
                                                            encoding="utf-8")
        else:
            body = f"\nAn overview of {en.lower()}: the pages below cover it one topic at a time.\n"
            weight = rng.randint(1, 9)
            (content / "en" / folder / kind).write_text(
                f"---\ntitle: {json.dumps(en)}\nweight: {weight}\n---\n{body}", encoding="utf-8")
            (content / "zh" / folder / kind).write_text(
                f"---\ntitle: {json.dumps(zh, ensure_ascii=False)}\nweight: {weight}\n"
                f"translation_of: \"{body_stamp(body)}\"\n---\n\n本栏目概述{zh}，下列各页逐一介绍。\n", encoding="utf-8")
        written.append(f"{folder}/{kind}")
    return written


def _titles(folder: str, themes: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """Return a folder's title in English and Chinese."""
    name = folder.rsplit("/", 1)[-1]
    if name.startswith("part-"):
        number = int(name[5:])
        return f"Part {number}", f"第{number}部分"
    if "/" in folder:
        return FACET_TITLES[name]
    return themes[name]


def _load(path: Path):  # type: ignore[no-untyped-def]
    """Import a stdlib-only script of the bench kit as a module."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
