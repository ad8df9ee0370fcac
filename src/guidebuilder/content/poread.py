"""A strict reader of gettext PO files: what `msgfmt --check` refuses is an error here too, each with its line,
every one in a single pass; and a guide PO file must declare UTF-8, have one entry per msgctxt and use no
plural forms. Babel's reader accepts cut, unterminated and duplicate entries, so it is not used to read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

MAX_ERRORS = 100  # per file: a file that is not PO at all would give one error per line
KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?=[\s\"]|$)")
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')  # one quoted string; linear: the two branches never overlap
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}  # what Babel writes (msgfmt takes more)
ESCAPE = re.compile(r"\\(.)")
CHARSET = re.compile(r"charset\s*=\s*([^\s;\\]+)", re.I)


@dataclass(frozen=True)
class Entry:
    """One PO entry as read or to write: a unit's source text, its translation, fuzzy and the previous source."""

    context: str
    source: str
    string: str = ""
    fuzzy: bool = False
    previous: str | None = None
    line: int = 0  # the line of msgstr in the PO file, when read

    @property
    def translated(self) -> bool:
        """Translated and current: the translation is printed."""
        return bool(self.string) and not self.fuzzy


@dataclass(frozen=True)
class PoFile:
    """A PO file as read: its well-formed entries by msgctxt, and every error as (line, message)."""

    entries: Mapping[str, Entry]
    errors: tuple[tuple[int, str], ...]


@dataclass
class _Raw:
    """One entry while it is read."""

    line: int
    obsolete: bool
    fuzzy: bool = False
    previous: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)  # keyword -> its strings, in order
    lines: dict[str, list[int]] = field(default_factory=dict)  # keyword -> the line of each string
    broken: bool = False

    def text(self, keyword: str) -> str | None:
        return "".join(self.fields[keyword]) if keyword in self.fields else None

    @property
    def complete(self) -> bool:
        return "msgstr" in self.fields or any(k.startswith("msgstr[") for k in self.fields)


@lru_cache(maxsize=16)  # the preview, a long-lived process, reads mostly unchanged files
def parse_po(text: str) -> PoFile:
    """The entries of a PO text by msgctxt (each with the line of its msgstr) and every error in it."""
    reader = _Reader()
    for number, row in enumerate(text.split("\n"), 1):
        reader.line(number, row.removesuffix("\r"))
    reader.finish(text.count("\n") + 1)
    errors = reader.errors + _entry_errors(reader.entries)
    errors.sort()
    if len(errors) > MAX_ERRORS:
        line = errors[MAX_ERRORS][0]
        errors = [*errors[:MAX_ERRORS], (line, f"and {len(errors) - MAX_ERRORS} more errors in this file")]
    return PoFile(_usable(reader.entries), tuple(errors))


