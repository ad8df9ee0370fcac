"""Preflight editions: lay each out (in the workers), gather the findings, optionally check links
online and write the report."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from ..preflight.findings import Finding
from ..preflight.links import check_online, cited_urls
from ..preflight.profile import PROFILE, Profile
from ..project import Project
from ..writers.pdf import download_job, print_job
from .build import select_editions, validate
from .workers import default_jobs, run_layout, worker_pool


@dataclass(frozen=True)
class EditionCheck:
    """One edition's preflight: its findings and the download PDF they refer to."""

    edition: str
    findings: tuple[Finding, ...]
    pdf: bytes


def preflight(
    project: Project,
    editions: Sequence[str] = (),
    everything: bool = False,
    online: bool = False,
    report: bool = False,
    pool: ProcessPoolExecutor | None = None,
    profile: Profile = PROFILE,
) -> list[EditionCheck]:
    """Preflight the chosen editions (default: the default edition); report=True writes
    dist/<edition>/preflight.html and preflight.json."""
    if pool is None:
        with worker_pool(default_jobs()) as own:
            return preflight(project, editions, everything, online, report, own, profile)
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
        from ..writers.report import write_report

        for result in results:
            write_report(project.out / result.edition, result, profile)
    return results
