"""Translations: one gettext PO file per language (guide/translations/<lang>.po), built into sections
on the source's structure; untranslated or fuzzy units print the source text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    replace_texts,
    section_units,
    translated_origin,
)
from .poread import parse_po
from .types import check_language
from .vocabulary import PREFIX


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

    def current(self, unit: Unit) -> bool:
        """Whether the unit's translation is printed (else its source text is)."""
        return self.state(unit) == "translated"

    def text(self, unit: Unit) -> str:
        """What the edition prints: the translation when current, else the source text."""
        return self.entries[unit.context].string if self.current(unit) else unit.text

    def line(self, unit: Unit) -> int:
        """The line of the unit's msgstr in the PO file (0 when it has no entry)."""
        entry = self.entries.get(unit.context)
        return entry.line if entry else 0


def po_path(root: Path, language: str) -> Path:
    """Where a language's PO file lives."""
    return root / "translations" / f"{language}.po"


def load_catalogs(reader: Reader) -> dict[str, Catalog]:
    """Every translations/<lang>.po, read; a placeholder dropped or added in a translation is an error."""
    catalogs: dict[str, Catalog] = {}
    for path in sorted((reader.root / "translations").glob("*.po")):
        language = path.stem
        try:
            check_language(language)
        except ValueError as exc:
            reader.problem(path, 0, "", f"file name must be a language code: {exc}")
            continue
        text = reader.text(path)
        if text is None:
            continue
        parsed = parse_po(text)
        for line, message in parsed.errors:
            reader.problem(path, line, "", message)
        if parsed.errors:
            continue
        for entry in parsed.entries.values():
            _check_placeholders(reader, path, entry)
        catalogs[language] = Catalog(language, reader.name(path), parsed.entries)
    return catalogs


def _check_placeholders(reader: Reader, path: Path, entry: Entry) -> None:
    """A translation keeps every placeholder of its source text and adds none but vocabulary words, which a
    language may need where English does not (the job title of each country in French running text). A fuzzy
    translation is not printed: it is reported as fuzzy, and checked once the translator marks it done."""
    if not entry.translated:
        return
    source, translation = _placeholders(entry.source), _placeholders(entry.string)
    if source.keys() - translation.keys():
        want = ", ".join(sorted(source.values())) or "none"
        reader.problem(path, entry.line, entry.context, f"the translation must keep the placeholders ({want})")
    added = sorted(shown for name, shown in translation.items() if name not in source and not name.startswith(PREFIX))
    if added:
        message = f"the translation adds {', '.join(added)}; it may add only vocabulary words"
        reader.problem(path, entry.line, entry.context, f"{message} ({{{{ vocabulary.KEY }}}})")


def _placeholders(text: str) -> dict[str, str]:
    """The placeholders of a text by name (spacing inside the braces aside), each as first written."""
    found: dict[str, str] = {}
    for written in PLACEHOLDER.findall(text):
        found.setdefault("".join(written[2:-2].split()), written)
    return found


def check_translations(
    reader: Reader, meta: GuideMeta, editions: dict[str, Edition], catalogs: Mapping[str, Catalog]
) -> None:
    """Every language an edition uses has a PO file."""
    needed: dict[str, list[str]] = {}
    for edition in editions.values():
        if edition.language != meta.language:
            needed.setdefault(edition.language, []).append(edition.id)
    for language, edition_ids in sorted(needed.items()):
        path = po_path(reader.root, language)
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
        section_copy, lines, source_text = _translated_section(catalog, section, units)
        translated[section.id] = section_copy
        new_origins[f"section:{catalog.language}:{section.id}"] = translated_origin(catalog.path, lines, source_text)
    units = list(guide_units(meta, origins["guide"]))
    texts = {u.context.removeprefix(f"{GUIDE}/"): catalog.text(u) for u in units}
    keywords = tuple(k for k in texts.get("keywords", "").split(KEYWORD_SEPARATOR) if k)
    text = GuideText(title=texts["title"], subtitle=texts["subtitle"], lead=texts["lead"], keywords=keywords)
    lines = {(u.context.removeprefix(f"{GUIDE}/"),): catalog.line(u) for u in units}
    source_text = frozenset((u.context.removeprefix(f"{GUIDE}/"),) for u in units if not catalog.current(u))
    new_origins[f"guide:{catalog.language}"] = translated_origin(catalog.path, lines, source_text)
    return translated, text, new_origins


def _translated_section(
    catalog: Catalog, section: Section, units: list[Unit]
) -> tuple[Section, dict, frozenset[tuple[Any, ...]]]:
    """One section with its units' texts from the catalog; the lines of each location in the PO file, and
    the locations that print the source text (their unit untranslated or fuzzy)."""
    prefix = f"{section.id}/"
    texts: dict[tuple[Any, ...], str] = {}
    lines: dict[tuple[Any, ...], int] = {}
    source_text: set[tuple[Any, ...]] = set()
    body: list[str] = []
    for unit in units:
        loc = tuple(int(p) if p.isdigit() else p for p in unit.context.removeprefix(prefix).split("/"))
        text = catalog.text(unit)
        if loc[0] == "body":
            body.append(text)
        else:
            texts[loc] = text
            lines[loc] = catalog.line(unit)
            if not catalog.current(unit):
                source_text.add(loc)
    pieces = body_pieces(section.body)
    new_body = join_body(pieces, body)
    body_units = [u for u in units if u.context.startswith(f"{prefix}body/")]
    for loc, (line, current) in _body_lines(pieces, body, catalog, body_units).items():
        lines[loc] = line
        if not current:
            source_text.add(loc)
    blocks = tuple(replace_texts(b, ("blocks", i), texts) for i, b in enumerate(section.blocks))
    update = {"title": texts[("title",)], "summary": texts[("summary",)], "body": new_body, "blocks": blocks}
    return section.model_copy(update=update), lines, frozenset(source_text)


def _body_lines(
    pieces: list, body: list[str], catalog: Catalog, body_units: list[Unit]
) -> dict[tuple[Any, ...], tuple[int, bool]]:
    """Each line of the translated body mapped to the PO line of the unit it belongs to, and whether that
    unit's translation is printed."""
    lines: dict[tuple[Any, ...], tuple[int, bool]] = {}
    offset = 0
    for (literal, _, _), text, unit in zip(pieces, body, body_units, strict=False):
        offset += literal.count("\n")
        for k in range(text.count("\n") + 1):
            lines[("body", offset + k)] = (catalog.line(unit), catalog.current(unit))
        offset += text.count("\n")
    return lines