class _Reader:
    """Reads a PO text line by line, as msgfmt's grammar has it: comments, then [msgctxt] msgid msgstr."""

    def __init__(self) -> None:
        self.entries: list[_Raw] = []
        self.errors: list[tuple[int, str]] = []
        self.current: _Raw | None = None
        self.last: str | None = None  # the keyword a string on its own line continues
        self.fuzzy = False
        self.previous: list[str] | None = None  # `#| msgid` of the next entry
        self.previous_open = False

    def error(self, line: int, message: str, breaks: bool = True) -> None:
        """Record an error; breaks: it is inside the current entry, which is then not used."""
        self.errors.append((line, message))
        if breaks and self.current is not None and not self.current.complete:
            self.current.broken = True

    def line(self, number: int, row: str) -> None:
        """Take one line of the file."""
        stripped = row.strip()
        obsolete = stripped.startswith("#~")
        if obsolete:
            stripped = stripped[2:].strip()
            if not stripped or stripped.startswith(("|", "#")):
                return  # `#~|`: the previous text of an obsolete entry, a comment
        elif stripped.startswith("#"):
            return self._comment(number, stripped)
        if not stripped:
            return
        if stripped.startswith('"'):
            return self._continuation(number, stripped, obsolete)
        match = KEYWORD.match(stripped)
        if match is None:
            word = stripped.split()[0][:40]
            return self.error(number, f"unknown keyword '{word}': expected msgctxt, msgid, msgstr or a comment")
        self._keyword(number, match[1], stripped[match.end() :], obsolete)

    def _comment(self, number: int, stripped: str) -> None:
        if self.current is not None and not self.current.complete:
            return self.error(number, "comment inside an entry: comments go before its msgctxt or msgid")
        self.last = None
        if stripped.startswith("#,"):
            self.fuzzy = self.fuzzy or "fuzzy" in (flag.strip() for flag in stripped[2:].split(","))
        elif stripped.startswith("#|"):
            self._previous(number, stripped[2:].strip())

    def _previous(self, number: int, rest: str) -> None:
        """`#| msgid "..."` and its `#| "..."` lines: the source a fuzzy translation was made from."""
        match = KEYWORD.match(rest)
        if match:
            value = self._strings(number, rest[match.end() :], inside=False)
            self.previous_open = match[1] == "msgid"
            if self.previous_open:
                self.previous = [value or ""]
        elif rest.startswith('"'):
            value = self._strings(number, rest, inside=False)
            if self.previous_open and self.previous is not None:
                self.previous.append(value or "")
        else:
            self.error(number, "'#|' must be followed by msgctxt, msgid or a string", breaks=False)

    def _keyword(self, number: int, keyword: str, rest: str, obsolete: bool) -> None:
        entry = self.current
        starts = keyword in ("msgctxt", "msgid")
        if entry is not None and not entry.complete and _fits(entry, keyword):
            if entry.obsolete != obsolete:
                self.error(number, "an entry mixes obsolete (#~) and current lines")
        elif starts and (entry is None or entry.complete or entry.broken):
            entry = self._start(number, obsolete)  # a broken entry was reported already: start afresh
        else:
            self.error(number, _out_of_order(entry, keyword))
            self.last = None
            if not starts:
                return
            entry = self._start(number, obsolete)
        value = self._strings(number, rest)
        entry.fields[keyword] = [value or ""]
        entry.lines[keyword] = [number]
        self.last = keyword

    def _start(self, number: int, obsolete: bool) -> _Raw:
        entry = _Raw(number, obsolete, self.fuzzy, "".join(self.previous) if self.previous is not None else None)
        self.entries.append(entry)
        self.current, self.fuzzy, self.previous, self.previous_open = entry, False, None, False
        return entry

    def _continuation(self, number: int, stripped: str, obsolete: bool) -> None:
        entry = self.current
        if entry is None or self.last is None or entry.obsolete != obsolete:
            return self.error(number, "a string on its own line must continue a msgctxt, msgid or msgstr")
        value = self._strings(number, stripped)
        entry.fields[self.last].append(value or "")
        entry.lines[self.last].append(number)

    def _strings(self, number: int, rest: str, inside: bool = True) -> str | None:
        """The text of one or more quoted strings, or None after recording what is wrong with them (inside: they
        belong to the current entry, which is then not used)."""
        rest = rest.strip()
        parts = []
        while True:
            match = STRING.match(rest)
            if match is None:
                problem = "string not closed: it needs a '\"' at the end of the line" if rest[:1] == '"' else ""
                return self._bad(number, problem or "expected a string in double quotes", inside)
            bad = next((e for e in ESCAPE.findall(match[1]) if e not in ESCAPES), None)
            if bad is not None:
                return self._bad(number, f"unknown escape sequence '\\{bad}': write the character itself", inside)
            parts.append(ESCAPE.sub(lambda m: ESCAPES[m[1]], match[1]))
            rest = rest[match.end() :].lstrip()
            if not rest:
                return "".join(parts)
            if not rest.startswith('"'):
                return self._bad(number, f"unexpected text after the string: '{rest[:40]}'", inside)

    def _bad(self, number: int, message: str, inside: bool) -> None:
        """Record a bad string; the entry it is in is not used."""
        self.errors.append((number, message))
        if inside and self.current is not None:
            self.current.broken = True

    def finish(self, last_line: int) -> None:
        """The end of the file: an entry still open was cut."""
        if self.current is not None and not self.current.complete and not self.current.broken:
            self.error(last_line, f"the file ends inside the entry of line {self.current.line}: it has no msgstr")


