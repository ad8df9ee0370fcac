"""Progress of a build for the command line: a rich display on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from ..pipeline.build import BuildObserver, Output


class PlainProgress(BuildObserver):
    """One line per step on a stream that is not a terminal (a log, a pipe, CI)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.done = 0
        self.total = 0

    def _say(self, text: str) -> None:
        print(f"{text} ({time.monotonic() - self.started:.1f} s)", file=self.stream, flush=True)

    def validating(self) -> None:
        self._say("validating the guide")

    def waiting(self, message: str) -> None:
        self._say(message)

    def planned(self, outputs: Sequence[tuple[str, str]]) -> None:
        self.total = len(outputs)
        self._say(f"building {self.total} output{'s' if self.total != 1 else ''}")

    def finished(self, output: Output) -> None:
        self.done += 1
        self._say(f"[{self.done}/{self.total}] {output.edition} {output.format}")

    def publishing(self) -> None:
        self._say("writing the download page")


class RichProgress(BuildObserver):
    """A live bar on a terminal: the step, done/total outputs and the time elapsed."""

    def __init__(self, progress) -> None:  # noqa: ANN001 (rich.progress.Progress, imported lazily)
        self.progress = progress
        self.task = progress.add_task("validating the guide", total=None)

    def waiting(self, message: str) -> None:
        self.progress.update(self.task, description=message)

    def planned(self, outputs: Sequence[tuple[str, str]]) -> None:
        names = ", ".join(f"{edition} {fmt}" for edition, fmt in outputs[:3])
        more = f" and {len(outputs) - 3} more" if len(outputs) > 3 else ""
        self.progress.update(self.task, total=len(outputs), completed=0, description=f"laying out {names}{more}")

    def finished(self, output: Output) -> None:
        self.progress.update(self.task, advance=1, description=f"wrote {output.edition} {output.format}")

    def publishing(self) -> None:
        self.progress.update(self.task, description="writing the download page")


@contextmanager
def progress_display(quiet: bool = False, stream: TextIO | None = None) -> Iterator[BuildObserver]:
    """The observer to give a build: silent with quiet, rich on a terminal, plain lines otherwise."""
    stream = stream or sys.stdout
    if quiet:
        yield BuildObserver()
    elif not stream.isatty():
        yield PlainProgress(stream)
    else:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=Console(file=stream)) as progress:
            display = RichProgress(progress)
            yield display
            progress.update(display.task, description="done")
