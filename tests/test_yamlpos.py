"""The positioned YAML reader: libyaml fast path and the pure-Python path agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebuilder.content import yamlpos

from .conftest import REPO

FILES = sorted((REPO / "guide").rglob("*.yaml")) + sorted((REPO / "guide").rglob("*.md"))


def _yaml_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("---\n")[1] if path.suffix == ".md" else text


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_fast_and_pure_python_parsers_agree(path, monkeypatch):
    text = _yaml_text(path)
    assert yamlpos._plainly_shallow(text)
    fast = yamlpos.parse_yaml(text, 1)
    monkeypatch.setattr(yamlpos, "_plainly_shallow", lambda _text: False)
    slow = yamlpos.parse_yaml(text, 1)
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    ["a: " + "[" * 300 + "]" * 300, "a:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(60)), "- " * 50 + "x"],
)
def test_deep_texts_take_the_pure_python_path(text):
    assert not yamlpos._plainly_shallow(text)
    with pytest.raises(yamlpos.YamlSyntaxError, match="nested deeper"):
        yamlpos.parse_yaml(text)


def test_errors_come_from_the_pure_python_parser():
    with pytest.raises(yamlpos.YamlSyntaxError) as info:
        yamlpos.parse_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line == 2
    assert "flow sequence" in str(info.value)


def test_a_text_parsed_again_gives_data_of_its_own() -> None:
    """A long-lived process parses an unchanged file once; what one caller changes, the next does not see."""
    text = "title: Pay\nitems:\n  - one\n  - two\n"
    first = yamlpos.parse_yaml(text, 3)
    first.data["items"].append("three")
    first.lines[("title",)] = 99
    second = yamlpos.parse_yaml(text, 3)
    assert second.data == {"title": "Pay", "items": ["one", "two"]}
    assert second.lines[("title",)] == 4 and second.line_of(("items", 1)) == 7
    assert yamlpos.parse_yaml(text, 0).lines[("title",)] == 1  # the line offset is part of the key
