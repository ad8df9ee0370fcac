"""Read guide/ files into positioned data; every problem is collected, none raised early."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from .models import Section
from .yamlpos import Positioned, YamlSyntaxError, parse_yaml

MAX_FILE_BYTES = 1_000_000
FRONT_MATTER = "---"
TODO = "TODO"  # marks a value still to fill in (guidebuilder new-edition writes them)


@dataclass(frozen=True)
class Origin:
    """Where a piece of content came from: its file, the lines of its keys, the body's first line."""

    path: str
    doc: Positioned
    body_line: int = 0

    def line(self, loc: tuple[Any, ...]) -> int:
        """The line of a location, the body counting from its first line."""
        if loc and loc[0] == "body" and self.body_line:
            return self.body_line + (loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0)
        return self.doc.line_of(_data_loc(self.doc.data, loc))

    def prints_source(self, loc: tuple[Any, ...]) -> bool:
        """Whether the text at loc is printed in the source language in place of a missing translation."""
        return False


class Reader:
    """Reads files below a root, turning every failure into a Problem and noting where each content key
    (`guide`, `section:<id>`, `edition:<id>`...) came from."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.origins: dict[str, Origin] = {}

    def name(self, path: Path) -> str:
        """The path as shown in messages: relative to the project folder."""
        try:
            return path.relative_to(self.root.parent).as_posix()
        except ValueError:
            return path.as_posix()

    def problem(self, path: Path | str, line: int, field: str, message: str) -> None:
        """Record one problem."""
        shown = path if isinstance(path, str) else self.name(path)
        self.problems.append(Problem(shown, line, field, message))

    def text(self, path: Path) -> str | None:
        """The file's text, or None after recording why it cannot be read."""
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # reading a named pipe or a device would wait for good
                what = "a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe or device"
                self.problem(path, 1, "", f"not a regular file but {what}")
                return None
            if info.st_size > MAX_FILE_BYTES:
                self.problem(path, 1, "", f"file is larger than {MAX_FILE_BYTES:,} bytes")
                return None
            raw = path.read_bytes()
        except OSError as exc:
            self.problem(path, 1, "", f"cannot read file: {exc.strerror}")
            return None
        if raw.startswith(b"\xef\xbb\xbf"):
            self.problem(
                path,
                1,
                "",
                "file starts with a byte-order mark; save it as UTF-8 without BOM",
            )
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(path, line, "", f"not valid UTF-8 (byte {exc.start})")
            return None
        if not text.strip():
            self.problem(path, 1, "", "file is empty")
            return None
        if "\0" in text:
            line = text[: text.index("\0")].count("\n") + 1
            self.problem(path, line, "", "file contains a NUL character")
            return None
        return text

    def yaml_file(self, path: Path) -> Origin | None:
        """A YAML file parsed with positions."""
        text = self.text(path)
        return None if text is None else self._parse(path, text, 0)

    def yaml_model(self, path: Path, cls: type[BaseModel]) -> tuple[Origin | None, Any]:
        """A YAML file parsed with positions and validated against cls (None where that failed)."""
        origin = self.yaml_file(path)
        return origin, None if origin is None else self.model(cls, origin.doc.data, origin)

    def front_matter_file(self, path: Path) -> tuple[Origin, str] | None:
        """A Markdown file with YAML front matter: the front matter's origin and the body."""
        text = self.text(path)
        if text is None:
            return None
        lines = text.split("\n")
        if lines[0].rstrip() != FRONT_MATTER:
            self.problem(path, 1, "", "file must start with '---' and YAML front matter")
            return None
        try:
            end = next(i for i, line in enumerate(lines[1:], 1) if line.rstrip() == FRONT_MATTER)
        except StopIteration:
            self.problem(path, 1, "", "front matter is not closed by a '---' line")
            return None
        origin = self._parse(path, "\n".join(lines[1:end]), 1)
        if origin is None:
            return None
        body = "\n".join(lines[end + 1 :])
        return Origin(origin.path, origin.doc, end + 2), body

    def _parse(self, path: Path, text: str, offset: int) -> Origin | None:
        try:
            doc = parse_yaml(text, offset)
        except YamlSyntaxError as exc:
            self.problem(path, exc.line, "", str(exc))
            return None
        if not isinstance(doc.data, dict):
            self.problem(path, doc.first_line, "", "expected a mapping of fields (key: value)")
            return None
        return Origin(self.name(path), doc)

    def model(self, cls: type[BaseModel], data: dict[str, Any], origin: Origin) -> Any:
        """Validate data against a model, recording each error with its line; a value still marked
        TODO is reported as still to fill in, and nothing else is said about it."""
        todos = list(to_do_values(data))
        for loc in todos:
            self.problem(origin.path, origin.line(loc), ".".join(map(str, loc)), "still to fill in")
        try:
            model = cls.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = _data_loc(data, error["loc"] + tuple((error.get("ctx") or {}).get("at", ())))
                if not any(_about_to_do(loc, error["type"], todo) for todo in todos):
                    self.problem(origin.path, origin.line(loc), ".".join(map(str, loc)), _message(error))
            return None
        return None if todos else model


