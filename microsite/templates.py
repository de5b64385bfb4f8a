"""Templates: the Jinja environment, loading and checking templates/, and locating template errors."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.meta

from .bytecode import CheckedBytecodeCache, bytecode_cache
from .errors import BuildError, BuildFailed, decode_utf8, raise_if
from .model import digest
from .safeio import read_input, walk_files

# Templates using these depend on the whole fact sheet (data_as_of is part of each language's digest instead).
FACT_VARIABLES = {"facts", "charts", "sources"}
# A UI string formatted in a template: t.key.format(name=...), (t.key|e).format(...), t['key'].format(...)
_FORMAT_CALL_RE = re.compile(r"""\bt(?:\.(\w+)|\[\s*['"]([\w-]+)['"]\s*\])\s*(?:\|\s*e\s*\)\s*)?\.format\(""")
_KEYWORD_RE = re.compile(r"(?<![=!<>])\b(\w+)\s*=(?!=)")


class ProjectLoader(jinja2.BaseLoader):
    """Loads templates from templates/ as every input is read: a link out of the project or a FIFO is refused.

    This covers `{% include %}` and `{% extends %}` too, whatever path they name.
    """

    def __init__(self, templates_dir: Path, root: Path) -> None:
        self.templates_dir, self.root = templates_dir, root
        self.ready: dict[str, tuple[str, str, Any]] = {}  # name -> source, filename, code: compiled by _analyse

    def load(self, environment: jinja2.Environment, name: str, globals: Any = None) -> jinja2.Template:
        """Load a template; one that _analyse just compiled is not read and compiled again (see BaseLoader.load)."""
        ready = self.ready.pop(name, None)
        if ready is None:
            return super().load(environment, name, globals)
        source, filename, code = ready
        cache = environment.bytecode_cache
        if cache is not None:
            bucket = cache.get_bucket(environment, name, filename, source)
            if bucket.code is None:
                bucket.code = code
                cache.set_bucket(bucket)
        return environment.template_class.from_code(environment, code, {} if globals is None else globals,
                                                    lambda: True)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = jinja2.loaders.split_template_path(template)  # refuses '..'
        path = self.templates_dir.joinpath(*pieces)
        shown = "templates/" + "/".join(pieces)
        try:
            data = read_input(self.root, path, shown)
        except FileNotFoundError:
            raise jinja2.TemplateNotFound(template) from None
        return decode_utf8(data, shown), str(path), lambda: True

    def list_templates(self) -> list[str]:
        items = walk_files(self.root, self.templates_dir, "templates")
        return sorted(item[0] for item in items if isinstance(item, tuple))


def make_environment(templates_dir: Path, root: Path | None = None,
                     cache_dir: Path | None = None) -> jinja2.Environment:
    """Return the Jinja environment: autoescape on, undefined variables are errors.

    With `cache_dir`, compiled templates are kept there (Jinja's bytecode cache, checked against each
    template's source), so a build does not compile templates that did not change.
    """
    return jinja2.Environment(
        bytecode_cache=bytecode_cache(cache_dir),
        loader=ProjectLoader(templates_dir, templates_dir.parent if root is None else root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


@dataclass(frozen=True)
class TemplateInfo:
    """A template's digest over everything it includes or extends, and whether it shows facts."""

    digest: str
    uses_facts: bool
    formats: tuple[tuple[str, frozenset[str]], ...] = ()  # UI strings it formats, with the names it passes


def format_calls(source: str) -> dict[str, frozenset[str]]:
    """Return the UI strings a template formats and the placeholder names each call passes."""
    calls: dict[str, frozenset[str]] = {}
    for match in _FORMAT_CALL_RE.finditer(source):
        depth, end = 1, match.end()
        while end < len(source) and depth:
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        names = frozenset(_KEYWORD_RE.findall(source[match.end():end - 1]))
        key = match.group(1) or match.group(2)
        calls[key] = calls.get(key, names) & names  # a string formatted in two places may use only what both pass
    return calls


def load_templates(env: jinja2.Environment, templates_dir: Path, root: Path | None = None) -> dict[str, TemplateInfo]:
    """Parse every template once; raise BuildFailed on syntax errors with template path and line."""
    root = templates_dir.parent if root is None else root
    errors: list[BuildError] = []
    sources, refs, names = {}, {}, {}
    for item in walk_files(root, templates_dir, "templates"):
        if isinstance(item, BuildError):
            errors.append(item)
            continue
        name, path = item
        shown = f"templates/{name}"
        try:
            source = decode_utf8(read_input(root, path, shown), shown)
        except BuildFailed as exc:
            errors.extend(exc.errors)
            continue
        except FileNotFoundError:
            continue
        try:
            refs[name], names[name] = _analyse(env, source, name, str(path))
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(BuildError(shown, exc.lineno, f"template syntax: {exc.message}"))
            continue
        except RecursionError:
            errors.append(BuildError(shown, None, "template syntax: blocks nested too deeply"))
            continue
        sources[name] = source
    raise_if(errors)
    info = {}
    for name in sources:
        closure, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in closure or current not in sources:
                continue
            closure.add(current)
            todo.extend(refs[current])
        info[name] = TemplateInfo(digest(repr([(n, sources[n]) for n in sorted(closure)])),
                                  any(names[n] & FACT_VARIABLES for n in closure),
                                  tuple(sorted(format_calls(sources[name]).items())))
    return info


def _analyse(env: jinja2.Environment, source: str, name: str, filename: str) -> tuple[set[str], set[str]]:
    """Return the templates a template includes or extends and the variables it reads.

    Parsing and generating code cost more than anything else about a template, so with a bytecode cache
    the answer is kept beside the compiled code, under a hash of the source (only ever for a source that
    parsed). Otherwise the template is parsed and its code generated once, for the answer and the compiled
    template both: the loader hands that code to get_template.
    """
    cache = env.bytecode_cache if isinstance(env.bytecode_cache, CheckedBytecodeCache) else None
    key = digest(f"{jinja2.__version__}|{name}|{source}")
    kept = cache.load_analysis(key) if cache is not None else None
    if (isinstance(kept, list) and len(kept) == 2 and all(isinstance(part, list) for part in kept)
            and all(isinstance(item, str) for part in kept for item in part)):
        return set(kept[0]), set(kept[1])
    ast = env.parse(source, name, filename)
    refs = {r for r in jinja2.meta.find_referenced_templates(ast) if r}
    generator = _TrackingGenerator(env, name, filename, optimized=env.optimized)
    generator.visit(ast)  # as Environment.compile does, with the tracking of jinja2.meta.find_undeclared_variables
    if isinstance(env.loader, ProjectLoader):
        env.loader.ready[name] = (source, filename, compile(generator.stream.getvalue(), filename, "exec"))
    if cache is not None:
        cache.dump_analysis(key, [sorted(refs), sorted(generator.undeclared_identifiers)])
    return refs, generator.undeclared_identifiers


class _TrackingGenerator(jinja2.meta.TrackingCodeGenerator):
    """jinja2.meta's tracking code generator (what find_undeclared_variables uses), keeping the code it generates.

    The library's version discards the code, so finding a template's variables cost a second code generation.
    """

    write = jinja2.compiler.CodeGenerator.write  # the library's tracker overrides it to write nothing

    def __init__(self, environment: jinja2.Environment, name: str, filename: str, optimized: bool) -> None:
        jinja2.compiler.CodeGenerator.__init__(self, environment, name, filename, optimized=optimized)
        self.undeclared_identifiers: set[str] = set()


def template_error(exc: Exception, templates_dir: Path, page_source: str) -> BuildError:
    """Return the error of a failed render, located in the template when the traceback passes one."""
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return BuildError(f"templates/{exc.name}", exc.lineno, f"template syntax: {message}")
    root = str(templates_dir.resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        filename = str(Path(frame.filename).resolve()) if frame.filename else ""
        if filename.startswith(root + "/"):
            name = Path(filename).relative_to(root).as_posix()
            kind = "undefined variable" if isinstance(exc, jinja2.UndefinedError) else "template error"
            return BuildError(f"templates/{name}", frame.lineno, f"{kind}: {message} (rendering {page_source})")
    return BuildError(page_source, None, f"template error: {message}")
