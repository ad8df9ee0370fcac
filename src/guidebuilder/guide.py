"""Load and validate the whole guide/ folder into one immutable Guide."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .assets import image_problem
from .errors import ContentError, Problem
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
)
from .translations import Catalog, check_translations, load_catalogs, translate


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


def load_guide(root: Path) -> Guide:
    """Read and validate every file under root; raise ContentError listing every problem."""
    root = root.resolve()
    reader = Reader(root)
    if not (root / "guide.yaml").is_file():
        raise ContentError([Problem(reader.name(root / "guide.yaml"), 0, "", "file not found")])
    origins: dict[str, Origin] = {}
    meta = _load_meta(reader, root, origins)
    sections = load_section_files(reader, root / "sections", Section, "section", origins)
    editions = _load_editions(reader, root, origins)
    strings = _load_strings(reader, root, origins)
    catalogs = load_catalogs(reader, root)
    spellings = _load_by_stem(reader, root / "spelling", SpellingTable, "spelling", origins)
    glossaries = _load_by_stem(reader, root / "glossary", Glossary, "glossary", origins)
    words = _load_words(reader, root / "words")
    if meta is not None:
        _check_cross_file(reader, root, meta, sections, editions, strings, origins)
        _check_varieties(reader, meta, editions, {p.stem for p in (root / "spelling").glob("*.yaml")}, origins)
        check_translations(reader, root, meta, editions, catalogs)
    if reader.problems:
        raise ContentError(reader.problems)
    ordered = tuple(sections[sid] for sid in meta.sections)
    translations, texts = {}, {}
    for language, catalog in catalogs.items():
        translations[language], texts[language], more = translate(catalog, ordered, meta, origins)
        origins.update(more)
    return Guide(
        root,
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
    )


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
    root = root.resolve()
    reader = Reader(root)
    if not (root / "guide.yaml").is_file():
        raise ContentError([Problem(reader.name(root / "guide.yaml"), 0, "", "file not found")])
    origins: dict[str, Origin] = {}
    meta = _load_meta(reader, root, origins)
    sections = load_section_files(reader, root / "sections", Section, "section", origins)
    catalogs = load_catalogs(reader, root)
    if meta is not None:
        for index, sid in enumerate(meta.sections):
            if sid not in sections and not reader.problems:
                line = origins["guide"].line(("sections", index))
                reader.problem(origins["guide"].path, line, f"sections.{index}", f"no section with id '{sid}'")
    if reader.problems:
        raise ContentError(reader.problems)
    ordered = tuple(sections[sid] for sid in meta.sections)
    return SourceText(root, meta, ordered, MappingProxyType(origins), MappingProxyType(catalogs))


NAMES = {
    "spelling": (re.compile(r"^[a-z]{2,3}-[A-Z]{2}(?:-[a-z0-9]{5,8})?$"), "a spelling variety such as en-GB"),
    "glossary": (re.compile(r"^[a-z]{2,3}$"), "a language code such as de"),
}


def _load_by_stem(reader: Reader, folder: Path, cls: type, kind: str, origins: dict[str, Origin]) -> dict[str, Any]:
    """Every <name>.yaml in a folder validated against cls, keyed by file name; origins keyed kind:name."""
    loaded: dict[str, Any] = {}
    pattern, expected = NAMES[kind]
    for path in sorted(folder.glob("*.yaml")):
        if not pattern.match(path.stem):
            reader.problem(path, 0, "", f"file name must be {expected}, then .yaml")
            continue
        origin, value = reader.yaml_model(path, cls)
        if value is not None:
            loaded[path.stem] = value
            origins[f"{kind}:{path.stem}"] = origin
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


def _check_varieties(
    reader: Reader,
    meta: GuideMeta,
    editions: dict[str, Edition],
    tables: set[str],
    origins: dict[str, Origin],
) -> None:
    """Every edition in the source's language but another variety has a spelling table."""
    for edition in editions.values():
        variety = edition.spelling or edition.id
        if edition.language != meta.language or variety == meta.spelling or variety in tables:
            continue
        origin = origins[f"edition:{edition.id}"]
        field_name = "spelling" if edition.spelling else "id"
        reader.problem(
            origin.path,
            origin.line((field_name,)),
            field_name,
            f"no spelling table guide/spelling/{variety}.yaml: the source is written in {meta.spelling}",
        )


def _load_meta(reader: Reader, root: Path, origins: dict[str, Origin]) -> GuideMeta | None:
    origin, meta = reader.yaml_model(root / "guide.yaml", GuideMeta)
    if origin is not None:
        origins["guide"] = origin
    return meta


