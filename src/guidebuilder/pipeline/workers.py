"""Worker processes for layout jobs. Light to import: the CLI starts them before anything heavy,
so that they import WeasyPrint while the main process reads and validates the guide.

A worker never outlives its pool's main process, however that ends (kill -9 included): on Linux the
kernel sends it SIGKILL when its parent dies (PR_SET_PDEATHSIG), and a thread in each worker also
watches for its parent's end (a changed parent pid) and for the pool's stop pipe, written to when the
pool is stopped at once (an error or Ctrl-C in the main process)."""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import active_children, get_context
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..writers.jobs import LaidOut, LayoutJob

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_WATCH_S = 0.5  # how often a worker's watch thread checks its parent pid


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


class WorkerPool(ProcessPoolExecutor):
    """A pool of forked workers that end with the process that made it, or at once when told (stop_pool)."""

    def __init__(self, workers: int) -> None:
        self.stop_pipe: tuple[int, ...] = os.pipe()  # (read, write); nothing is read: being readable is the signal
        self.workers: tuple[BaseProcess, ...] = ()  # set by start_pool
        parent = os.getpid()
        super().__init__(
            workers, mp_context=get_context("fork"), initializer=_warm_up, initargs=(parent, self.stop_pipe[0])
        )


def _warm_up(parent: int, stop: int) -> None:
    """Tie this worker's life to its parent and its pool, ignore Ctrl-C (the main process handles it and
    stops the workers), then import WeasyPrint, which takes a good part of a second."""
    _end_with_parent(parent, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by start_pool around the fork
    from ..writers import layout  # noqa: F401


def _end_with_parent(parent: int, stop: int) -> None:
    """Have this worker killed when its parent dies, and end it when the pool's stop pipe is written to."""
    _ask_for_death_with_parent()
    if os.getppid() != parent:  # the parent died before the line above: nobody will send the signal
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, stop), name="watch-parent", daemon=True).start()


def _ask_for_death_with_parent() -> None:
    """Ask Linux to send this process SIGKILL when its parent dies (elsewhere, the watch thread alone sees to it)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(parent: int, stop: int) -> None:
    """End this process when the stop pipe becomes readable or the parent is gone (its orphans are adopted by
    another process): the fallback where the kernel sends no signal, and the way stop_pool ends a busy worker."""
    while not select.select([stop], [], [], PARENT_WATCH_S)[0] and os.getppid() == parent:
        pass
    os._exit(1)


def run_layout(job: LayoutJob) -> LaidOut:
    """Lay out one job (in a worker process)."""
    from ..writers.layout import lay_out

    return lay_out(job)


def start_pool(workers: int) -> WorkerPool:
    """A pool of forked workers that start warming up at once. On Linux the kernel ties a worker to the thread
    that forked it, so call this from a thread that outlives the pool (the main thread)."""
    pool = WorkerPool(workers)
    before = set(active_children())
    # A Ctrl-C (sent to the whole process group) must not reach a worker before it ignores SIGINT,
    # nor stop the main process half-way through forking: hold it until the workers exist.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        # With the fork start method, ProcessPoolExecutor forks all its workers at the first task (it spawns
        # on demand only with the other methods): the warm-up starts now, and the Ctrl-C held above covers
        # every fork; the pool's workers are the children that appear meanwhile (pools are started from the main
        # thread alone). Library behaviour, not documented: tests/test_faults.py checks it, and pyproject.toml
        # bounds Python to the versions that test passed on.
        pool.submit(int)
        pool.workers = tuple(child for child in active_children() if child not in before)
    finally:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held meanwhile is raised here
        except BaseException:
            stop_pool(pool, abort=True)
            raise
    return pool


def stop_pool(pool: WorkerPool, abort: bool = False) -> None:
    """Shut the pool down; on abort (an error or Ctrl-C) end the workers at once instead of waiting for their jobs."""
    if not pool.stop_pipe:  # stopped already: its descriptors' numbers may have been given to other files since
        return
    if abort:
        os.write(pool.stop_pipe[1], b"\n")  # each worker's watch thread sees it and ends its process
    # Not wait=True on abort: the pool's manager thread can block for good on a queue a worker held as it ended.
    pool.shutdown(wait=not abort, cancel_futures=True)
    for worker in pool.workers if abort else ():
        worker.join(timeout=5)  # gone when this returns: the caller may exit, or count processes, next
    for fd in pool.stop_pipe:
        os.close(fd)
    pool.stop_pipe = ()


@contextmanager
def worker_pool(workers: int) -> Iterator[WorkerPool]:
    """A started pool, stopped on leaving; an exception (Ctrl-C included) ends its workers at once."""
    pool = start_pool(workers)
    try:
        yield pool
    except BaseException:
        stop_pool(pool, abort=True)
        raise
    stop_pool(pool)
