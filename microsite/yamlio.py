"""YAML parsing that keeps line numbers and refuses duplicate keys, deep nesting and alias bombs."""

from __future__ import annotations

import datetime
import re
from collections.abc import Hashable
from typing import Any

import yaml

from .errors import BuildError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 50  # real settings nest 4 or 5 levels; Python's own recursion limit is hit near 300
FLAT_PAIRS = 10_000  # a mapping of plain values up to this size needs no walk (see check_node)
MIN_EXPANDED = 100_000  # values a document may expand to through aliases (or twice its own size, if larger)


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
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(None, None, "a key must be a single value, not a list "
                                                        "or mapping", key_node.start_mark)
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
        node = loader.get_single_node()
        problem = check_node(node) if node is not None else None
        if problem:
            return None, [BuildError(path, problem[0] + first_line - 1, problem[1])]
        data = loader.construct_document(node) if node is not None else None
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
    except yaml.reader.ReaderError as exc:  # a character YAML refuses; it has a position, not a line
        line = text[:exc.position].count("\n") + first_line
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return None, [BuildError(path, line, f"invalid YAML: character U+{code:04X}: {exc.reason}")]
    except yaml.YAMLError as exc:
        return None, [BuildError(path, first_line, f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else exc!r}")]
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


def check_node(root: yaml.Node) -> tuple[int, str] | None:
    """Return (line, problem) when a composed document nests too deep or its aliases expand too far.

    An alias is the same node object as its anchor, so the graph stays small while the values it
    stands for can number billions (a 'billion laughs' in under 1 KB): sizes are summed per node
    object, once, without recursion.
    """
    if isinstance(root, yaml.MappingNode) and len(root.value) <= FLAT_PAIRS and all(
            isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode) for key, value in root.value):
        return None  # plain `key: value` lines (most front matter): one level, and aliases of scalars add nothing
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    unique = 0
    stack: list[tuple[yaml.Node, bool, int]] = [(root, False, 1)]  # node, finished?, lists and mappings around it
    while stack:
        node, done, level = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            size[key] = 1 + sum(size[id(child)] for child in children)
            depth[key] = _level(node) + max((depth[id(child)] for child in children), default=0)
            if depth[key] > MAX_DEPTH:  # through aliases to values nested before
                return node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep"
            if size[key] > max(MIN_EXPANDED, 2 * unique):
                return node.start_mark.line + 1, (f"aliases (*name) expand to more than {max(MIN_EXPANDED, 2 * unique):,} "
                                                  "values; write the values out instead")
            continue
        if key in size:
            continue
        if key in depth:  # entered but not finished: the node contains itself
            return node.start_mark.line + 1, "an alias (*name) refers to a value that contains it"
        if level > MAX_DEPTH:  # found going down, so the line is where the nesting gets too deep
            return node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep"
        depth[key] = -1
        unique += 1
        stack.append((node, True, level))
        for child in reversed(children):  # reversed, so they are taken in document order
            if id(child) not in size:
                stack.append((child, False, level + _level(child)))
        if len(stack) > 4 * MIN_EXPANDED:
            return node.start_mark.line + 1, "too many values"
    return None


def _level(node: yaml.Node) -> int:
    """Return how much a node adds to the nesting: a list or mapping is a level, a plain value is not."""
    return 0 if isinstance(node, yaml.ScalarNode) else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _shift_lines(data: Any, shift: int) -> None:
    """Add `shift` to every line recorded in `data` (each mapping once, however often aliases repeat it)."""
    seen: set[int] = set()
    todo = [data]
    while todo:
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, LineMap):
            value.line += shift
            value.lines = {k: v + shift for k, v in value.lines.items()}
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)


def line_of(data: Any, key: Any, default: int = 1) -> int:
    """Return the line of `key` in a LineMap, or `default` for other values."""
    if isinstance(data, LineMap):
        return data.line_of(key)
    return default
