"""Translations: one gettext PO file per language (guide/translations/<lang>.po), built into sections
on the source's structure; untranslated or fuzzy units print the source text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem
from .loader import Origin, Reader
from .models import Edition, GuideMeta, GuideText, Section
from .po import (
    GUIDE,
    KEYWORD_SEPARATOR,
    PLACEHOLDER,
    Entry,
    Unit,
    body_pieces,
    guide_units,
    join_body,
    merge,
    read_po,
    replace_texts,
    section_units,
    stray_lines,
    translated_origin,
    write_po,
)
from .types import check_language

if TYPE_CHECKING:
    from .guide import Guide, SourceText


@dataclass(frozen=True)
class Catalog:
    """One language's PO file: its entries by msgctxt."""

    language: str
    path: str
    entries: Mapping[str, Entry]

    def state(self, unit: Unit) -> str:
        """'translated', 'fuzzy' (translated from another source text) or 'untranslated'."""
        entry = self.entries.get(unit.context)
        if entry is None or not entry.string:
            return "untranslated"
        return "translated" if entry.translated and entry.source == unit.text else "fuzzy"

    def text(self, unit: Unit) -> str:
        """What the edition prints: the translation when current, else the source text."""
        return self.entries[unit.context].string if self.state(unit) == "translated" else unit.text

    def line(self, unit: Unit) -> int:
        """The line of the unit's msgstr in the PO file (0 when it has no entry)."""
        entry = self.entries.get(unit.context)
        return entry.line if entry else 0


def po_path(root: Path, language: str) -> Path:
    """Where a language's PO file lives."""
    return root / "translations" / f"{language}.po"


def load_catalogs(reader: Reader, root: Path) -> dict[str, Catalog]:
    """Every translations/<lang>.po, read; a placeholder dropped or added in a translation is an error."""
    catalogs: dict[str, Catalog] = {}
    for path in sorted((root / "translations").glob("*.po")):
        language = path.stem
        try:
            check_language(language)
        except ValueError as exc:
            reader.problem(path, 0, "", f"file name must be a language code: {exc}")
            continue
        text = reader.text(path)
        if text is None:
            continue
        try:
            entries = read_po(text)
        except Exception as exc:  # noqa: BLE001  Babel raises PoFileError and others on malformed files
            reader.problem(path, getattr(exc, "lineno", 0) or 0, "", f"malformed PO file: {exc}")
            continue
        for entry in entries.values():
            _check_placeholders(reader, path, entry)
        for line in stray_lines(text):
            reader.problem(path, line, "", "entry without msgctxt: every unit names its section and path")
        catalogs[language] = Catalog(language, reader.name(path), entries)
    return catalogs


def _check_placeholders(reader: Reader, path: Path, entry: Entry) -> None:
    """A translation keeps exactly the placeholders of its source text."""
    if entry.string and set(PLACEHOLDER.findall(entry.source)) != set(PLACEHOLDER.findall(entry.string)):
        want = ", ".join(sorted(set(PLACEHOLDER.findall(entry.source)))) or "none"
        reader.problem(path, entry.line, entry.context, f"the translation must keep the placeholders ({want})")


def check_translations(
    reader: Reader, root: Path, meta: GuideMeta, editions: dict[str, Edition], catalogs: Mapping[str, Catalog]
) -> None:
    """Every language an edition uses has a PO file."""
    needed: dict[str, list[str]] = {}
    for edition in editions.values():
        if edition.language != meta.language:
            needed.setdefault(edition.language, []).append(edition.id)
    for language, edition_ids in sorted(needed.items()):
        path = po_path(root, language)
        if language not in catalogs and not path.is_file():
            reader.problem(
                path,
                0,
                "",
                f"missing translation (needed by {', '.join(edition_ids)}); "
                f"write it with `guidebuilder new-language {language}`",
            )


def source_units(sections: tuple[Section, ...], meta: GuideMeta, origins: Mapping[str, Origin]) -> list[Unit]:
    """Every translatable unit of the source, in order: sections, then the guide's texts."""
    units = [u for s in sections for u in section_units(s, origins[f"section:{s.id}"])]
    return units + list(guide_units(meta, origins["guide"]))


def translate(
    catalog: Catalog, sections: tuple[Section, ...], meta: GuideMeta, origins: Mapping[str, Origin]
) -> tuple[dict[str, Section], GuideText, dict[str, Origin]]:
    """The sections and guide texts in the catalog's language, with origins pointing into the PO file."""
    translated: dict[str, Section] = {}
    new_origins: dict[str, Origin] = {}
    for section in sections:
        units = list(section_units(section, origins[f"section:{section.id}"]))
        section_copy, lines = _translated_section(catalog, section, units)
        translated[section.id] = section_copy
        new_origins[f"section:{catalog.language}:{section.id}"] = translated_origin(catalog.path, lines)
    units = list(guide_units(meta, origins["guide"]))
    texts = {u.context.removeprefix(f"{GUIDE}/"): catalog.text(u) for u in units}
    keywords = tuple(k for k in texts.get("keywords", "").split(KEYWORD_SEPARATOR) if k)
    text = GuideText(title=texts["title"], subtitle=texts["subtitle"], lead=texts["lead"], keywords=keywords)
    lines = {(u.context.removeprefix(f"{GUIDE}/"),): catalog.line(u) for u in units}
    new_origins[f"guide:{catalog.language}"] = translated_origin(catalog.path, lines)
    return translated, text, new_origins


