"""Preflight editions: lay each out (in the workers), gather the findings, optionally check links
online and write the report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from ..editions.selection import check_names, select_editions
from ..preflight.findings import EditionCheck
from ..preflight.links import check_online, cited_urls
from ..preflight.profile import PROFILE, Profile
from ..project import Project
from ..writers.pdf import download_job, print_job
from .build import validate
from .lock import ignore_waiting, output_lock
from .outputs import output_path, write_atomic
from .workers import default_jobs, run_layout, worker_pool


def preflight(
    project: Project,
    editions: Sequence[str] = (),
    everything: bool = False,
    online: bool = False,
    report: bool = False,
    pool: ProcessPoolExecutor | None = None,
    profile: Profile = PROFILE,
    waiting: Callable[[str], None] = ignore_waiting,
) -> list[EditionCheck]:
    """Preflight the chosen editions (default: the default edition); report=True writes
    dist/<edition>/preflight.html and preflight.json, under the output folder's lock (`waiting` hears who else
    holds it)."""
    check_names(editions)
    if pool is None:
        with worker_pool(default_jobs()) as own:
            return preflight(project, editions, everything, online, report, own, profile, waiting)
    checked = validate(project)
    chosen = select_editions(checked.guide, editions, everything)
    jobs = {e: (download_job(checked.books[e], project), print_job(checked.books[e], project)) for e in chosen}
    futures = {e: [pool.submit(run_layout, job) for job in pair] for e, pair in jobs.items()}
    results = []
    for edition in chosen:
        laid = [future.result() for future in futures[edition]]
        found = [f for result in laid for f in result.findings]
        if online:
            found += check_online(cited_urls(jobs[edition][0].html), profile, laid[0].data)
        results.append(EditionCheck(edition, tuple(replace(f, edition=edition) for f in found), laid[0].data))
    if report:
        with output_lock(project.out, waiting):
            for result in results:
                write_report(project.out / result.edition, result, profile)
    return results


def write_report(folder: Path, check: EditionCheck, profile: Profile) -> tuple[Path, Path]:
    """Write preflight.html and preflight.json into the edition's output folder, atomically."""
    from ..writers.report import report_html, report_json

    page = output_path(folder.parent, f"{check.edition}/preflight.html")
    data = output_path(folder.parent, f"{check.edition}/preflight.json")
    write_atomic(page, report_html(check, profile).encode())
    write_atomic(data, report_json(check, profile).encode())
    return page, data
