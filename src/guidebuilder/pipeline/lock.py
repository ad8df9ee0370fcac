"""One writer per output folder: build, clean and preflight --report hold an exclusive flock on
.guidebuilder.lock in it while they read and write there; a second one waits, then gives up.

The kernel drops the lock when its holder dies (kill -9 included), so a lock is never stale. The holder
removes the file as it finishes, while still holding it: a waiter that opened the old file finds, once it
has the lock, that the name no longer leads to what it locked, and starts again with a new file."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shlex
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import BuildError, UsageError

LOCK_NAME = ".guidebuilder.lock"
DEFAULT_PATIENCE_S = 600
POLL_S = 0.1


def ignore_waiting(message: str) -> None:
    """Hear nothing of the wait."""


def patience() -> float:
    """How long to wait for another writer: GUIDEBUILDER_LOCK_WAIT seconds, else ten minutes."""
    value = os.environ.get("GUIDEBUILDER_LOCK_WAIT", "")
    try:
        seconds = float(value) if value else DEFAULT_PATIENCE_S
    except ValueError:
        seconds = -1
    if not 0 <= seconds < float("inf"):
        raise UsageError(f"GUIDEBUILDER_LOCK_WAIT must be a number of seconds, got '{value}'")
    return seconds


@contextlib.contextmanager
def output_lock(
    out: Path, waiting: Callable[[str], None] = ignore_waiting, remove_if_empty: bool = False
) -> Iterator[None]:
    """Hold out for this process alone (making the folder if needed); `waiting` hears once, naming the holder,
    when another process holds it. On leaving, the lock file goes, and so does out if it is left empty and
    this call made it (or remove_if_empty)."""
    made = _make_folder(out)
    path = out / LOCK_NAME
    fd = _acquire(path, waiting, patience())
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} ({_command()})\n".encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # while still held: see the module's docstring
        os.close(fd)
        if made or remove_if_empty:
            with contextlib.suppress(OSError):
                out.rmdir()  # only when empty; another writer may already have put its lock file there


def _make_folder(out: Path) -> bool:
    """Make the output folder if it is missing; whether this call made it."""
    try:
        out.mkdir(parents=True)
        return True
    except FileExistsError:
        if not out.is_dir():
            raise BuildError(f"cannot write {out}: Not a directory") from None
        return False
    except OSError as exc:
        raise BuildError(f"cannot write {out}: {exc.strerror}") from None


def _acquire(path: Path, waiting: Callable[[str], None], patience_s: float) -> int:
    """An open descriptor of the lock file at path, locked; waits for another holder at most patience_s."""
    deadline = time.monotonic() + patience_s
    told = False
    while True:
        fd = _open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise BuildError(
                    f"{path.parent} is in use by {holder or 'another process'}; gave up after {patience_s:g} s"
                    " (GUIDEBUILDER_LOCK_WAIT)"
                ) from None
            if holder and not told:
                waiting(f"waiting for {holder}, which is writing to {path.parent}")
                told = True
            time.sleep(POLL_S)
            continue
        if _still_named(fd, path):
            return fd
        os.close(fd)  # its holder removed it as it finished: start again


def _open(path: Path) -> int:
    """Open (or create) the lock file; a link or anything but a plain file of its own is refused."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except FileNotFoundError:  # the folder went with the last holder's lock file: make it again
        _make_folder(path.parent)
        return _open(path)
    except OSError as exc:
        if os.path.islink(path):
            raise BuildError(f"refusing to use {path}: it is a link") from None
        if os.path.lexists(path):
            raise BuildError(f"refusing to use {path}: not a plain file of its own") from None
        raise BuildError(f"cannot write {path.parent}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:  # a hard link could lead to a file outside
        os.close(fd)
        raise BuildError(f"refusing to use {path}: not a plain file of its own")
    return fd


def _still_named(fd: int, path: Path) -> bool:
    """Whether path still names the file open as fd."""
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it: 'pid 123 (guidebuilder build --all)'; empty if not yet written."""
    text = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
    return "".join(c if c.isprintable() else "?" for c in text)


def _command() -> str:
    """This process's command line, with the program's name alone."""
    argv = sys.argv or ["python"]
    program = Path(argv[0])
    name = program.parent.name if program.name == "__main__.py" else program.name  # python -m guidebuilder
    return shlex.join([name, *argv[1:]])[:200]
