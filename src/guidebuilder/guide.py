"""Load and validate the whole guide/ folder into one immutable Guide."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ContentError, Problem
from .loader import Origin, Reader
from .models import Conditional, Edition, Figure, GuideMeta, Section, UiStrings


@dataclass(frozen=True)
class Guide:
    """Everything in guide/, validated; origins map content keys to their files."""

    root: Path
    meta: GuideMeta
    sections: tuple[Section, ...]
    editions: Mapping[str, Edition]
    strings: Mapping[str, UiStrings]
    origins: Mapping[str, Origin]

    def section_origin(self, section_id: str) -> Origin:
        """The file a section came from."""
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
    sections = _load_sections(reader, root, origins)
    editions = _load_editions(reader, root, origins)
    strings = _load_strings(reader, root, origins)
    if meta is not None:
        _check_cross_file(reader, root, meta, sections, editions, strings, origins)
    if reader.problems:
        raise ContentError(reader.problems)
    ordered = tuple(sections[sid] for sid in meta.sections)
    return Guide(
        root,
        meta,
        ordered,
        MappingProxyType(dict(sorted(editions.items()))),
        MappingProxyType(strings),
        MappingProxyType(origins),
    )


def _load_meta(reader: Reader, root: Path, origins: dict[str, Origin]) -> GuideMeta | None:
    origin = reader.yaml_file(root / "guide.yaml")
    if origin is None:
        return None
    origins["guide"] = origin
    return reader.model(GuideMeta, origin.doc.data, origin)


def _load_sections(reader: Reader, root: Path, origins: dict[str, Origin]) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    for path in sorted((root / "sections").glob("*.md")):
        loaded = reader.front_matter_file(path)
        if loaded is None:
            continue
        origin, body = loaded
        if "body" in origin.doc.data:
            line = origin.doc.line_of(("body",))
            reader.problem(origin.path, line, "body", "unknown field: the body is the text after the front matter")
            continue
        section = reader.model(Section, {**origin.doc.data, "body": body}, origin)
        if section is None:
            continue
        if section.id in sections:
            first = origins[f"section:{section.id}"].path
            reader.problem(
                origin.path,
                origin.line(("id",)),
                "id",
                f"duplicate section id '{section.id}' (also in {first})",
            )
            continue
        sections[section.id] = section
        origins[f"section:{section.id}"] = origin
    return sections


def _load_editions(reader: Reader, root: Path, origins: dict[str, Origin]) -> dict[str, Edition]:
    editions: dict[str, Edition] = {}
    for path in sorted((root / "editions").glob("*.yaml")):
        origin = reader.yaml_file(path)
        edition = None if origin is None else reader.model(Edition, origin.doc.data, origin)
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
        origin = reader.yaml_file(path)
        loaded = None if origin is None else reader.model(UiStrings, origin.doc.data, origin)
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
    known = set(editions) | {e.country for e in editions.values()}
    known |= unloaded | {stem.rpartition("-")[2] for stem in unloaded}  # an edition's file is named by its id
    for sid, section in sections.items():
        origin = origins[f"section:{sid}"]
        for loc, item in _conditionals(section):
            _check_selectors(reader, origin, loc, item, known)
        for loc, figure in _figures(section):
            _check_figure(reader, root, origin, loc, figure)
    for eid, edition in editions.items():
        origin = origins[f"edition:{eid}"]
        for sid, override in edition.overrides.items():
            for index, block in enumerate(override.blocks or ()):
                loc = ("overrides", sid, "blocks", index)
                _check_selectors(reader, origin, loc, block, known)
                if isinstance(block, Figure):
                    _check_figure(reader, root, origin, loc, block)
        _check_edition_refs(reader, root, edition, sections, strings, sections_failed, origin)


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
    where = loc + ("src",)
    target = (root / figure.src).resolve()
    if not target.is_relative_to(root):
        message = f"'{figure.src}' lies outside the guide folder"
    elif not target.is_file():
        message = f"image '{figure.src}' not found"
    else:
        return
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
