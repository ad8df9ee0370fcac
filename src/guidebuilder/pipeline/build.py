"""The pipeline: load → validate → resolve → render → write, nothing written until all is valid."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..content.guide import Guide
from ..editions.book import Book
from ..editions.selection import check_names, select_editions
from ..errors import BuildError, UsageError
from ..project import Project
from ..proof.validate import validate
from ..writers import DEFAULT_FORMATS, FORMATS
from ..writers.jobs import LaidOut
from .lock import output_lock
from .outputs import output_path, remove_stale_temporaries
from .publish import check_site_files, known_files, output_name, prepare, publish, replace_output
from .shard import Shard
from .shards import share, write_record
from .workers import default_jobs, pool_size, run_layout, worker_pool


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    edition: str
    format: str
    path: Path
    size: int
    pages: int | None = None
    findings: tuple = ()  # preflight findings of this output's own layout (preflight.findings.Finding)


class BuildObserver:
    """Hears how a build goes (to show progress); this one ignores it all. The library never prints."""

    def validating(self) -> None:
        """Reading and checking every file has begun."""

    def waiting(self, message: str) -> None:
        """Another process is writing to the output folder (the message names it); this build waits for it."""

    def planned(self, outputs: Sequence[tuple[str, str]]) -> None:
        """All is valid; these (edition, format) outputs are being laid out."""

    def finished(self, output: Output) -> None:
        """One output has been written."""

    def publishing(self) -> None:
        """The manifest, checksums and download page are being written."""


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The requested formats, each known."""
    chosen = tuple(dict.fromkeys(formats)) or DEFAULT_FORMATS
    for fmt in chosen:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format '{fmt}'; known formats: {', '.join(FORMATS)}")
    return tuple(sorted(chosen, key=lambda fmt: FORMATS[fmt].written_last))


def build(
    project: Project,
    editions: Sequence[str] = (),
    formats: Sequence[str] = (),
    everything: bool = False,
    country: str | None = None,
    jobs: int | None = None,
    pool: ProcessPoolExecutor | None = None,
    observer: BuildObserver | None = None,
    shard: Shard | None = None,
) -> list[Output]:
    """Build the chosen editions in the chosen formats into project.out; layouts run in worker processes.
    Everything from the first look into project.out on runs under its lock (pipeline.lock): one writer at a time.
    With a shard, only its share of the outputs, and a record of them (shard.json) instead of the site files."""
    chosen_formats = check_formats(formats)
    check_names(editions, country)
    observer = observer or BuildObserver()
    with ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(worker_pool(pool_size(len(editions), everything or bool(country), jobs)))
        observer.validating()
        checked = validate(project)
        guide, books, today = checked.guide, checked.books, checked.today
        chosen = select_editions(guide, editions, everything, country)
        stack.enter_context(output_lock(project.out, observer.waiting))
        targets = _targets(project, guide, chosen, chosen_formats)
        if shard is not None:
            mine = share(books, chosen, chosen_formats, shard)
            targets = {key: path for key, path in targets.items() if key in mine}
        known_files(project.out, guide.meta.slug, guide.editions)  # what publish() reads: refused now if outside
        check_site_files(project.out)
        remove_stale_temporaries(project.out)
        laid = InFlight(pool, project, books, list(targets), ahead=2 * (jobs or default_jobs()))
        observer.planned(list(targets))
        prepare(project)  # meanwhile
        outputs = []
        for (edition, name), path in targets.items():
            outputs.append(_finish(project, books[edition], name, path, laid.results(edition, name)))
            observer.finished(outputs[-1])
        if shard is not None:
            record = write_record(project, shard, chosen, chosen_formats, today, outputs)
            return outputs + [Output("", "shard", record, record.stat().st_size)]
        observer.publishing()
        pages = {o.path: o.pages for o in outputs if o.pages}
        site = publish(project, guide.meta, list(books.values()), chosen, today, pages)
    return outputs + [Output("", "site", path, path.stat().st_size) for path in site]


class InFlight:
    """The layout jobs of a build's outputs (in their order), each submitted once (the booklet shares the PDF's),
    no more than `ahead` ahead of the output being finished, and each result dropped once every output that needs
    it is finished: the build's memory does not grow with the number of editions."""

    def __init__(
        self, pool: ProcessPoolExecutor, project: Project, books: dict[str, Book], outputs: list, ahead: int
    ) -> None:
        self.pool, self.project, self.books, self.ahead = pool, project, books, max(1, ahead)
        self.waiting = iter(outputs)
        self.futures: dict[tuple[str, str], Future] = {}
        self.needs: dict[tuple[str, str], tuple[str, ...]] = {}
        self.users = Counter((edition, key) for edition, name in outputs for key in FORMATS[name].layouts)
        self._submit()

    def _submit(self) -> None:
        """Submit the layout jobs of the next outputs until `ahead` jobs are waiting or running."""
        while sum(not f.done() for f in self.futures.values()) < self.ahead:
            output = next(self.waiting, None)
            if output is None:
                return
            edition, name = output
            jobs = FORMATS[name].code().jobs(self.books[edition], self.project)
            self.needs[output] = tuple(jobs)
            for key, job in jobs.items():
                if (edition, key) not in self.futures:
                    self.futures[edition, key] = self.pool.submit(run_layout, job)

    def results(self, edition: str, name: str) -> dict[str, LaidOut]:
        """The laid-out jobs of one output, waiting for them; then the next jobs are submitted."""
        while (edition, name) not in self.needs:
            before = len(self.needs)
            self._submit()
            if len(self.needs) == before:  # the window is full of jobs ahead of this one: wait for the oldest
                next(f for f in self.futures.values() if not f.done()).result()
        results = {key: self.futures[edition, key].result() for key in self.needs.pop((edition, name))}
        for key in results:
            self.users[edition, key] -= 1
            if not self.users[edition, key]:
                del self.futures[edition, key]
        self._submit()
        return results


def _finish(project: Project, book: Book, name: str, path: Path, results: dict[str, LaidOut]) -> Output:
    """Finish one output from its laid-out jobs and write it."""
    data, pages = FORMATS[name].code().finish(book, project, results)
    replace_output(project.out, output_name(book.meta.slug, book.edition.id, name), path, data)
    findings = tuple(f for key, laid in results.items() if key == name for f in laid.findings)
    return Output(book.edition.id, name, path, len(data), pages, findings)


def _targets(
    project: Project, guide: Guide, editions: Sequence[str], formats: Sequence[str]
) -> dict[tuple[str, str], Path]:
    """Every output path of the build, each inside the output folder and claimed once."""
    targets: dict[tuple[str, str], Path] = {}
    claimed: dict[Path, tuple[str, str]] = {}
    for edition_id in editions:
        for name in formats:
            path = output_path(project.out, output_name(guide.meta.slug, edition_id, name))
            if path in claimed:
                raise BuildError(f"outputs {claimed[path]} and {(edition_id, name)} both claim {path}")
            claimed[path] = (edition_id, name)
            targets[edition_id, name] = path
    return targets
