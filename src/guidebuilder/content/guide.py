"""Load and validate the whole guide/ folder into one immutable Guide."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import ContentError, Problem
from .assets import image_problem
from .loader import Origin, Reader, load_section_files
from .models import (
    Conditional,
    Edition,
    Figure,
    Glossary,
    GuideMeta,
    GuideText,
    Section,
    SpellingTable,
    UiStrings,
    VocabularyWord,
)
from .translations import Catalog, check_translations, load_catalogs, translate
from .vocabulary import check_editions, load_vocabulary


@dataclass(frozen=True)
class Guide:
    """Everything in guide/, validated; origins map content keys to their files."""

    root: Path
    meta: GuideMeta
    sections: tuple[Section, ...]
    editions: Mapping[str, Edition]
    strings: Mapping[str, UiStrings]
    origins: Mapping[str, Origin]
    translations: Mapping[str, Mapping[str, Section]] = field(default_factory=lambda: MappingProxyType({}))
    texts: Mapping[str, GuideText] = field(default_factory=lambda: MappingProxyType({}))
    spellings: Mapping[str, SpellingTable] = field(default_factory=lambda: MappingProxyType({}))
    glossaries: Mapping[str, Glossary] = field(default_factory=lambda: MappingProxyType({}))
    words: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    catalogs: Mapping[str, Catalog] = field(default_factory=lambda: MappingProxyType({}))
    vocabulary: Mapping[str, VocabularyWord] = field(default_factory=lambda: MappingProxyType({}))

    def variety(self, edition: Edition) -> str:
        """The spelling variety an edition is printed in: its `spelling` field, else its id."""
        return edition.spelling or edition.id

    def spelling_table(self, edition: Edition) -> SpellingTable | None:
        """The table respelling the source for this edition; None when it prints the source's own spelling."""
        variety = self.variety(edition)
        if edition.language != self.meta.language or variety == self.meta.spelling:
            return None
        return self.spellings.get(variety)

    def sections_for(self, language: str) -> tuple[Section, ...]:
        """The sections in a language: translations, or the source text for the guide's own language."""
        translated = self.translations.get(language)
        if language == self.meta.language or translated is None:
            return self.sections
        return tuple(translated[section.id] for section in self.sections)

    def meta_for(self, language: str) -> GuideMeta:
        """Guide metadata with title, subtitle, lead and keywords in a language."""
        text = self.texts.get(language)
        if language == self.meta.language or text is None:
            return self.meta
        return self.meta.model_copy(update=text.model_dump())

    def section_origin(self, section_id: str, language: str | None = None) -> Origin:
        """The file a section (or its translation) came from."""
        if language and language != self.meta.language and f"section:{language}:{section_id}" in self.origins:
            return self.origins[f"section:{language}:{section_id}"]
        return self.origins[f"section:{section_id}"]

    def edition_origin(self, edition_id: str) -> Origin:
        """The file an edition came from."""
        return self.origins[f"edition:{edition_id}"]


@dataclass(frozen=True)
class _Files:
    """The files of guide/, each valid on its own: what the rules spanning files look at."""

    meta: GuideMeta
    sections: dict[str, Section]
    editions: dict[str, Edition]
    strings: dict[str, UiStrings]