def _about_to_do(loc: tuple[Any, ...], kind: str, todo: tuple[Any, ...]) -> bool:
    """Whether an error is only a consequence of a value still to fill in: about it, or a list too short
    because that value was not an item yet."""
    return loc[: len(todo)] == todo or kind == "too_short" and todo[: len(loc)] == loc


def to_do_values(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The location of every value still to fill in: a text starting with the TODO marker."""
    if isinstance(data, str) and data.lstrip().startswith(TODO):
        yield loc
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from to_do_values(value, loc + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from to_do_values(value, loc + (index,))


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the parts of a pydantic location that are union tags, not keys of the data."""
    result: list[Any] = []
    for part in loc:
        if (
            isinstance(data, list)
            and isinstance(part, int)
            and part < len(data)
            or isinstance(data, dict)
            and part in data
        ):
            data = data[part]
        elif isinstance(data, (dict, list)):
            if isinstance(part, str) and (isinstance(data, dict) and data.get("type") == part or "[" in part):
                continue
            result.append(part)
            data = None
            continue
        else:
            continue
        result.append(part)
    return tuple(result)


_TAGS = {"key_points", "checklist", "callout", "figure", "table", "sources", "facts"}


def _message(error: dict[str, Any]) -> str:
    """A pydantic error message in the words an author understands."""
    kind = error["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "union_tag_invalid":
        return f"unknown block type; expected one of: {', '.join(sorted(_TAGS))}"
    if kind == "union_tag_not_found":
        return "block has no 'type'"
    if kind in ("tuple_type", "list_type"):
        return "must be a list of items"
    if kind in ("dict_type", "model_type"):
        return "must be a mapping of fields (key: value)"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "too_long" and isinstance(error.get("input"), str):
        return f"at most {error['ctx']['max_length']} characters, got {len(error['input'])}"
    if kind == "literal_error":
        return f"{message}, got {error['input']!r}"
    return message[0].lower() + message[1:] if message else kind


def load_section_files(reader: Reader, folder: Path, model: type[Section], prefix: str) -> dict[str, Section]:
    """Every section file in a folder, validated against model; origins keyed prefix:id."""
    origins = reader.origins
    sections: dict[str, Section] = {}
    for path in sorted(folder.glob("*.md")):
        loaded = reader.front_matter_file(path)
        if loaded is None:
            continue
        origin, body = loaded
        if "body" in origin.doc.data:
            line = origin.doc.line_of(("body",))
            reader.problem(origin.path, line, "body", "unknown field: the body is the text after the front matter")
            continue
        section = reader.model(model, {**origin.doc.data, "body": body}, origin)
        if section is None:
            continue
        if section.id in sections:
            first = origins[f"{prefix}:{section.id}"].path
            reader.problem(
                origin.path,
                origin.line(("id",)),
                "id",
                f"duplicate section id '{section.id}' (also in {first})",
            )
            continue
        sections[section.id] = section
        origins[f"{prefix}:{section.id}"] = origin
    return sections
