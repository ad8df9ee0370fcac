"""Merging build shards: the folders of every shard of one build (build --shard K/N) become the dist/ that one
build of it all makes, byte for byte; shards that are not the shares of one build are refused, nothing written."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from ..errors import ContentError, Problem, UsageError
from ..project import Project
from ..writers import FORMATS
from .lock import ignore_waiting, output_lock
from .outputs import output_path, remove_stale_temporaries
from .publish import check_site_files, known_files, output_name, publish, replace_output
from .shards import RECORD, ShardOutput, ShardRecord, inputs_digest


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
