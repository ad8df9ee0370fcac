"""Property-based tests: whatever a guide file holds, loading and resolving it works or raises ContentError.

Every example changes one file of a copy of the fixture guide, loads the guide, resolves every edition and computes
the warnings, as `guidebuilder check` does; any exception but ContentError is a bug. The default run is small;
GUIDEBUILDER_FUZZ_EXAMPLES=3000 runs that many examples per test.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidebuilder.content.guide import load_guide
from guidebuilder.content.models import Edition, GuideMeta, Section
from guidebuilder.content.yamlpos import parse_yaml
from guidebuilder.editions.resolve import resolve_all
from guidebuilder.errors import ContentError
from guidebuilder.i18n.translators import translation_warnings
from guidebuilder.proof.warnings import stale_figures, undated_numbers

from .conftest import FIXTURE

EXAMPLES = int(os.environ.get("GUIDEBUILDER_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUILD_DATE = date(2026, 1, 1)
SECTION = "sections/02-pay.md"
EDITION = "editions/en-GB.yaml"


def _original(rel: str) -> str:
    """A file of the fixture guide."""
    return (FIXTURE / "guide" / rel).read_text(encoding="utf-8")


def _front_matter(rel: str) -> tuple[dict[str, Any], str]:
    """A section file's front matter as data, and its body."""
    _, front, body = _original(rel).split("---\n", 2)
    return parse_yaml(front).data, body


YAML_FILES = {rel: parse_yaml(_original(rel)).data for rel in ("guide.yaml", EDITION, "strings/en.yaml")}
SECTION_DATA, SECTION_BODY = _front_matter(SECTION)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every location inside nested data, containers included."""
    yield prefix
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from _paths(value, prefix + (key,))


LOCATIONS = [(rel, path) for rel, data in YAML_FILES.items() for path in _paths(data) if path] + [
    (SECTION, path) for path in _paths(SECTION_DATA) if path
]
FIELD_NAMES = sorted({*Edition.model_fields, *GuideMeta.model_fields, *Section.model_fields, "type", "src", "alt"})
INTERESTING = [
    "", " ", "\0", "\x00images/route.svg", "images/route.svg", "../../etc/hostname", "/etc/hostname", "file:///x",
    "{{ agency.name }}", "{{ agency }}", "{{ nope }}", "{{ ''.__class__ }}", "{%", "}}", "#", "&a", "*a",
    "2025-06", "2025-02-30", "0001-01-01", "9999-12-31", "2099", "en-GB", "en-US", "GB", "US", "xx-XX",
    "https://www.example.gov/", "http://[::1", "mailto:a@b.c", "x" * 300, "figure", "facts", "pay", "links",
    "[x](file:///etc/passwd)", "<script>", "\u202e", "\ufeff", "\r\n", "a\u2028b",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.dates().map(date.isoformat),
    st.sampled_from(INTERESTING),
)
KEYS = st.one_of(st.text(max_size=8), st.sampled_from(FIELD_NAMES))
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=12,
)
YAML_PIECES = [
    "&a ", "*a", "<<: *a", "!!python/object:os.system ", "!!binary ", "!!int ", "!!float ", "!!set ", "!!omap ",
    "!!timestamp 2020-01-01", "!!str ", "? ", "- ", ": ", ":", "\n", "\n  ", "\n    - ", "'", '"', "|\n  ", ">-\n  ",
    "%YAML 1.1\n", "---\n", "...\n", "{", "}", "[", "]", ",", "#", "\t", "\\", "~", "null", ".inf", "0x1F", "1e400",
    "2024-02-30", "yes", "\ufeff", "\x85", "\u2028", "source: [g1]", "only_in: [GB]", "{{ agency.name }}",
]  # fmt: skip
YAMLISH = st.one_of(st.sampled_from(YAML_PIECES), st.text(alphabet=st.sampled_from(sorted(set("".join(YAML_PIECES))))))
MARKDOWN_PIECES = [
    "[", "]", "(", ")", "<", ">", "!", "#", "### ", "## ", "*", "_", "`", "```\n", "{{", "}}", "{%", "%}", "{#",
    " ", "\n", "\n\n", "- ", "1. ", "> ", "|", "---", "***", "\\", "&", "&#x66;", "&amp;", ";", "http://",
    "https://a.example/", "mailto:", "file:///etc/passwd", "javascript:", "data:", "agency.name", "country.name",
    "officer.grade", "{{ agency.name }}", "{{ apply.url }}", "<b>", "<!-- x -->", "\t", "\r", "\u00a0", "\u200b",
]  # fmt: skip
MARKDOWN = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=8)), max_size=30).map("".join)
PATHS = st.one_of(
    st.text(), st.text(alphabet="./\\:%#?~ \0xé"), st.sampled_from([*INTERESTING, "x" * 5000, "a/" * 3000])
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture guide shared by the examples; each example restores what it changed."""
    guide = tmp_path_factory.mktemp("fuzz") / "guide"
    shutil.copytree(FIXTURE / "guide", guide)
    return guide


