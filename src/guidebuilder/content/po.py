"""Translations as gettext PO files: one entry per translatable unit of the source, built back into sections."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .loader import Origin
from .models import GuideMeta, Section
from .poread import Entry, parse_po
from .yamlpos import Positioned

GUIDE = "guide.yaml"  # msgctxt prefix of the guide's own texts (a section id cannot contain a dot)
NOT_TEXT = frozenset({"type", "kind", "src", "url", "accessed", "topic", "only_in", "not_in"})
KEYWORD_SEPARATOR = ", "
PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}")  # not .*?: a long run of braces would cost quadratic time
_UNIT_START = re.compile(r"^(#{1,6} +|[ \t]*(?:[-*+]|\d+[.)]) +|> ?)")


@dataclass(frozen=True)
class Unit:
    """One translatable string of the source: its context (section and path), text and source line."""

    context: str
    text: str
    path: str
    line: int

    @property
    def placeholders(self) -> list[str]:
        """The placeholders a translation must keep, in order of first use."""
        return list(dict.fromkeys(PLACEHOLDER.findall(self.text)))


def body_pieces(body: str) -> list[tuple[str, str, int]]:
    """The body cut into units: (literal before the unit, unit text, the unit's line offset); the
    literal after the last unit comes as a final piece with empty text. Joining the pieces gives the body back."""
    pieces: list[tuple[str, str, int]] = []
    literal, text, start = "", [], 0
    for offset, line in enumerate(body.split("\n")):
        sep = "\n" if offset else ""
        marker = _UNIT_START.match(line)
        if not line.strip() or marker or not text:
            if text:
                pieces.append((literal, "\n".join(text), start))
                literal, text = "", []
            literal += sep
            if line.strip():
                literal += marker.group(0) if marker else ""
                text, start = [line[marker.end() :] if marker else line], offset
            else:
                literal += line
        else:
            text.append(line)
    if text:
        pieces.append((literal, "\n".join(text), start))
        literal = ""
    pieces.append((literal, "", -1))
    return pieces


def join_body(pieces: list[tuple[str, str, int]], texts: list[str]) -> str:
    """The body with its units' texts replaced by texts (one per unit, in order)."""
    out = []
    for (literal, _, _), text in zip(pieces, [*texts, ""], strict=True):
        out.append(literal + text)
    return "".join(out)


def section_units(section: Section, origin: Origin) -> Iterator[Unit]:
    """Every translatable string of a source section, with its msgctxt and source line."""
    sid = section.id
    yield Unit(f"{sid}/title", section.title, origin.path, origin.line(("title",)))
    yield Unit(f"{sid}/summary", section.summary, origin.path, origin.line(("summary",)))
    for index, block in enumerate(section.blocks):
        for loc, text in model_texts(block, ("blocks", index)):
            yield Unit("/".join(map(str, (sid, *loc))), text, origin.path, origin.line(loc))
    for index, (_, text, offset) in enumerate(body_pieces(section.body)[:-1]):
        yield Unit(f"{sid}/body/{index}", text, origin.path, origin.body_line + offset)


def guide_units(meta: GuideMeta, origin: Origin) -> Iterator[Unit]:
    """The guide's title, subtitle, lead and keywords."""
    for name in ("title", "subtitle", "lead"):
        yield Unit(f"{GUIDE}/{name}", getattr(meta, name), origin.path, origin.line((name,)))
    if meta.keywords:  # one unit: a translation may need more or fewer keywords
        yield Unit(f"{GUIDE}/keywords", KEYWORD_SEPARATOR.join(meta.keywords), origin.path, origin.line(("keywords",)))


def model_texts(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """The location and text of every translatable string inside a block."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in NOT_TEXT:
                yield from model_texts(getattr(value, name), (*loc, name))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from model_texts(item, (*loc, index))
    elif isinstance(value, str) and value.strip():
        yield loc, value


def replace_texts(value: Any, loc: tuple[Any, ...], texts: Mapping[tuple[Any, ...], str]) -> Any:
    """A copy of a block with the strings at the given locations replaced."""
    if isinstance(value, BaseModel):
        updates = {
            name: replace_texts(getattr(value, name), (*loc, name), texts)
            for name in type(value).model_fields
            if name not in NOT_TEXT
        }
        return value.model_copy(update=updates)
    if isinstance(value, tuple):
        return tuple(replace_texts(item, (*loc, index), texts) for index, item in enumerate(value))
    return texts.get(loc, value)


@dataclass(frozen=True)
class PoOrigin(Origin):
    """Where a translated section's strings are: the PO file and the line of each unit's msgstr; source_text
    holds the locations printed in the source language because their unit is untranslated or fuzzy."""

    source_text: frozenset[tuple[Any, ...]] = frozenset()

    def line(self, loc: tuple[Any, ...]) -> int:
        """The line of the unit at loc (body lines all point at their unit's msgstr)."""
        return self.doc.line_of(tuple(loc))

    def prints_source(self, loc: tuple[Any, ...]) -> bool:
        """Whether the text at loc is the source text of a unit not (or no longer) translated."""
        return tuple(loc) in self.source_text


def translated_origin(
    path: str, lines: Mapping[tuple[Any, ...], int], source_text: frozenset[tuple[Any, ...]] = frozenset()
) -> PoOrigin:
    """An origin in a PO file from the lines of its units and the locations that print the source text."""
    return PoOrigin(path, Positioned(None, dict(lines), 1), source_text=source_text)


def merge(units: list[Unit], old: Mapping[str, Entry]) -> list[Entry]:
    """The entries for the current source, like msgmerge: a unit whose source changed keeps its translation,
    marked fuzzy with the source it was translated from; a unit that moved (its section or block renamed) keeps
    the translation of its unchanged text; a new unit is untranslated."""
    current = {unit.context for unit in units}
    left: dict[str, list[Entry]] = {}
    for entry in old.values():
        if entry.context not in current and entry.string:
            left.setdefault(entry.source, []).append(entry)
    merged = []
    for unit in units:
        before = old.get(unit.context)
        if before is None or not before.string:
            merged.append(_moved(unit, left.get(unit.text, [])) or Entry(unit.context, unit.text))
        elif before.source == unit.text:
            merged.append(Entry(unit.context, unit.text, before.string, before.fuzzy, before.previous))
        else:
            previous = before.previous if before.fuzzy and before.previous else before.source
            merged.append(Entry(unit.context, unit.text, before.string, True, previous))
    return merged


def _moved(unit: Unit, left: list[Entry]) -> Entry | None:
    """The translation a moved unit left behind under its old msgctxt: the one at the same path within its
    section, else the only translation of that text; None when there is none, or no telling which."""
    path = unit.context.partition("/")[2]
    candidates = [e for e in left if e.context.partition("/")[2] == path] or left
    if len({(e.string, e.fuzzy) for e in candidates}) != 1:
        return None
    found = candidates[0]
    return Entry(unit.context, unit.text, found.string, found.fuzzy, found.previous)


def placeholder_note(unit: Unit) -> str | None:
    """The translator comment of a unit with placeholders, or of the keyword list."""
    if unit.context == f"{GUIDE}/keywords":
        return "Search keywords, separated by a comma and a space; use as many as the language needs."
    if not unit.placeholders:
        return None
    names = ", ".join(unit.placeholders)
    note = f"Keep the placeholders as written ({names}): each edition fills them in (agency, country, job title)."
    if any(name.startswith("{{ vocabulary.") for name in unit.placeholders):
        note += " A vocabulary word is the edition's own wording, in its language (guide/vocabulary.yaml)."
    return note


def write_po(
    path: Path, language: str, units: list[Unit], entries: list[Entry], obsolete: Sequence[Entry] = ()
) -> None:
    """Write a PO file (UTF-8, with header and plural forms) for these units and entries."""
    from datetime import UTC, datetime
    from io import BytesIO

    from babel.messages.catalog import Catalog, Message
    from babel.messages.pofile import write_po as babel_write

    fixed_date = datetime(2026, 1, 1, tzinfo=UTC)

    catalog = Catalog(
        locale=language,
        project="guidebuilder guide",
        version="1",
        charset="utf-8",
        fuzzy=False,
        header_comment=f"# The guide in '{language}': one entry per title, item or paragraph of the English source.\n"
        f"# Written by `guidebuilder translations export {language}`; translate msgstr, keep msgctxt.",
        msgid_bugs_address="see README.md",
        language_team=f"{language} <https://example.invalid>",
        last_translator="guidebuilder translations export",
    )
    catalog.creation_date = catalog.revision_date = fixed_date  # a re-export changes only what changed
    for unit, entry in zip(units, entries, strict=True):
        note = placeholder_note(unit)
        catalog.add(
            unit.text,
            entry.string,
            locations=[(unit.path, unit.line)],
            flags={"fuzzy"} if entry.fuzzy else set(),
            auto_comments=[note] if note else [],
            previous_id=entry.previous or (),
            context=unit.context,
        )
    for entry in obsolete:
        catalog.obsolete[(entry.source, entry.context)] = Message(entry.source, entry.string, context=entry.context)
    buffer = BytesIO()
    babel_write(buffer, catalog, width=0, include_previous=True, sort_output=False)
    path.write_text(_previous_on_one_line(buffer.getvalue().decode("utf-8")), encoding="utf-8")


def _previous_on_one_line(text: str) -> str:
    """Babel wraps a fuzzy entry's previous msgid like a comment, cutting its quoted string over `#|` lines
    that gettext tools (and read_po) read only in part: each goes back on one `#| msgid "..."` line."""
    out: list[str] = []
    for line in text.split("\n"):
        continued = line.startswith("#| ") and not line.startswith(("#| msgid", '#| "'))
        if continued and out and out[-1].startswith("#| msgid"):
            out[-1] += " " + line[3:]
        else:
            out.append(line)
    return "\n".join(out)


def read_po(text: str) -> dict[str, Entry]:
    """The well-formed entries of a PO text by msgctxt, each with the line of its msgstr and its previous msgid
    (content.poread.parse_po also gives the errors)."""
    return dict(parse_po(text).entries)  # the entries are frozen: a copy of the mapping is the caller's own
