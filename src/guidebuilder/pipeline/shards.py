"""Build shards: each CI runner builds a stable, balanced share of the outputs into its own folder, with a
record of what it built (shard.json); merging the shards' folders makes the dist/ one build would have made."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from ..codestamp import PACKAGE
from ..content.types import Model
from ..editions.book import Book
from ..errors import ContentError, Problem, UsageError
from ..project import Project
from ..writers import FORMATS
from .lock import ignore_waiting, output_lock
from .outputs import output_path, remove_stale_temporaries, write_atomic
from .publish import check_site_files, known_files, output_name, publish, replace_output

RECORD = "shard.json"
GENERATOR = "guidebuilder build --shard"


@dataclass(frozen=True)
class Shard:
    """One share of a build: the index-th of count (1-based)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """A shard from 'K/N' (1 <= K <= N); anything else is a usage error."""
        match = re.fullmatch(r"\s*(\d{1,4})\s*/\s*(\d{1,4})\s*", text)
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise UsageError(f"--shard takes K/N with 1 <= K <= N, e.g. 2/4; got '{text}'")
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


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


@dataclass(frozen=True)
class Found:
    """A shard folder and its record."""

    folder: Path
    record: ShardRecord

    @property
    def name(self) -> str:
        return f"{self.folder} (shard {self.record.shard}/{self.record.shards})"

    @property
    def where(self) -> str:
        return str(self.folder / RECORD)


def merge(project: Project, folders: Sequence[Path], waiting: Callable[[str], None] = ignore_waiting) -> list[Path]:
    """Assemble project.out from the folders of every shard of one build: their outputs, then the manifest,
    checksums, download page and web download lists, as one build of it all would have written them, under the
    output folder's lock (`waiting` hears who else holds it). Shards of different inputs, dates or options, a
    shard missing or a damaged file: nothing is written."""
    from ..proof.validate import validate

    found = read_shards(folders)
    problems = disagreements(found)
    checked = validate(project)
    guide = checked.guide
    if not problems:
        problems = _against_checkout(found[0], inputs_digest(project), checked.today)
        problems += _coverage(found, guide.meta.slug)
    if not problems:
        problems = _damaged(found)  # only once every path is known to be one this build writes
    if problems:
        raise ContentError(problems)
    record = found[0].record
    with output_lock(project.out, waiting):
        known_files(project.out, guide.meta.slug, guide.editions)  # refused now if a path leads outside
        check_site_files(project.out)
        remove_stale_temporaries(project.out)
        written, pages = [], {}
        for shard in found:
            for output in shard.record.outputs:
                target = output_path(project.out, output.path)
                replace_output(project.out, output.path, target, _verified(shard.folder, output))
                written.append(target)
                if output.pages:
                    pages[target] = output.pages
        site = publish(project, guide.meta, list(checked.books.values()), record.editions, record.build_date, pages)
    return list(dict.fromkeys(written + site))  # a web page copied, then given its full download list


def read_shards(folders: Sequence[Path]) -> list[Found]:
    """Each folder's record, sorted by shard; unreadable ones are a ContentError naming them all."""
    found, problems = [], []
    if not folders:
        raise UsageError("name the shard folders to merge, e.g. shards/*")
    for folder in folders:
        path = folder / RECORD
        try:
            found.append(Found(folder, ShardRecord.model_validate_json(path.read_bytes())))
        except OSError as exc:
            problems.append(
                Problem(str(path), 0, "", f"cannot read it ({exc.strerror}): not a folder of build --shard")
            )
        except (ValidationError, ValueError) as exc:
            problems.append(Problem(str(path), 0, "", f"not a shard record of this guidebuilder: {_first(exc)}"))
    if problems:
        raise ContentError(problems)
    return sorted(found, key=lambda f: (f.record.shard, str(f.folder)))