def _translated_section(catalog: Catalog, section: Section, units: list[Unit]) -> tuple[Section, dict]:
    """One section with its units' texts from the catalog; the lines of each location in the PO file."""
    prefix = f"{section.id}/"
    texts: dict[tuple[Any, ...], str] = {}
    lines: dict[tuple[Any, ...], int] = {}
    body: list[str] = []
    for unit in units:
        loc = tuple(int(p) if p.isdigit() else p for p in unit.context.removeprefix(prefix).split("/"))
        text = catalog.text(unit)
        if loc[0] == "body":
            body.append(text)
        else:
            texts[loc] = text
            lines[loc] = catalog.line(unit)
    pieces = body_pieces(section.body)
    new_body = join_body(pieces, body)
    lines.update(_body_lines(pieces, body, catalog, [u for u in units if u.context.startswith(f"{prefix}body/")]))
    blocks = tuple(replace_texts(b, ("blocks", i), texts) for i, b in enumerate(section.blocks))
    update = {"title": texts[("title",)], "summary": texts[("summary",)], "body": new_body, "blocks": blocks}
    return section.model_copy(update=update), lines


def _body_lines(pieces: list, body: list[str], catalog: Catalog, body_units: list[Unit]) -> dict[tuple[Any, ...], int]:
    """Each line of the translated body mapped to the PO line of the unit it belongs to."""
    lines: dict[tuple[Any, ...], int] = {}
    offset = 0
    for (literal, _, _), text, unit in zip(pieces, body, body_units, strict=False):
        offset += literal.count("\n")
        for k in range(text.count("\n") + 1):
            lines[("body", offset + k)] = catalog.line(unit)
        offset += text.count("\n")
    return lines


def translation_warnings(guide: Guide) -> list[Problem]:
    """Per language: how much is translated, and each fuzzy or untranslated unit at its source line."""
    found = []
    units = source_units(guide.sections, guide.meta, guide.origins)
    contexts = {u.context for u in units}
    for language, catalog in sorted(guide.catalogs.items()):
        for context in catalog.entries.keys() - contexts:
            entry = catalog.entries[context]
            found.append(
                Problem(
                    catalog.path,
                    entry.line,
                    context,
                    "warning: no longer in the source; `translations export` moves it to the obsolete entries",
                )
            )
        states = [catalog.state(u) for u in units]
        if all(s == "translated" for s in states):
            continue
        found.append(Problem(catalog.path, 0, "", f"warning: {status_line(language, states)}"))
        for unit, state in zip(units, states, strict=True):
            if state != "translated":
                where = f"{catalog.path}:{catalog.line(unit)}" if catalog.line(unit) else catalog.path
                message = f"warning: {language}: {state} ({where}); the edition prints the source text"
                found.append(Problem(unit.path, unit.line, unit.context, message))
    return found


def status_line(language: str, states: list[str]) -> str:
    """`fr: 96% translated, 3 fuzzy, 2 untranslated`."""
    done = states.count("translated")
    percent = int(100 * done / len(states)) if states else 100
    return (
        f"{language}: {percent}% translated, {states.count('fuzzy')} fuzzy, {states.count('untranslated')} untranslated"
    )


def export(guide: Guide | SourceText, language: str) -> tuple[Path, list[str]]:
    """Write (or update, like msgmerge) the language's PO file for the current source; its units' states."""
    units = source_units(guide.sections, guide.meta, guide.origins)
    path = po_path(guide.root, language)
    old = dict(guide.catalogs[language].entries) if language in guide.catalogs else {}
    entries = merge(units, old)
    current = {u.context for u in units}
    obsolete = [e for c, e in old.items() if c not in current and e.string]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_po(path, language, units, entries, obsolete)
    catalog = Catalog(language, str(path), {e.context: e for e in entries})
    return path, [catalog.state(u) for u in units]


def fuzzy_changes(guide: Guide | SourceText, language: str) -> list[tuple[Unit, str, str]]:
    """Each fuzzy unit with the source it was translated from and the current source."""
    catalog = guide.catalogs.get(language)
    if catalog is None:
        return []
    changes = []
    for unit in source_units(guide.sections, guide.meta, guide.origins):
        entry = catalog.entries.get(unit.context)
        if entry is not None and catalog.state(unit) == "fuzzy":
            before = entry.previous or (entry.source if entry.source != unit.text else "")
            changes.append((unit, before, unit.text))
    return changes


def word_diff(before: str, after: str) -> str:
    """A word-level change: [-removed-] {+added+}."""
    import difflib

    old, new = before.split(), after.split()
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(old[i1:i2])
            continue
        if i2 > i1:
            out.append("[-" + " ".join(old[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(new[j1:j2]) + "+}")
    return " ".join(out)


def new_language(guide: Guide | SourceText, language: str) -> list[Path]:
    """A PO file with every unit untranslated, and a copy of the English interface strings marked TODO."""
    from .errors import UsageError

    try:
        check_language(language)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if language == guide.meta.language:
        raise UsageError(f"'{language}' is the language of the source (guide.yaml language)")
    path = po_path(guide.root, language)
    if path.exists():
        raise UsageError(f"{path} already exists; update it with `guidebuilder translations export {language}`")
    units = source_units(guide.sections, guide.meta, guide.origins)
    write_po(path, language, units, [Entry(u.context, u.text) for u in units])
    made = [path]
    strings = guide.root / "strings" / f"{language}.yaml"
    if not strings.exists():
        source = (guide.root / "strings" / f"{guide.meta.language}.yaml").read_text(encoding="utf-8")
        strings.write_text(_to_do_strings(source), encoding="utf-8")
        made.append(strings)
    return made


def _to_do_strings(source: str) -> str:
    """The source's interface strings, each value prefixed TODO so check lists every one still to translate."""
    import yaml

    values = {key: f"TODO {value}" for key, value in yaml.safe_load(source).items()}
    note = "# Interface strings to translate: replace each value, removing the TODO marker.\n"
    return note + yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=1000)