def load_guide(root: Path) -> Guide:
    """Read and validate every file under root; raise ContentError listing every problem."""
    reader = _reader(root)
    meta = _load_meta(reader)
    sections = load_section_files(reader, reader.root / "sections", Section, "section")
    editions = _load_editions(reader)
    strings = _load_strings(reader)
    catalogs = load_catalogs(reader)
    spellings = _load_by_stem(reader, "spelling", SpellingTable)
    glossaries = _load_by_stem(reader, "glossary", Glossary)
    words = _load_words(reader, reader.root / "words")
    vocabulary = load_vocabulary(reader)
    check_editions(reader, vocabulary, editions.values())
    if meta is not None:
        files = _Files(meta, sections, editions, strings)
        _check_cross_file(reader, files)
        _check_varieties(reader, files)
        check_translations(reader, meta, editions, catalogs)
    if reader.problems:
        raise ContentError(reader.problems)
    ordered = tuple(sections[sid] for sid in meta.sections)
    origins = reader.origins
    translations, texts = {}, {}
    for language, catalog in catalogs.items():
        translations[language], texts[language], more = translate(catalog, ordered, meta, origins)
        origins.update(more)
    return Guide(
        reader.root,
        meta,
        ordered,
        MappingProxyType(dict(sorted(editions.items()))),
        MappingProxyType(strings),
        MappingProxyType(origins),
        MappingProxyType({k: MappingProxyType(v) for k, v in translations.items()}),
        MappingProxyType(texts),
        MappingProxyType(spellings),
        MappingProxyType(glossaries),
        MappingProxyType(words),
        MappingProxyType(catalogs),
        MappingProxyType(vocabulary),
    )


def _reader(root: Path) -> Reader:
    """A reader of the guide folder; ContentError when it has no guide.yaml."""
    reader = Reader(root.resolve())
    if not (reader.root / "guide.yaml").is_file():
        raise ContentError([Problem(reader.name(reader.root / "guide.yaml"), 0, "", "file not found")])
    return reader


@dataclass(frozen=True)
class SourceText:
    """What translators' commands need: the source sections and guide texts and the PO catalogs, without
    the editions (a new edition still marked TODO must not stop `new-language`)."""

    root: Path
    meta: GuideMeta
    sections: tuple[Section, ...]
    origins: Mapping[str, Origin]
    catalogs: Mapping[str, Catalog]


def load_source(root: Path) -> SourceText:
    """Read the source text and the PO files; raise ContentError listing every problem in them."""
    reader = _reader(root)
    meta = _load_meta(reader)
    sections = load_section_files(reader, reader.root / "sections", Section, "section")
    catalogs = load_catalogs(reader)
    if meta is not None:
        for index, sid in enumerate(meta.sections):
            if sid not in sections and not reader.problems:
                line = reader.origins["guide"].line(("sections", index))
                reader.problem(reader.origins["guide"].path, line, f"sections.{index}", f"no section with id '{sid}'")
    if reader.problems:
        raise ContentError(reader.problems)
    ordered = tuple(sections[sid] for sid in meta.sections)
    return SourceText(reader.root, meta, ordered, MappingProxyType(reader.origins), MappingProxyType(catalogs))


NAMES = {
    "spelling": (re.compile(r"^[a-z]{2,3}-[A-Z]{2}(?:-[a-z0-9]{5,8})?\Z"), "a spelling variety such as en-GB"),
    "glossary": (re.compile(r"^[a-z]{2,3}\Z"), "a language code such as de"),
}


def _load_by_stem(reader: Reader, kind: str, cls: type) -> dict[str, Any]:
    """Every <name>.yaml in the folder named kind validated against cls, keyed by file name (origins kind:name)."""
    loaded: dict[str, Any] = {}
    pattern, expected = NAMES[kind]
    for path in sorted((reader.root / kind).glob("*.yaml")):
        if not pattern.match(path.stem):
            reader.problem(path, 0, "", f"file name must be {expected}, then .yaml")
            continue
        origin, value = reader.yaml_model(path, cls)
        if value is not None:
            loaded[path.stem] = value
            reader.origins[f"{kind}:{path.stem}"] = origin
    return loaded


def _load_words(reader: Reader, folder: Path) -> dict[str, frozenset[str]]:
    """The project's word lists, one per language: one word a line, # starts a comment."""
    words: dict[str, frozenset[str]] = {}
    for path in sorted(folder.glob("*.txt")):
        text = reader.text(path)
        if text is not None:
            lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
            words[path.stem] = frozenset(line for line in lines if line)
    return words