def _fits(entry: _Raw, keyword: str) -> bool:
    """Whether keyword may come next in the entry."""
    expected = _expected(entry)
    if keyword.startswith("msgstr["):
        count = sum(1 for k in entry.fields if k.startswith("msgstr["))
        return "msgid_plural" in entry.fields and keyword == f"msgstr[{count}]"
    return (
        keyword == expected
        or expected == "msgstr"
        and keyword == "msgid_plural"
        or (expected == "msgctxt or msgid" and keyword in ("msgctxt", "msgid"))
    )


def _out_of_order(entry: _Raw | None, keyword: str) -> str:
    expected = _expected(entry) if entry is not None else "msgctxt or msgid"
    if expected is None:
        return f"'{keyword}' out of order: the entry above is complete; an entry starts with msgctxt or msgid"
    return f"'{keyword}' out of order: expected {expected}"


def _expected(entry: _Raw) -> str | None:
    """The keyword the entry needs next (None when it is complete)."""
    if entry.complete:
        return None
    if "msgid" not in entry.fields:
        return "msgid" if "msgctxt" in entry.fields else "msgctxt or msgid"
    return "msgstr[0]" if "msgid_plural" in entry.fields else "msgstr"


def _entry_errors(entries: list[_Raw]) -> list[tuple[int, str]]:
    """What is wrong beyond the syntax: duplicates, the header, entries the guide cannot use."""
    errors: list[tuple[int, str]] = []
    seen: dict[tuple[str | None, str | None], int] = {}
    contexts: dict[str, int] = {}
    for entry in entries:
        context, msgid = entry.text("msgctxt"), entry.text("msgid")
        line = entry.lines.get("msgctxt", entry.lines.get("msgid", [entry.line]))[0]
        if (context, msgid) in seen:
            errors.append((line, f"duplicate entry{_named(context)}: the first is at line {seen[context, msgid]}"))
            continue
        seen[context, msgid] = line
        if entry.obsolete or entry.broken:
            continue
        if context is not None and context in contexts:
            errors.append((line, f"msgctxt '{context}' is used twice: the first is at line {contexts[context]}"))
        elif context is None and msgid:
            errors.append((entry.lines["msgid"][0], "entry without msgctxt: every unit names its section and path"))
        elif "msgid_plural" in entry.fields:
            errors.append((line, "plural forms (msgid_plural) are not used in the guide's PO files"))
        if context is not None:
            contexts.setdefault(context, line)
    return errors + _header_errors(entries)


def _named(context: str | None) -> str:
    return f" for msgctxt '{context}'" if context is not None else " without msgctxt"


def _header_errors(entries: list[_Raw]) -> list[tuple[int, str]]:
    """The header (the entry with an empty msgid and no msgctxt) must declare UTF-8."""
    header = next((e for e in entries if not e.obsolete and e.text("msgctxt") is None and e.text("msgid") == ""), None)
    if header is None:
        return [(1, 'no header entry (msgid "" and a msgstr with "Content-Type: text/plain; charset=UTF-8\\n")')]
    if header.broken or "msgstr" not in header.fields:
        return []
    for text, line in zip(header.fields["msgstr"], header.lines["msgstr"], strict=True):
        start = text.lower().find("content-type:")
        if start < 0:
            continue
        match = CHARSET.search(text[start:].split("\n", 1)[0])
        if match is None:
            return [(line, "the header's Content-Type names no charset: write charset=UTF-8")]
        if match[1].lower() not in ("utf-8", "utf8"):
            return [(line, f"the header declares charset={match[1]}, but the file must be UTF-8: write charset=UTF-8")]
        return []
    return [(header.line, 'the header has no "Content-Type: text/plain; charset=UTF-8\\n" line')]


def _usable(entries: list[_Raw]) -> dict[str, Entry]:
    """The current entries with a msgctxt and a msgid, each with the line of its msgstr's first text."""
    usable = {}
    for entry in entries:
        context, msgid = entry.text("msgctxt"), entry.text("msgid")
        if entry.obsolete or entry.broken or context is None or not msgid or "msgstr" not in entry.fields:
            continue
        pieces, lines = entry.fields["msgstr"], entry.lines["msgstr"]
        line = lines[1] if len(pieces) > 1 and not pieces[0] else lines[0]
        usable[context] = Entry(context, msgid, entry.text("msgstr") or "", entry.fuzzy, entry.previous, line)
    return usable
