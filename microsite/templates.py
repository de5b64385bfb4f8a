"""Templates: the Jinja environment, loading and checking templates/, and locating template errors."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta

from .errors import BuildError, raise_if
from .model import digest

# Templates using these depend on the whole fact sheet (data_as_of is part of each language's digest instead).
FACT_VARIABLES = {"facts", "charts", "sources"}


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Return the Jinja environment: autoescape on, undefined variables are errors."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
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


def load_templates(env: jinja2.Environment, templates_dir: Path) -> dict[str, TemplateInfo]:
    """Parse every template once; raise BuildFailed on syntax errors with template path and line."""
    errors, sources, refs, names = [], {}, {}, {}
    for path in sorted(templates_dir.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        name = path.relative_to(templates_dir).as_posix()
        shown = f"templates/{name}"
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            line = path.read_bytes().count(b"\n", 0, exc.start) + 1
            errors.append(BuildError(shown, line, "not valid UTF-8; save the file as UTF-8"))
            continue
        try:
            ast = env.parse(source, name, shown)
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(BuildError(shown, exc.lineno, f"template syntax: {exc.message}"))
            continue
        sources[name] = source
        refs[name] = {r for r in jinja2.meta.find_referenced_templates(ast) if r}
        names[name] = jinja2.meta.find_undeclared_variables(ast)
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
                                  any(names[n] & FACT_VARIABLES for n in closure))
    return info


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