def _load_editions(reader: Reader, root: Path, origins: dict[str, Origin]) -> dict[str, Edition]:
    editions: dict[str, Edition] = {}
    for path in sorted((root / "editions").glob("*.yaml")):
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
        origins[f"edition:{edition.id}"] = origin
    if not editions and not reader.problems:
        reader.problem(root / "editions", 0, "", "no edition files (*.yaml) found")
    return editions


def _load_strings(reader: Reader, root: Path, origins: dict[str, Origin]) -> dict[str, UiStrings]:
    strings: dict[str, UiStrings] = {}
    for path in sorted((root / "strings").glob("*.yaml")):
        origin, loaded = reader.yaml_model(path, UiStrings)
        if loaded is not None:
            strings[path.stem] = loaded
            origins[f"strings:{path.stem}"] = origin
    return strings


def _check_cross_file(
    reader: Reader,
    root: Path,
    meta: GuideMeta,
    sections: dict[str, Section],
    editions: dict[str, Edition],
    strings: dict[str, UiStrings],
    origins: dict[str, Origin],
) -> None:
    """Rules that span files: section order, conditions, references, assets."""
    guide_origin = origins["guide"]
    # A file that failed to load may hold the id a rule looks for: say nothing rather than something false.
    sections_failed = any(p.path.startswith(reader.name(root / "sections") + "/") for p in reader.problems)
    unloaded = {p.stem for p in (root / "editions").glob("*.yaml")} - editions.keys()
    seen: set[str] = set()
    for index, sid in enumerate(meta.sections):
        line = guide_origin.line(("sections", index))
        if sid in seen:
            reader.problem(
                guide_origin.path,
                line,
                f"sections.{index}",
                f"section '{sid}' is listed twice",
            )
        elif sid not in sections and not sections_failed:
            reader.problem(
                guide_origin.path,
                line,
                f"sections.{index}",
                f"no section with id '{sid}' in sections/",
            )
        seen.add(sid)
    for sid in sections.keys() - seen:
        origin = origins[f"section:{sid}"]
        reader.problem(
            origin.path,
            origin.line(("id",)),
            "id",
            f"section '{sid}' is not listed in guide.yaml sections",
        )
    if editions and meta.default_edition not in editions and meta.default_edition not in unloaded:
        reader.problem(
            guide_origin.path,
            guide_origin.line(("default_edition",)),
            "default_edition",
            f"no edition '{meta.default_edition}'",
        )
    known = _known_selectors(root, editions)
    _check_sections(reader, root, sections, editions, origins, "section")
    for eid, edition in editions.items():
        origin = origins[f"edition:{eid}"]
        for sid, override in edition.overrides.items():
            for index, block in enumerate(override.blocks or ()):
                loc = ("overrides", sid, "blocks", index)
                _check_selectors(reader, origin, loc, block, known)
                if isinstance(block, Figure):
                    _check_figure(reader, root, origin, loc, block)
        _check_edition_refs(reader, root, edition, sections, strings, sections_failed, origin)


def _known_selectors(root: Path, editions: dict[str, Edition]) -> set[str]:
    """Edition ids and countries a condition may name (files that failed to load count too)."""
    unloaded = {p.stem for p in (root / "editions").glob("*.yaml")} - editions.keys()
    known = set(editions) | {e.country for e in editions.values()}
    return known | unloaded | {stem.rpartition("-")[2] for stem in unloaded}


def _check_sections(
    reader: Reader,
    root: Path,
    sections: dict[str, Section],
    editions: dict[str, Edition],
    origins: dict[str, Origin],
    prefix: str,
) -> None:
    """Conditions name known editions or countries; figures exist inside the guide."""
    known = _known_selectors(root, editions)
    for sid, section in sections.items():
        origin = origins[f"{prefix}:{sid}"]
        for loc, item in _conditionals(section):
            _check_selectors(reader, origin, loc, item, known)
        for loc, figure in _figures(section):
            _check_figure(reader, root, origin, loc, figure)


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


def _check_figure(reader: Reader, root: Path, origin: Origin, loc: tuple[Any, ...], figure: Figure) -> None:
    message = image_problem(root, figure.src)
    if message:
        where = loc + ("src",)
        reader.problem(origin.path, origin.line(where), ".".join(map(str, where)), message)


def _check_edition_refs(
    reader: Reader,
    root: Path,
    edition: Edition,
    sections: dict[str, Section],
    strings: dict[str, UiStrings],
    sections_failed: bool,
    origin: Origin,
) -> None:
    if edition.language not in strings and not (root / "strings" / f"{edition.language}.yaml").is_file():
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