def _check_varieties(reader: Reader, files: _Files) -> None:
    """Every edition in the source's language but another variety has a spelling table."""
    tables = {p.stem for p in (reader.root / "spelling").glob("*.yaml")}
    meta = files.meta
    for edition in files.editions.values():
        variety = edition.spelling or edition.id
        if edition.language != meta.language or variety == meta.spelling or variety in tables:
            continue
        origin = reader.origins[f"edition:{edition.id}"]
        field_name = "spelling" if edition.spelling else "id"
        reader.problem(
            origin.path,
            origin.line((field_name,)),
            field_name,
            f"no spelling table guide/spelling/{variety}.yaml: the source is written in {meta.spelling}",
        )


def _load_meta(reader: Reader) -> GuideMeta | None:
    origin, meta = reader.yaml_model(reader.root / "guide.yaml", GuideMeta)
    if origin is not None:
        reader.origins["guide"] = origin
    return meta


def _load_editions(reader: Reader) -> dict[str, Edition]:
    editions: dict[str, Edition] = {}
    for path in sorted((reader.root / "editions").glob("*.yaml")):
        origin, edition = reader.yaml_model(path, Edition)
        if edition is None:
            continue
        if edition.id != path.stem:
            reader.problem(
                origin.path,
                origin.line(("id",)),
                "id",
                f"edition '{edition.id}' must be in a file named {edition.id}.yaml",
            )
            continue
        editions[edition.id] = edition
        reader.origins[f"edition:{edition.id}"] = origin
    if not editions and not reader.problems:
        reader.problem(reader.root / "editions", 0, "", "no edition files (*.yaml) found")
    return editions


def _load_strings(reader: Reader) -> dict[str, UiStrings]:
    strings: dict[str, UiStrings] = {}
    for path in sorted((reader.root / "strings").glob("*.yaml")):
        origin, loaded = reader.yaml_model(path, UiStrings)
        if loaded is not None:
            strings[path.stem] = loaded
            reader.origins[f"strings:{path.stem}"] = origin
    return strings


def _check_cross_file(reader: Reader, files: _Files) -> None:
    """Rules that span files: section order, conditions, references, assets."""
    # A file that failed to load may hold the id a rule looks for: say nothing rather than something false.
    sections_failed = any(p.path.startswith(reader.name(reader.root / "sections") + "/") for p in reader.problems)
    _check_section_list(reader, files, sections_failed)
    _check_default_edition(reader, files)
    known = _known_selectors(reader.root, files.editions)
    for sid, section in files.sections.items():
        origin = reader.origins[f"section:{sid}"]
        for loc, item in _conditionals(section):
            _check_selectors(reader, origin, loc, item, known)
        for loc, figure in _figures(section):
            _check_figure(reader, origin, loc, figure)
    for edition in files.editions.values():
        origin = reader.origins[f"edition:{edition.id}"]
        for sid, override in edition.overrides.items():
            for index, block in enumerate(override.blocks or ()):
                loc = ("overrides", sid, "blocks", index)
                _check_selectors(reader, origin, loc, block, known)
                if isinstance(block, Figure):
                    _check_figure(reader, origin, loc, block)
        _check_edition_refs(reader, files, edition, sections_failed)


def _check_section_list(reader: Reader, files: _Files, sections_failed: bool) -> None:
    """guide.yaml lists every section once, and only sections that exist."""
    guide_origin = reader.origins["guide"]
    seen: set[str] = set()
    for index, sid in enumerate(files.meta.sections):
        line = guide_origin.line(("sections", index))
        if sid in seen:
            reader.problem(guide_origin.path, line, f"sections.{index}", f"section '{sid}' is listed twice")
        elif sid not in files.sections and not sections_failed:
            reader.problem(guide_origin.path, line, f"sections.{index}", f"no section with id '{sid}' in sections/")
        seen.add(sid)
    for sid in files.sections.keys() - seen:
        origin = reader.origins[f"section:{sid}"]
        reader.problem(origin.path, origin.line(("id",)), "id", f"section '{sid}' is not listed in guide.yaml sections")


