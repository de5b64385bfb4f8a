"""YAML parsing that keeps line numbers and refuses duplicate keys."""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

from .errors import BuildError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineMap(dict):
    """A dict parsed from YAML that remembers the line of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]

    @classmethod
    def empty(cls, line: int) -> "LineMap":
        """Return an empty mapping that sits at `line`."""
        mapping = cls()
        mapping.line, mapping.lines = line, {}
        return mapping

    def line_of(self, key: Any) -> int:
        """Return the line of `key`, or the line of the mapping itself."""
        return self.lines.get(key, self.line)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that builds LineMaps and records duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, Any]] = []

    def construct_line_map(self, node: yaml.MappingNode) -> LineMap:
        self.flatten_mapping(node)
        mapping = LineMap.empty(node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in mapping.lines:
                self.duplicates.append((line, key))
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.lines[key] = line
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_line_map)


_UNCLOSED = {"while scanning a quoted scalar": "the quote", "while parsing a flow sequence": "the '['",
             "while parsing a flow mapping": "the '{'"}


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[BuildError]]:
    """Parse YAML text; return the data and errors located at `path:line`.

    `first_line` is the file line where `text` starts (front matter starts on line 2).
    """
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        opened = _UNCLOSED.get(exc.context or "")
        if opened and exc.context_mark and mark and exc.context_mark.line < mark.line:
            # An unclosed quote or bracket is found lines later (often at the end): point at where it opened.
            mark, problem = exc.context_mark, f"{opened} opened on this line is never closed ({problem})"
        line = mark.line + first_line if mark else first_line
        lines = text.splitlines()
        if mark and 0 <= mark.line < len(lines) and re.search(r":\s+\{\{", lines[mark.line]):
            problem += "; a value starting with {{ must be quoted: title: \"{{fact:key}} ...\""
        return None, [BuildError(path, line, f"invalid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return None, [BuildError(path, first_line, f"invalid YAML: {exc}")]
    except ValueError as exc:  # a value YAML recognises but cannot build, like the date 2022-02-30
        return None, [bad_date_error(text, path, first_line, exc)]
    finally:
        loader.dispose()
    shift = first_line - 1
    if shift and data is not None:
        _shift_lines(data, shift)
    errors = [BuildError(path, line + shift, f"duplicate key '{key}'") for line, key in loader.duplicates]
    return data, errors


_DATE_RE = re.compile(r"\b(\d{4}-\d{1,2}-\d{1,2})\b")


def bad_date_error(text: str, path: str, first_line: int, exc: ValueError) -> BuildError:
    """Return the error for a date that does not exist, on the line where it is written."""
    for number, line in enumerate(text.split("\n"), first_line):
        for match in _DATE_RE.finditer(line):
            try:
                datetime.date(*(int(part) for part in match.group(1).split("-")))
            except ValueError:
                return BuildError(path, number, f"invalid date {match.group(1)}: {exc}")
    return BuildError(path, first_line, f"invalid value: {exc}")


def _shift_lines(data: Any, shift: int) -> None:
    if isinstance(data, LineMap):
        data.line += shift
        data.lines = {k: v + shift for k, v in data.lines.items()}
        for value in data.values():
            _shift_lines(value, shift)
    elif isinstance(data, list):
        for value in data:
            _shift_lines(value, shift)


def line_of(data: Any, key: Any, default: int = 1) -> int:
    """Return the line of `key` in a LineMap, or `default` for other values."""
    if isinstance(data, LineMap):
        return data.line_of(key)
    return default
