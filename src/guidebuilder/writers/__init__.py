"""Output formats, one module per format, imported only when that format is built.

Each format module has `jobs(book, project)`: the WeasyPrint layout jobs it needs (plain data,
run in worker processes; see layout.py), and `finish(book, project, laid)`: the file's bytes and
page count from the laid-out jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType


@dataclass(frozen=True)
class Format:
    """An output format: its module and the file name ending it produces."""

    name: str
    module: str
    suffix: str
    fixed_name: str | None = None  # a file name of its own instead of slug-edition-suffix
    written_last: bool = False  # finished after the edition's other outputs (it links to them)
    layouts: tuple[str, ...] = ()  # the keys of the layout jobs it needs: formats sharing one are built together
    cost: float = 0.0  # expected CPU time, relative to laying out the download PDF (for balancing build shards)

    def code(self) -> ModuleType:
        """The format's module, imported on first use."""
        return import_module(f".{self.module}", __name__)

    def file_name(self, slug: str, edition: str) -> str:
        """The output's file name inside dist/<edition>/."""
        return self.fixed_name or f"{slug}-{edition}{self.suffix}"


FORMATS = {
    f.name: f
    for f in (
        # Costs measured by bench/bench.py (CPU seconds of each step against the download PDF's layout).
        Format("pdf", "pdf", ".pdf", layouts=("pdf",), cost=1.0),
        Format("print", "print", "-print.pdf", layouts=("print",), cost=1.5),
        Format("booklet", "booklet", "-booklet.pdf", layouts=("pdf",), cost=0.09),
        Format("epub", "epub", ".epub", cost=0.01),
        Format("html", "html", ".html", cost=0.01),
        Format("poster", "poster", "-poster.pdf", layouts=("poster",), cost=0.25),
        Format("poster-print", "poster_print", "-poster-print.pdf", layouts=("poster-print",), cost=0.75),
        Format("web", "web", "", fixed_name="index.html", written_last=True, cost=0.01),
    )
}
DEFAULT_FORMATS = ("pdf", "print", "booklet", "epub", "web")
