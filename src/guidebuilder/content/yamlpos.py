"""YAML parsing that remembers the line of every key and item."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from functools import lru_cache
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


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)

_FastLoader = type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
NESTING_TOKENS = ("[", "{", "- ", "? ")

MAX_DEPTH = 40
MAX_NODES = 100_000


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml when the text is plainly shallow (15x faster), else or on any error in Python."""
    if _plainly_shallow(text):
        try:
            return yaml.compose(text, Loader=_FastLoader)
        except Exception:  # noqa: BLE001  the pure-Python parser below reports it with its precise message
            pass
    return yaml.compose(text, Loader=_Loader)


def _plainly_shallow(text: str) -> bool:
    """True when no nesting could be deep enough to strain libyaml's recursive composer."""
    if len(text) > 200_000 or sum(text.count(token) for token in "[{") > 200:
        return False
    for line in text.splitlines():
        body = line.lstrip(" ")
        if len(line) - len(body) > 80 or sum(body.count(token) for token in NESTING_TOKENS) > 8:
            return False
    return True


def parse_yaml(text: str, line_offset: int = 0) -> Positioned:
    """Parse one YAML document; lines are shifted by line_offset. The preview, a long-lived process, sees
    mostly unchanged files: a text parsed before is not parsed again, and each caller gets data of its own."""
    return pickle.loads(_parsed(text, line_offset))


@lru_cache(maxsize=256)
def _parsed(text: str, line_offset: int) -> bytes:
    return pickle.dumps(_parse(text, line_offset), protocol=pickle.HIGHEST_PROTOCOL)


def _parse(text: str, line_offset: int) -> Positioned:
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark, opened = exc.problem_mark, exc.context_mark
        if opened is not None and (mark is None or "flow" in (exc.context or "") or not text[mark.index :].strip()):
            mark = opened  # an unclosed bracket or quote: show the line where it was opened
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        what = ", ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise YamlSyntaxError(f"malformed YAML: {what}", line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"malformed YAML: {exc}", line_offset + 1) from None
    except RecursionError:
        raise YamlSyntaxError(f"structure nested deeper than {MAX_DEPTH} levels", line_offset + 1) from None
    if node is None:
        return Positioned(None, {}, line_offset + 1)
    lines: dict[Loc, int] = {}
    data = _build(node, (), lines, line_offset, 0, [MAX_NODES])
    return Positioned(data, lines, node.start_mark.line + 1 + line_offset)


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], offset: int, depth: int, budget: list[int]) -> Any:
    """Turn a composed node into Python data, recording lines."""
    line = node.start_mark.line + 1 + offset
    if depth > MAX_DEPTH:
        raise YamlSyntaxError(f"structure nested deeper than {MAX_DEPTH} levels", line)
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlSyntaxError(f"more than {MAX_NODES:,} values; are aliases (*name) nested?", offset + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError("mapping keys must be plain text", key_line)
            key = key_node.value  # keys are names: `yes:` or `2024:` stay text, not true or 2024
            if key in result:
                raise YamlSyntaxError(f"duplicate key '{key}'", key_line)
            lines[loc + (key,)] = key_line
            result[key] = _build(value_node, loc + (key,), lines, offset, depth + 1, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[loc + (index,)] = item.start_mark.line + 1 + offset
            items.append(_build(item, loc + (index,), lines, offset, depth + 1, budget))
        return items
    return _scalar(node, offset)


def _scalar(node: yaml.Node, offset: int) -> Any:
    """Construct a scalar with the safe constructors."""
    line = node.start_mark.line + 1 + offset
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        return _Loader(" ").construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        what = ", ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise YamlSyntaxError(f"malformed YAML value: {what}", line) from None
    except Exception:  # PyYAML's constructors fail in many ways on bad tagged values: `!!int ""`, `!!bool x`
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlSyntaxError(f"malformed YAML value: {node.value!r} is not a valid {tag}", line) from None
