"""YAML parsing that remembers the line of every key and item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Loc = tuple[Any, ...]


class YamlSyntaxError(ValueError):
    """Malformed YAML; carries the 1-based line where known."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Positioned:
    """Plain data plus the 1-based line of each location inside it."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    first_line: int = 1

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest known prefix of loc."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.first_line


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text: the models parse them."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

MAX_DEPTH = 40


def parse_yaml(text: str, line_offset: int = 0) -> Positioned:
    """Parse one YAML document; lines are shifted by line_offset."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        raise YamlSyntaxError(f"malformed YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"malformed YAML: {exc}", line_offset + 1) from None
    if node is None:
        return Positioned(None, {}, line_offset + 1)
    lines: dict[Loc, int] = {}
    data = _build(node, (), lines, line_offset, 0)
    return Positioned(data, lines, node.start_mark.line + 1 + line_offset)


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], offset: int, depth: int) -> Any:
    """Turn a composed node into Python data, recording lines."""
    line = node.start_mark.line + 1 + offset
    if depth > MAX_DEPTH:
        raise YamlSyntaxError(f"structure nested deeper than {MAX_DEPTH} levels", line)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key, (str, int)):
                raise YamlSyntaxError("mapping keys must be plain text", key_line)
            if key in result:
                raise YamlSyntaxError(f"duplicate key '{key}'", key_line)
            lines[loc + (key,)] = key_line
            result[key] = _build(value_node, loc + (key,), lines, offset, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[loc + (index,)] = item.start_mark.line + 1 + offset
            items.append(_build(item, loc + (index,), lines, offset, depth + 1))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """Construct a scalar with the safe constructors."""
    if not isinstance(node, yaml.ScalarNode):
        raise YamlSyntaxError("mapping keys must be plain text", node.start_mark.line + 1)
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        return _Loader(" ").construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"malformed YAML value: {exc}", node.start_mark.line + 1) from None
