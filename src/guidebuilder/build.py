"""The pipeline: load → validate → resolve → render → write, nothing written until all is valid."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .errors import BuildError, ContentError, UsageError
from .guide import Guide, load_guide
from .outputs import output_path, remove_stale_temporaries, write_atomic
from .project import Project
from .publish import publish
from .resolve import check_editions, resolve
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


def check(project: Project, strict: bool = False) -> tuple[Guide, list[str]]:
    """Validate every file and every edition; return the guide and its warnings."""
    guide = load_guide(project.guide_dir)
    today = build_date(project)
    problems = check_editions(guide, today)
    warnings = stale_figures(guide, today) + stale_translations(guide)
    if strict:
        problems.extend(warnings)
        warnings = []
    if problems:
        raise ContentError(problems)
    return guide, [str(w) for w in warnings]


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
            raise UsageError(f"unknown edition '{edition_id}'; known editions: {', '.join(known)}")
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
) -> list[Output]:
    """Build the chosen editions in the chosen formats into project.out."""
    chosen_formats = check_formats(formats)
    guide, _ = check(project)
    chosen = select_editions(guide, editions, everything, country)
    today = build_date(project)
    caches: dict[str, dict[str, object]] = {}
    books = {edition_id: resolve(guide, edition_id, today) for edition_id in guide.editions}
    targets = _targets(project, guide, chosen, chosen_formats)
    remove_stale_temporaries(project.out)
    outputs = []
    for (edition_id, name), path in targets.items():
        data = FORMATS[name].writer()(books[edition_id], project, caches.setdefault(edition_id, {}))
        write_atomic(path, data)
        outputs.append(Output(edition_id, name, path, len(data)))
        if name == chosen_formats[-1]:
            caches.pop(edition_id, None)  # the edition is done: free its rendered PDF
    site = publish(project, guide.meta, list(books.values()), chosen, today)
    return outputs + [Output("", "site", path, path.stat().st_size) for path in site]


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