def _check_default_edition(reader: Reader, files: _Files) -> None:
    """The default edition exists (or is a file that failed to load, already reported)."""
    default = files.meta.default_edition
    unloaded = {p.stem for p in (reader.root / "editions").glob("*.yaml")} - files.editions.keys()
    if files.editions and default not in files.editions and default not in unloaded:
        origin = reader.origins["guide"]
        reader.problem(origin.path, origin.line(("default_edition",)), "default_edition", f"no edition '{default}'")


def _known_selectors(root: Path, editions: dict[str, Edition]) -> set[str]:
    """Edition ids and countries a condition may name (files that failed to load count too)."""
    unloaded = {p.stem for p in (root / "editions").glob("*.yaml")} - editions.keys()
    known = set(editions) | {e.country for e in editions.values()}
    return known | unloaded | {stem.rpartition("-")[2] for stem in unloaded}


def _conditionals(section: Section) -> Iterator[tuple[tuple[Any, ...], Conditional]]:
    yield (), section
    for index, block in enumerate(section.blocks):
        yield ("blocks", index), block


def _figures(section: Section) -> Iterator[tuple[tuple[Any, ...], Figure]]:
    for index, block in enumerate(section.blocks):
        if isinstance(block, Figure):
            yield ("blocks", index), block


def _check_selectors(
    reader: Reader,
    origin: Origin,
    loc: tuple[Any, ...],
    item: Conditional,
    known: set[str],
) -> None:
    for key in ("only_in", "not_in"):
        for index, selector in enumerate(getattr(item, key)):
            if selector not in known:
                where = loc + (key, index)
                reader.problem(
                    origin.path,
                    origin.line(where),
                    ".".join(map(str, where)),
                    f"'{selector}' is neither an edition nor a country of an edition; "
                    f"known: {', '.join(sorted(known))}",
                )


def _check_figure(reader: Reader, origin: Origin, loc: tuple[Any, ...], figure: Figure) -> None:
    message = image_problem(reader.root, figure.src)
    if message:
        where = loc + ("src",)
        reader.problem(origin.path, origin.line(where), ".".join(map(str, where)), message)


def _check_edition_refs(reader: Reader, files: _Files, edition: Edition, sections_failed: bool) -> None:
    """An edition's language has strings, its overrides name sections, its facts cite defined sources."""
    origin = reader.origins[f"edition:{edition.id}"]
    strings, sections = files.strings, files.sections
    if edition.language not in strings and not (reader.root / "strings" / f"{edition.language}.yaml").is_file():
        reader.problem(
            origin.path,
            origin.line(("language",)),
            "language",
            f"no interface strings for '{edition.language}' (guide/strings/{edition.language}.yaml)",
        )
    for sid in edition.overrides:
        if sid not in sections and not sections_failed:
            reader.problem(
                origin.path,
                origin.line(("overrides", sid)),
                f"overrides.{sid}",
                f"no section with id '{sid}'",
            )
    if not edition.pay and edition.pay_page is None:
        reader.problem(
            origin.path,
            origin.line(("pay",)),
            "pay_page",
            "no pay figure: give pay_page (title, url), the official page with the current rates, for the reader",
        )
    for loc, refs in _source_refs(edition):
        for index, ref in enumerate(refs):
            if ref not in edition.sources:
                where = loc + ("source", index)
                reader.problem(
                    origin.path,
                    origin.line(where),
                    ".".join(map(str, where)),
                    f"unknown source '{ref}'; define it under 'sources'",
                )


def _source_refs(edition: Edition) -> Iterator[tuple[tuple[Any, ...], tuple[str, ...]]]:
    yield ("agency",), edition.agency.source
    yield ("officer",), edition.officer.source
    for topic in ("requirements", "training", "pay", "work", "specialisations"):
        for index, fact in enumerate(getattr(edition, topic)):
            yield (topic, index), fact.source
    for index, step in enumerate(edition.apply.steps):
        yield ("apply", "steps", index), step.source
