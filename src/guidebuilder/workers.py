"""Worker processes for layout jobs. Light to import: the CLI starts them before anything heavy,
so that they import WeasyPrint while the main process reads and validates the guide."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from .writers.jobs import LaidOut, LayoutJob


def default_jobs() -> int:
    """Parallel workers: GUIDEBUILDER_JOBS, else one per core."""
    try:
        return max(0, int(os.environ.get("GUIDEBUILDER_JOBS", "0"))) or os.cpu_count() or 1
    except ValueError:
        raise UsageError("GUIDEBUILDER_JOBS must be a whole number") from None


def _warm_up() -> None:
    """Import WeasyPrint in the worker, which takes a good part of a second; leave Ctrl-C to the main process,
    which ends the workers (a terminal sends SIGINT to every process of the command)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .writers import layout  # noqa: F401


def run_layout(job: LayoutJob) -> LaidOut:
    """Lay out one job (in a worker process)."""
    from .writers.layout import lay_out

    return lay_out(job)


def start_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked workers that start warming up at once."""
    pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_warm_up)
    pool.submit(int)  # the pool starts its processes at the first task
    return pool
