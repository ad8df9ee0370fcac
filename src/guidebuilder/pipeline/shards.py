"""Build shards: each CI runner builds a stable, balanced share of the outputs into its own folder, with a
record of what it built (shard.json); pipeline.merge makes of the shards' folders the dist/ one build makes."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from ..codestamp import PACKAGE
from ..content.types import Model
from ..editions.book import Book
from ..project import Project
from ..writers import FORMATS
from .outputs import output_path, write_atomic
from .shard import Shard

RECORD = "shard.json"
GENERATOR = "guidebuilder build --shard"


Unit = tuple[str, tuple[str, ...]]  # an edition and the formats built together (they share a layout)


def units(editions: Iterable[str], formats: Sequence[str]) -> list[Unit]:
    """The outputs of a build in groups that must stay in one shard: formats of an edition sharing a layout job
    (the download PDF and the booklet) would otherwise be laid out twice."""
    groups: list[list[str]] = []
    for name in formats:
        sharing = [g for g in groups if set(FORMATS[name].layouts) & {k for f in g for k in FORMATS[f].layouts}]
        merged = [f for g in sharing for f in g] + [name]
        groups = [g for g in groups if g not in sharing] + [merged]
    return [(edition, tuple(group)) for edition in editions for group in groups]


def text_size(book: Book) -> int:
    """The characters an edition prints: what its layouts' cost grows with."""
    return sum(len(line.text) for line in book.text_lines) or 1


def unit_costs(books: Mapping[str, Book], editions: Iterable[str], formats: Sequence[str]) -> dict[Unit, float]:
    """Each unit's expected cost: its formats' costs (writers.FORMATS, measured by the bench) times its
    edition's printed text against the average edition's."""
    chosen = sorted(set(editions))
    average = sum(text_size(books[e]) for e in chosen) / max(1, len(chosen))
    return {
        unit: sum(FORMATS[f].cost for f in unit[1]) * text_size(books[unit[0]]) / average
        for unit in units(chosen, formats)
    }


def plan(books: Mapping[str, Book], editions: Iterable[str], formats: Sequence[str], count: int) -> list[list[Unit]]:
    """The units of each of count shards: every output in exactly one, the shards' expected costs as even as
    the units allow (largest first, each to the least loaded shard). Depends only on the inputs, never on
    the order editions were named, so every runner computes the same plan."""
    costs = unit_costs(books, editions, formats)
    shards: list[list[Unit]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for unit in sorted(costs, key=lambda u: (-costs[u], u)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        shards[lightest].append(unit)
        loads[lightest] += costs[unit]
    return shards


def share(books: Mapping[str, Book], editions: Sequence[str], formats: Sequence[str], shard: Shard) -> set[tuple]:
    """The (edition, format) outputs this shard builds."""
    mine = plan(books, editions, formats, shard.count)[shard.index - 1]
    return {(edition, name) for edition, group in mine for name in group}


class ShardOutput(Model):
    """One file a shard built."""

    edition: str
    format: str
    path: str
    bytes: Annotated[int, Field(gt=0)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    pages: int | None


class ShardRecord(Model):
    """shard.json: which share of which build a folder holds, and every file in it."""

    generator: Literal["guidebuilder build --shard"]
    shard: Annotated[int, Field(gt=0)]
    shards: Annotated[int, Field(gt=0)]
    inputs: str  # digest of the guide, layouts, code and library versions (inputs_digest)
    build_date: date
    editions: tuple[str, ...]  # of the whole build
    formats: tuple[str, ...]
    booklet: tuple[float, bool, float]  # creep, marks, sheet margin
    outputs: tuple[ShardOutput, ...]


def inputs_digest(project: Project) -> str:
    """A digest of everything an output's bytes depend on besides the build date and the options: the guide,
    the layout folders, guidebuilder's code, and the versions of Python and the libraries it runs on."""
    digest = hashlib.sha256(f"shard inputs 1|{sys.version}".encode())
    folders = [("guide", project.guide_dir)] + [(f"layouts{i}", p) for i, p in enumerate(project.search_path)]
    for label, root in [*folders, ("code", Path(PACKAGE))]:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"\0{label}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    for name, version in library_versions():
        digest.update(f"\0{name}=={version}".encode())
    return digest.hexdigest()


def library_versions(root: str = "guidebuilder") -> list[tuple[str, str]]:
    """Every installed library guidebuilder runs on, directly or not (not its test extras), with its version."""
    seen: dict[str, str] = {}
    waiting = [root]
    while waiting:
        name = waiting.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for requirement in dist.requires or ():
            wanted = re.match(r"[A-Za-z0-9._-]+", requirement)
            key = wanted and wanted[0].lower().replace("_", "-")
            if key and "extra ==" not in requirement and key not in seen and key != root:
                seen[key] = ""
                waiting.append(key)
    return sorted((name, _version(name)) for name in seen)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def write_record(
    project: Project, shard: Shard, editions: Sequence[str], formats: Sequence[str], built: date, outputs: Iterable
) -> Path:
    """Write shard.json for the outputs (pipeline.build.Output) this shard wrote; its path."""
    record = ShardRecord(
        generator=GENERATOR,
        shard=shard.index,
        shards=shard.count,
        inputs=inputs_digest(project),
        build_date=built,
        editions=tuple(editions),
        formats=tuple(formats),
        booklet=(project.booklet.creep_mm, project.booklet.marks, project.booklet.margin_mm),
        outputs=tuple(_described(project.out, output) for output in outputs),
    )
    path = output_path(project.out, RECORD)
    write_atomic(path, (record.model_dump_json(indent=2) + "\n").encode())
    return path


def _described(out: Path, output) -> ShardOutput:  # noqa: ANN001 (pipeline.build.Output: build imports this module)
    data = output.path.read_bytes()
    return ShardOutput(
        edition=output.edition,
        format=output.format,
        path=output.path.relative_to(out).as_posix(),
        bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=output.pages,
    )