@contextmanager
def replaced(root: Path, rel: str, data: str | bytes) -> Iterator[None]:
    """The file rel holds data while the block runs."""
    path = root / rel
    original = path.read_bytes()
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    try:
        yield
    finally:
        path.write_bytes(original)


def load_and_resolve(root: Path) -> None:
    """What `guidebuilder check` does; only ContentError may come out, with located problems."""
    try:
        guide = load_guide(root)
    except ContentError as exc:
        assert exc.problems and all(isinstance(p.line, int) and str(p) for p in exc.problems)
        return
    problems = resolve_all(guide, BUILD_DATE)[1] + stale_figures(guide, BUILD_DATE) + undated_numbers(guide)
    problems += translation_warnings(guide)
    assert all(str(p) for p in problems)


def dump(data: Any) -> str:
    """Data as YAML text."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def section_file(front: Any, body: str = SECTION_BODY) -> str:
    """A section file with this front matter and body."""
    return f"---\n{dump(front)}---\n{body}"


def put(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A deep copy of data with the value at path replaced."""
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@FUZZ
@given(st.one_of(st.binary(), st.text(), st.text().map("---\n".__add__), MARKDOWN.map("---\nid: pay\n---\n".__add__)))
def test_any_text_as_a_section_file(root: Path, text: str | bytes):
    with replaced(root, SECTION, text):
        load_and_resolve(root)


@FUZZ
@given(st.sampled_from(["guide.yaml", EDITION, "strings/en.yaml"]), st.one_of(st.text(), YAMLISH), st.data())
def test_yaml_ish_text_as_a_yaml_file(root: Path, rel: str, extra: str, data: st.DataObject):
    text = _original(rel)
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 30)))
        text = text[:start] + data.draw(YAMLISH) + text[end:]
    with replaced(root, rel, data.draw(st.sampled_from([text, extra]))):
        load_and_resolve(root)


@FUZZ
@given(st.sampled_from([*YAML_FILES, SECTION]), STRUCTURES)
def test_any_structure_as_a_whole_file(root: Path, rel: str, structure: Any):
    text = section_file(structure) if rel == SECTION else dump(structure)
    with replaced(root, rel, text):
        load_and_resolve(root)


@FUZZ
@given(st.sampled_from(LOCATIONS), STRUCTURES)
def test_any_value_at_any_place(root: Path, location: tuple[str, tuple[Any, ...]], value: Any):
    rel, path = location
    text = section_file(put(SECTION_DATA, path, value)) if rel == SECTION else dump(put(YAML_FILES[rel], path, value))
    with replaced(root, rel, text):
        load_and_resolve(root)


@FUZZ
@given(MARKDOWN, st.text(), st.sampled_from(["body", "summary", "title", "item", "alt"]))
def test_any_markdown_and_placeholder_in_text(root: Path, markdown: str, name: str, where: str):
    text = f"{markdown} {{{{ {name} }}}} {{{{ agency.{name} }}}}"
    if where == "body":
        content = section_file(SECTION_DATA, text)
    elif where == "item":
        content = section_file(put(SECTION_DATA, ("blocks", 3, "items", 0), text))
    elif where == "alt":
        content = section_file(put(SECTION_DATA, ("blocks", 2, "alt"), text))
    else:
        content = section_file({**SECTION_DATA, where: text})
    with replaced(root, SECTION, content):
        load_and_resolve(root)


@FUZZ
@given(st.sampled_from(["name", "short", "parent"]), st.one_of(st.text(), MARKDOWN))
def test_any_text_as_a_placeholder_value(root: Path, field: str, value: str):
    edition = put(YAML_FILES[EDITION], ("agency", field), value)
    with replaced(root, EDITION, dump(edition)):
        load_and_resolve(root)


@FUZZ
@given(PATHS)
def test_any_text_as_a_figure_src(root: Path, src: str):
    with replaced(root, SECTION, section_file(put(SECTION_DATA, ("blocks", 2, "src"), src))):
        load_and_resolve(root)
