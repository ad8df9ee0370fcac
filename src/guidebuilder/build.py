"""The pipeline: load → validate → resolve → render → write, nothing written until all is valid."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path

from .book import Book
from .errors import BuildError, ContentError, UsageError
from .guide import Guide, load_guide
from .outputs import output_path, remove_stale_temporaries, write_atomic
from .project import Project
from .publish import publish
from .resolve import resolve_all
from .translations import stale_translations
from .warnings import stale_figures
from .writers import DEFAULT_FORMATS, FORMATS


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    edition: str
    format: str
    path: Path
    size: int
    pages: int | None = None


def build_date(project: Project) -> date:
    """SOURCE_DATE_EPOCH, else the last commit's date, else the newest guide file: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a number of seconds, got '{epoch}'") from None
    try:
        stamp = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "guide", "layouts"],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        if stamp:
            return datetime.fromtimestamp(int(stamp), tz=UTC).date()
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    newest = max(p.stat().st_mtime for p in project.guide_dir.rglob("*") if p.is_file())
    return datetime.fromtimestamp(newest, tz=UTC).date()


@dataclass(frozen=True)
class Validated:
    """The outcome of checking everything: the guide, every edition resolved, the warnings."""

    guide: Guide
    books: dict[str, Book]
    warnings: list[str]
    today: date


def validate(project: Project, strict: bool = False) -> Validated:
    """Validate every file and resolve every edition; ContentError lists every problem."""
    guide = load_guide(project.guide_dir)
    today = build_date(project)
    books, problems = resolve_all(guide, today)
    warnings = stale_figures(guide, today) + stale_translations(guide)
    if strict:
        problems.extend(warnings)
        warnings = []
    if problems:
        raise ContentError(problems)
    return Validated(guide, books, [str(w) for w in warnings], today)


def check(project: Project, strict: bool = False) -> tuple[Guide, list[str]]:
    """Validate every file and every edition; return the guide and its warnings."""
    result = validate(project, strict)
    return result.guide, result.warnings


def select_editions(
    guide: Guide, wanted: Sequence[str], everything: bool = False, country: str | None = None
) -> list[str]:
    """Edition ids to build: named ones, a country's, all, or the default."""
    known = list(guide.editions)
    if everything:
        return known
    if country:
        chosen = [e for e, ed in guide.editions.items() if ed.country == country.upper()]
        if not chosen:
            countries = sorted({ed.country for ed in guide.editions.values()})
            raise UsageError(f"no edition for country '{country}'; known countries: {', '.join(countries)}")
        return chosen
    for edition_id in wanted:
        if edition_id not in guide.editions:
            raise UsageError(f"unknown edition {edition_id!r}; known editions: {', '.join(known)}")
    return list(dict.fromkeys(wanted)) or [guide.meta.default_edition]


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The requested formats, each known."""
    chosen = tuple(dict.fromkeys(formats)) or DEFAULT_FORMATS
    for fmt in chosen:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'; known formats: {', '.join(FORMATS)}")
    return chosen


def build(
    project: Project,
    editions: Sequence[str] = (),
    formats: Sequence[str] = (),
    everything: bool = False,
    country: str | None = None,
    jobs: int | None = None,
) -> list[Output]:
    """Build the chosen editions in the chosen formats into project.out, editions in parallel."""
    chosen_formats = check_formats(formats)
    workers = jobs or default_jobs()
    if not (everything or country):
        workers = min(workers, max(1, len(editions)))
    # Workers start first and import the renderers while this process reads and validates the guide.
    with ProcessPoolExecutor(
        workers, mp_context=get_context("fork"), initializer=_warm_up, initargs=(chosen_formats,)
    ) as pool:
        pool.submit(int)  # the pool starts its processes at the first task; they warm up at once
        checked = validate(project)
        guide, books, today = checked.guide, checked.books, checked.today
        chosen = select_editions(guide, editions, everything, country)
        targets = _targets(project, guide, chosen, chosen_formats)
        remove_stale_temporaries(project.out)
        work = [(project, books[e], {n: targets[e, n] for n in chosen_formats}) for e in chosen]
        results = list(pool.map(_build_edition, work))
    outputs = [output for result in results for output in result]
    pages = {o.path: o.pages for o in outputs if o.pages}
    site = publish(project, guide.meta, list(books.values()), chosen, today, pages)
    return outputs + [Output("", "site", path, path.stat().st_size) for path in site]


def default_jobs() -> int:
    """Parallel workers: GUIDEBUILDER_JOBS, else one per core."""
    try:
        return max(0, int(os.environ.get("GUIDEBUILDER_JOBS", "0"))) or os.cpu_count() or 1
    except ValueError:
        raise UsageError("GUIDEBUILDER_JOBS must be a whole number") from None


def _warm_up(formats: Sequence[str]) -> None:
    """Import the writers a worker will need (WeasyPrint takes a good part of a second)."""
    for name in formats:
        FORMATS[name].writer()


def _build_edition(item: tuple[Project, Book, dict[str, Path]]) -> list[Output]:
    """Every format of one edition, in one process so they share its rendered PDF."""
    project, book, paths = item
    cache: dict[str, object] = {}
    outputs = []
    for name, path in paths.items():
        data = FORMATS[name].writer()(book, project, cache)
        write_atomic(path, data)
        outputs.append(Output(book.edition.id, name, path, len(data), cache.get(f"pages:{name}")))
    return outputs


def _targets(
    project: Project, guide: Guide, editions: Sequence[str], formats: Sequence[str]
) -> dict[tuple[str, str], Path]:
    """Every output path of the build, each inside the output folder and claimed once."""
    targets: dict[tuple[str, str], Path] = {}
    claimed: dict[Path, tuple[str, str]] = {}
    for edition_id in editions:
        for name in formats:
            path = output_path(project.out, f"{edition_id}/{FORMATS[name].file_name(guide.meta.slug, edition_id)}")
            if path in claimed:
                raise BuildError(f"outputs {claimed[path]} and {(edition_id, name)} both claim {path}")
            claimed[path] = (edition_id, name)
            targets[edition_id, name] = path
    return targets
