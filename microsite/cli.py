"""The command line: build | serve | check | new | translated."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import memo
from .errors import BuildError, BuildFailed, display_path, sort_errors, unexpected_error
from .preflight import environment_problem

if TYPE_CHECKING:  # the heavy modules load only when a command needs them
    from .pipeline import BuildOptions

DEFAULT_OUT = "site"


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", metavar="URL", help="publish under this URL (default: base_url in site.yaml)")
    parser.add_argument("--strict", action="store_true", help="treat missing or outdated translations and check warnings as errors")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not update .cache/")
    parser.add_argument("--links", choices=("error", "warn"),
                        help="broken links fail the build (error), or are listed as warnings while an imported "
                             "tree is fixed (warn); default: links in site.yaml, else error")
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
    serve.add_argument("--poll", action="store_true",
                       help="find edits by looking at every file each 0.8 s, not by file notifications "
                            "(network drives, some containers)")
    _add_build_options(serve)
    check = commands.add_parser("check", help="check content without publishing: translations, hand-typed figures, links",
                                description="Build into a temporary folder and report problems and the translation status.")
    _add_build_options(check)
    check.add_argument("--sources", type=Path, metavar="DIR",
                       help="compare prose with the source texts in DIR (default: lint: sources in site.yaml)")
    check.add_argument("--verbose", "-v", action="store_true", help="list the facts each page cites")
    check.add_argument("--diff", nargs="+", type=Path, metavar="PAGE",
                       help="show what changed in the source of these translations since they were marked translated")
    new = commands.add_parser("new", help="create a page in every language",
                              description="Create content/<lang>/SECTION/SLUG.md for every language, translations stamped.")
    new.add_argument("slug", help="e.g. plan/talent")
    new.add_argument("--title", help="the page title (default: from the slug)")
    translated = commands.add_parser("translated", help="mark translations as up to date with their source",
                                     description="Record in each translation's front matter which version of the source "
                                                 "it translates. A folder stands for every translation in it.")
    translated.add_argument("paths", type=Path, nargs="+", metavar="path",
                            help="translated pages or folders, e.g. content/zh/plan/talent.md content/zh/guide/")
    return parser


def report(errors: list[BuildError], out: str | None = None) -> None:
    """Print every error as path:line: message, then one closing line."""
    for error in errors:
        print(error, file=sys.stderr)
    tail = f"; {out}/ left unchanged" if out else ""
    print(f"failed: {len(errors)} error{'s' if len(errors) != 1 else ''}{tail}", file=sys.stderr)


COMMANDS = ("build", "serve", "check", "new", "translated")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run one command, return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser()
    args = parse_arguments(parser, argv)
    command = args.command
    root = args.root.resolve()
    problem = environment_problem(args.root, command, argv)
    if problem:
        print(problem, file=sys.stderr)
        return 1
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
    except OSError as exc:  # e.g. a read-only or full disk: one line, never a traceback
        where = display_path(Path(exc.filename), root) if exc.filename else str(root)
        report([BuildError(where, None, exc.strerror or str(exc))])
        return 1
    except Exception as exc:  # noqa: BLE001 -- the last resort: one located line instead of a traceback
        report([unexpected_error(exc)])
        return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `check | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def parse_arguments(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Return the parsed arguments; a mistyped command or option exits 2 with the usage of the command meant."""
    subparsers = _subparsers(parser)
    position = _command_index(argv, _options_with_values(parser))
    if position is None:
        if not {"-h", "--help"} & set(argv):  # `python build.py [options]` means build
            at = _command_position(argv)
            argv = argv[:at] + ["build"] + argv[at:]
    elif argv[position] not in subparsers:
        close = difflib.get_close_matches(argv[position], COMMANDS, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"the commands are {', '.join(COMMANDS)}"
        parser.error(f"unknown command '{argv[position]}'; {hint}")
    args, extras = parser.parse_known_args(argv)
    if extras:
        sub = subparsers[args.command]
        sub.error(f"unrecognized arguments: {' '.join(extras)}{_hint(extras, args.command, subparsers)}")
    return args


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Return each command's own parser."""
    for action in parser._actions:  # argparse offers no public way to reach its subparsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options_with_values(parser: argparse.ArgumentParser) -> set[str]:
    """Return every option, of any command, that takes a value (--out DIR), so its value is not a command."""
    parsers = [parser, *_subparsers(parser).values()]
    return {name for p in parsers for action in p._actions if action.nargs != 0 for name in action.option_strings}


def _command_index(argv: list[str], with_values: set[str]) -> int | None:
    """Return the index of the first argument that is neither an option nor an option's value."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if not arg.startswith("-") or arg == "-":
            return index
        index += 2 if arg in with_values else 1
    return None


def _command_position(argv: list[str]) -> int:
    """Return where the default command goes: after the global --root option, if given."""
    if argv[:1] == ["--root"]:
        return 2
    if argv[:1] and argv[0].startswith("--root="):
        return 1
    return 0


def _hint(extras: list[str], command: str, subparsers: dict[str, argparse.ArgumentParser]) -> str:
    """Return a hint for the first unrecognized option: which command has it, or the closest one this has."""
    option = next((arg.split("=", 1)[0] for arg in extras if arg.startswith("--")), None)
    if option is None:
        return " (quote a value with spaces)" if command == "new" else ""
    owners = [name for name, sub in subparsers.items() if option in sub._option_string_actions]
    if owners:
        return f" ({option} is an option of {' and '.join(owners)})"
    close = difflib.get_close_matches(option, subparsers[command]._option_string_actions, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _options(args: argparse.Namespace, out: Path, strict: bool | None = None, throwaway: bool = False) -> "BuildOptions":
    from .pipeline import BuildOptions
    return BuildOptions(out=out, base_url=getattr(args, "base_url", None),
                        strict=getattr(args, "strict", False) if strict is None else strict,
                        jobs=getattr(args, "jobs", None), cache=not getattr(args, "no_cache", False),
                        progress=sys.stderr.isatty(), throwaway=throwaway, links=getattr(args, "links", None),
                        search=not getattr(args, "no_search", False))


def _build(root: Path, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out = getattr(args, "out", None) or Path(DEFAULT_OUT)
    if not getattr(args, "no_cache", False):
        key = memo.settings(getattr(args, "base_url", None), getattr(args, "strict", False), args.links,
                            not getattr(args, "no_search", False))
        counts = memo.up_to_date(root, out if out.is_absolute() else root / out, key)
        if counts:  # nothing changed: the heavy modules are not even imported
            print(memo.summary_line(counts, time.perf_counter() - started, "nothing changed", out))
            return 0
    from .pipeline import build
    result = build(root, _options(args, out))
    for warning in result.link_warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(result.summary(shown_out=out))
    return 0


def _check(root: Path, args: argparse.Namespace) -> int:
    if args.diff:
        return _diff(root, args.diff)
    from .lint import lint_site
    from .pipeline import build
    from .status import render_status_table
    with tempfile.TemporaryDirectory(prefix="microsite-check-") as tmp:
        result = build(root, _options(args, Path(tmp) / "site", strict=False, throwaway=True))
        site = result.site
        warnings = (list(result.warnings) + list(result.link_warnings)
                    + lint_site(site, result.refs, args.sources, out=result.out, graph=result.graph))
    print(render_status_table(site, result.refs, verbose=args.verbose))
    warnings = sort_errors(warnings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    problems, drafts = len(warnings), len(site.drafts)
    left_out = f", {drafts} draft{'s' if drafts != 1 else ''} left out" if drafts else ""
    print(f"check: {sum(result.pages_per_language.values())} pages{left_out}, "
          f"{problems} warning{'s' if problems != 1 else ''}")
    return 1 if problems and args.strict else 0


def _diff(root: Path, paths: list[Path]) -> int:
    """Print, for each translation, the diff of its source since it was stamped."""
    from .config import load_config
    from .transdiff import render_diff_text, source_change
    config = load_config(root)
    errors = []
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for path in paths:
        try:
            change = source_change(config, path if path.is_absolute() else Path.cwd() / path)
        except BuildFailed as exc:
            errors.extend(exc.errors)
            continue
        print(render_diff_text(change, color), end="")
    if errors:
        raise BuildFailed(errors)
    return 0


def _new(root: Path, args: argparse.Namespace) -> int:
    from .config import load_config
    from .i18n import load_strings
    from .scaffold import create_page
    config = load_config(root)
    title = args.title or args.slug.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").capitalize()
    for path in create_page(config, args.slug, title, load_strings(config)):
        print(f"created {path.relative_to(root).as_posix()}")
    print("drafts (draft: true): the preview shows them; builds leave them out until you delete that line")
    return 0


def _translated(root: Path, args: argparse.Namespace) -> int:
    from .config import load_config
    from .errors import display_path
    from .scaffold import mark_all_translated
    config = load_config(root)
    paths = [path if path.is_absolute() else Path.cwd() / path for path in args.paths]
    stamped, skipped = mark_all_translated(config, paths)
    for path, source, stamp in stamped:
        shown = display_path(path, root)
        print(f"{shown}: marked as a translation of {source.relative_to(root).as_posix()} ({stamp})")
    for path in skipped:
        print(f"{display_path(path, root)}: skipped (no source page in content/{config.default_lang}/)")
    return 0
