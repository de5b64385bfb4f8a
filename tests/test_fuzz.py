"""Fuzzing front matter, the fact sheet and the UI strings (issue 15): whatever the text, no traceback, no hang,
and when the build fails, site/ is left exactly as it was.

Hypothesis writes random but YAML-shaped values (nested lists and mappings, anchors and aliases, numbers of
every size, control characters, braces) into one input file at a time; each build runs in a forked child with
its memory capped and a deadline (see hostile.py). The examples are derandomized, so CI runs the same ones.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TINY_FACTS, tiny_files, write_project
from hostile import run_isolated, tree_hash
from microsite.cli import main

EXAMPLES = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
LOCATED = re.compile(r"^[^\s:][^:]*(:\d+)?: \S")  # path:line: message, or path: message

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10 ** 500, max_value=10 ** 500),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
                    st.sampled_from(["{number}", "{nope}", "{0}", "{", "}", "{number.real}", "{{fact:firms}}",
                                     "2022-02-30", "2022-10", "firms * 1e3", "\x00", "\x1b", "&a", "*a", "<b>"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=20)
raw_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


def dump(value: Any) -> str:
    """Return YAML for a value, or its repr when YAML cannot write it (both are fair input)."""
    try:
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None)
    except (yaml.YAMLError, ValueError, OverflowError):
        return repr(value)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, fast_templates: None) -> Iterator[Path]:
    project = write_project(tmp_path_factory.mktemp("fuzz") / "project", tiny_files())
    with contextlib.redirect_stdout(io.StringIO()):  # in this process: every forked run inherits its templates
        assert main(["--root", str(project), "build"]) == 0
    yield project


def check(project: Path, rel: str, text: str) -> None:
    """Write `text` to one input, build in a limited child, restore the input; assert the promises."""
    path = project / rel
    original = path.read_bytes()
    before = tree_hash(project / "site")
    try:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        run = run_isolated(main, ["--root", str(project), "build"])
    finally:
        path.write_bytes(original)
    assert run.code is not None, run.traceback  # no hang, no crash
    assert run.traceback == "", run.traceback
    assert run.code in (0, 1), run.stdout + run.stderr
    if run.code == 1:
        assert tree_hash(project / "site") == before
        lines = run.stderr.splitlines()
        assert lines and all(LOCATED.match(line) for line in lines[:-1]), run.stderr
        assert not any(line.startswith("microsite/") for line in lines), run.stderr  # no internal error
    os.utime(path)  # the restored file differs from what the last good build saw, so nothing is skipped


@EXAMPLES
@given(front=st.one_of(st.dictionaries(st.sampled_from(["title", "description", "date", "weight", "template",
                                                         "translation_of", "x"]), values, max_size=5).map(dump),
                       raw_text))
def test_fuzzed_front_matter(project: Path, front: str) -> None:
    check(project, "content/en/about/team.md", f"---\n{front}\n---\nThe team.\n")


@EXAMPLES
@given(path=st.lists(st.sampled_from(["sources", "units", "facts", "charts", "survey", "firms", "firm_share",
                                      "shares", "value", "unit", "as_of", "label", "source", "derived", "round",
                                      "facts", "kind", "title", "en"]), min_size=1, max_size=4), value=values)
def test_fuzzed_fact_sheet(project: Path, path: list[str], value: Any) -> None:
    sheet = yaml.safe_load(TINY_FACTS)
    node = sheet
    for key in path[:-1]:  # walk as far as the path exists, then put the value there
        if not isinstance(node.get(key) if isinstance(node, dict) else None, dict):
            break
        node = node[key]
    if isinstance(node, dict):
        node[path[-1]] = value
    check(project, "content/facts.yaml", dump(sheet))


@EXAMPLES
@given(key=st.sampled_from(["fact_value", "fact_title", "chart_part", "data_as_of", "as_of", "colon", "name_zh",
                            "new key", "skip_to_content"]), value=st.one_of(values, raw_text))
def test_fuzzed_strings(project: Path, key: str, value: Any) -> None:
    strings = yaml.safe_load((project / "content/strings/zh.yaml").read_text(encoding="utf-8"))
    strings[key] = value
    check(project, "content/strings/zh.yaml", dump(strings))