def _first(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        error = exc.errors()[0]
        return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
    return str(exc).splitlines()[0]


WHAT_DIFFERS = {
    "shards": ("cut into another number of shards", "build every shard with one N in --shard K/N"),
    "build_date": ("built on another date", "build every shard from one commit (one SOURCE_DATE_EPOCH)"),
    "inputs": (
        "built from other inputs (guide, layouts, code or library versions)",
        "build every shard from one commit with one install",
    ),
    "settings": ("built with other editions, formats or booklet options", "give every shard one build command"),
}


def disagreements(found: Sequence[Found]) -> list[Problem]:
    """One line for each way the shards differ from the first: they must be shares of one build."""
    problems = []
    first = found[0]
    for field, (what, fix) in WHAT_DIFFERS.items():
        others = [f for f in found if _value(f.record, field) != _value(first.record, field)]
        if others:
            shown = (
                "" if field == "inputs" else f" ({_value(others[0].record, field)}, not {_value(first.record, field)})"
            )
            verb = "differs" if len(others) == 1 else "differ"
            message = f"{', '.join(f.name for f in others)} {verb} from {first.name}: {what}{shown}; {fix}"
            problems.append(Problem(others[0].where, 0, field, message))
    return problems


def _value(record: ShardRecord, field: str) -> object:
    if field == "settings":
        return (record.editions, record.formats, record.booklet)
    return getattr(record, field)


def _against_checkout(first: Found, inputs: str, today: date) -> list[Problem]:
    """The shards must have been built from this very checkout, whose guide and layouts the site pages use."""
    problems = []
    if first.record.inputs != inputs:
        message = "the shards were built from other inputs than this checkout; merge on the commit they were built from"
        problems.append(Problem(first.where, 0, "inputs", message))
    if first.record.build_date != today:
        message = f"the shards were built on {first.record.build_date}, this checkout builds on {today}"
        problems.append(Problem(first.where, 0, "build_date", f"{message} (SOURCE_DATE_EPOCH or the last commit)"))
    return problems


def _coverage(found: Sequence[Found], slug: str) -> list[Problem]:
    """Every shard of the build once, and together every output once, each where it belongs."""
    record = found[0].record
    problems = []
    indexes = [f.record.shard for f in found]
    missing = [str(i) for i in range(1, record.shards + 1) if i not in indexes]
    if missing:
        message = f"shard {', '.join(missing)} of {record.shards} missing: merge the folders of every shard"
        problems.append(Problem(found[0].where, 0, "shard", message))
    for index in sorted({i for i in indexes if indexes.count(i) > 1 or i > record.shards}):
        names = ", ".join(str(f.folder) for f in found if f.record.shard == index)
        problems.append(
            Problem(found[0].where, 0, "shard", f"shard {index}/{record.shards} given more than once: {names}")
        )
    wanted = {(e, f) for e in record.editions for f in record.formats}
    seen: dict[tuple[str, str], Found] = {}
    for shard in found:
        for output in shard.record.outputs:
            key = (output.edition, output.format)
            if key not in wanted or output.path != _expected_path(slug, key):
                problems.append(Problem(shard.where, 0, "outputs", f"{output.path}: not an output of this build"))
            elif key in seen and seen[key].folder != shard.folder:
                problems.append(Problem(shard.where, 0, "outputs", f"{output.path}: also in {seen[key].folder}"))
            seen[key] = shard
    if not missing and not problems and set(seen) != wanted:
        absent = ", ".join(f"{e} {f}" for e, f in sorted(wanted - set(seen)))
        problems.append(Problem(found[0].where, 0, "outputs", f"no shard built {absent}"))
    return problems


def _expected_path(slug: str, key: tuple[str, str]) -> str:
    edition, name = key
    return output_name(slug, edition, name) if name in FORMATS else ""


def _damaged(found: Sequence[Found]) -> list[Problem]:
    """Every recorded file present, with the bytes the shard wrote."""
    problems = []
    for shard in found:
        for output in shard.record.outputs:
            try:
                _verified(shard.folder, output)
            except OSError as exc:
                problems.append(Problem(str(shard.folder / output.path), 0, "", f"cannot read it ({exc.strerror})"))
            except ValueError as exc:
                problems.append(Problem(str(shard.folder / output.path), 0, "", str(exc)))
    return problems


def _verified(folder: Path, output: ShardOutput) -> bytes:
    """The bytes of a shard's output, refused (ValueError) when they are not those its record names."""
    data = (folder / output.path).read_bytes()
    if hashlib.sha256(data).hexdigest() != output.sha256:
        raise ValueError(f"damaged: its SHA-256 is not the one in {RECORD} (an incomplete download?)")
    return data
