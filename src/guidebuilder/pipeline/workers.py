"""Worker processes for layout jobs. Light to import: the CLI starts them before anything heavy,
so that they import WeasyPrint while the main process reads and validates the guide."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..writers.jobs import LaidOut, LayoutJob


def default_jobs() -> int:
    """Parallel workers: GUIDEBUILDER_JOBS, else one per core."""
    try:
        return max(0, int(os.environ.get("GUIDEBUILDER_JOBS", "0"))) or os.cpu_count() or 1
    except ValueError:
        raise UsageError("GUIDEBUILDER_JOBS must be a whole number") from None


def pool_size(named_editions: int, everything: bool, jobs: int | None = None) -> int:
    """Workers for a build: `jobs`, else GUIDEBUILDER_JOBS, else one per core; no more than the editions named."""
    wanted = jobs or default_jobs()
    return wanted if everything else min(wanted, max(1, named_editions))


def _warm_up() -> None:
    """Ignore Ctrl-C (the main process handles it and stops the workers), then import WeasyPrint,
    which takes a good part of a second."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by start_pool around the fork
    from ..writers import layout  # noqa: F401


def run_layout(job: LayoutJob) -> LaidOut:
    """Lay out one job (in a worker process)."""
    from ..writers.layout import lay_out

    return lay_out(job)


def start_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked workers that start warming up at once."""
    pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_warm_up)
    # A Ctrl-C (sent to the whole process group) must not reach a worker before it ignores SIGINT,
    # nor stop the main process half-way through forking: hold it until the workers exist.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool.submit(int)  # the pool forks its processes at the first task
    finally:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held meanwhile is raised here
        except BaseException:
            stop_pool(pool, abort=True)
            raise
    return pool


def stop_pool(pool: ProcessPoolExecutor, abort: bool = False) -> None:
    """Shut the pool down; on abort (an error or Ctrl-C) kill the workers instead of waiting for their jobs."""
    if not abort:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    processes = list((pool._processes or {}).values())  # no public way before Python 3.14
    for process in processes:
        process.terminate()
    # Not wait=True: the pool's manager thread can block for good on a queue a killed worker held.
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A started pool, stopped on leaving; an exception (Ctrl-C included) kills its workers."""
    pool = start_pool(workers)
    try:
        yield pool
    except BaseException:
        stop_pool(pool, abort=True)
        raise
    stop_pool(pool)
