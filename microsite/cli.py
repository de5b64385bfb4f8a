"""The command line: build | serve | check | new | translated."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import memo
from .errors import BuildError, BuildFailed, sort_errors

if TYPE_CHECKING:  # the heavy modules load only when a command needs them
    from .model import Site
    from .pipeline import BuildOptions

DEFAULT_OUT = "site"


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", metavar="URL", help="publish under this URL (default: base_url in site.yaml)")
    parser.add_argument("--strict", action="store_true", help="treat missing or outdated translations and check warnings as errors")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not update .cache/")
    parser.add_argument("--no-search", action="store_true", help="build without the search index (Pagefind)")


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(prog="python build.py", description="Build, preview and check the bilingual microsite.")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: the current one)")
    commands = parser.add_subparsers(dest="command", metavar="command")
    build = commands.add_parser("build", help="build the site into site/ (the default command)",
                                description="Build content/ into a static site. Atomic: a failed build leaves the output untouched.")
    build.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR", help="output folder (default: site)")
    _add_build_options(build)
    serve = commands.add_parser("serve", help="preview with live reload",
                                description="Build, serve on http://127.0.0.1:8000/ and rebuild on every change.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR", help="output folder (default: site)")
    _add_build_options(serve)
    check = commands.add_parser("check", help="check content without publishing: translations, hand-typed figures, links",
                                description="Build into a temporary folder and report problems and the translation status.")
    _add_build_options(check)
    new = commands.add_parser("new", help="create a page in every language",
                              description="Create content/<lang>/SECTION/SLUG.md for every language, translations stamped.")
    new.add_argument("slug", help="e.g. plan/talent")
    new.add_argument("--title", help="the page title (default: from the slug)")
    translated = commands.add_parser("translated", help="mark a translation as up to date with its source",
                                     description="Record in a translation's front matter which version of the source it translates.")
    translated.add_argument("path", type=Path, help="the translated page, e.g. content/zh/plan/talent.md")
    return parser


def report(errors: list[BuildError], out: str | None = None) -> None:
    """Print every error as path:line: message, then one closing line."""
    for error in errors:
        print(error, file=sys.stderr)
    tail = f"; {out}/ left unchanged" if out else ""
    print(f"failed: {len(errors)} error{'s' if len(errors) != 1 else ''}{tail}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run one command, return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"build", "serve", "check", "new", "translated"}
    if not any(arg in commands for arg in argv) and not {"-h", "--help"} & set(argv):
        argv.insert(_command_position(argv), "build")  # `python build.py [options]` means build
    args = make_parser().parse_args(argv)
    command = args.command
    root = args.root.resolve()
    try:
        if command == "build":
            return _build(root, args)
        if command == "serve":
            from .serve import serve
            return serve(root, args)
        if command == "check":
            return _check(root, args)
        if command == "new":
            return _new(root, args)
        return _translated(root, args)
    except BuildFailed as exc:
        out = getattr(args, "out", None)
        kept = out is not None and command in ("build", "serve") and (root / out).is_dir()
        report(exc.errors, str(out) if kept else None)
        return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130


def _command_position(argv: list[str]) -> int:
    """Return where the command goes: after the global --root option, if given."""
    if argv[:1] == ["--root"]:
        return 2
    if argv[:1] and argv[0].startswith("--root="):
        return 1
    return 0


def _options(args: argparse.Namespace, out: Path, strict: bool | None = None, throwaway: bool = False) -> "BuildOptions":
    from .pipeline import BuildOptions
    return BuildOptions(out=out, base_url=getattr(args, "base_url", None),
                        strict=getattr(args, "strict", False) if strict is None else strict,
                        jobs=getattr(args, "jobs", None), cache=not getattr(args, "no_cache", False),
                        progress=sys.stderr.isatty(), throwaway=throwaway,
                        search=not getattr(args, "no_search", False))


def _build(root: Path, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out = getattr(args, "out", None) or Path(DEFAULT_OUT)
    if not getattr(args, "no_cache", False):
        key = memo.settings(getattr(args, "base_url", None), getattr(args, "strict", False),
                            not getattr(args, "no_search", False))
        counts = memo.up_to_date(root, out if out.is_absolute() else root / out, key)
        if counts:  # nothing changed: the heavy modules are not even imported
            print(memo.summary_line(counts, time.perf_counter() - started, "nothing changed", out))
            return 0
    from .pipeline import build
    result = build(root, _options(args, out))
    print(result.summary(shown_out=out))
    return 0


def _check(root: Path, args: argparse.Namespace) -> int:
    from .lint import lint_site
    from .pipeline import build
    with tempfile.TemporaryDirectory(prefix="microsite-check-") as tmp:
        result = build(root, _options(args, Path(tmp) / "site", strict=False, throwaway=True))
    site = result.site
    warnings = list(result.warnings) + lint_site(site, result.refs)
    print(render_status_table(site, result.refs))
    warnings = sort_errors(warnings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    problems = len(warnings)
    print(f"check: {sum(result.pages_per_language.values())} pages, {problems} warning{'s' if problems != 1 else ''}")
    return 1 if problems and args.strict else 0


def render_status_table(site: "Site", refs: dict[tuple[str, str], set[str]]) -> str:
    """Return the translation-status table: per page, each language's state and the facts it cites."""
    from .translations import all_statuses
    codes = site.config.codes
    rows = [["page", *codes, *(f"facts ({c})" for c in codes)]]
    by_slug: dict[str, dict[str, str]] = {}
    for status in all_statuses(site):
        by_slug.setdefault(status.slug, {})[status.lang] = status.state
    for slug, states in by_slug.items():
        facts = [", ".join(sorted(refs.get((c, slug), set()))) or "-" if states[c] != "missing" else "" for c in codes]
        rows.append([slug or "(home)", *(states[c] for c in codes), *facts])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows)


def _new(root: Path, args: argparse.Namespace) -> int:
    from .config import load_config
    from .i18n import load_strings
    from .scaffold import create_page
    config = load_config(root)
    title = args.title or args.slug.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").capitalize()
    for path in create_page(config, args.slug, title, load_strings(config)):
        print(f"created {path.relative_to(root).as_posix()}")
    return 0


def _translated(root: Path, args: argparse.Namespace) -> int:
    from .config import load_config
    from .scaffold import mark_translated
    config = load_config(root)
    path = args.path if args.path.is_absolute() else Path.cwd() / args.path
    source, stamp = mark_translated(config, path)
    print(f"{args.path}: marked as a translation of {source.relative_to(root).as_posix()} ({stamp})")
    return 0
