"""Output writers, one module per format, imported only when that format is built."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol

from ..book import Book
from ..project import Project

Cache = MutableMapping[str, Any]


class WriteFunction(Protocol):
    """Turns a resolved book into the bytes of one output file; cache is shared per edition."""

    def __call__(self, book: Book, project: Project, cache: Cache) -> bytes: ...


@dataclass(frozen=True)
class Format:
    """An output format: its writer module and the file name ending it produces."""

    name: str
    module: str
    suffix: str

    def writer(self) -> WriteFunction:
        """The format's write function, imported on first use."""
        return import_module(f".{self.module}", __name__).write

    def file_name(self, slug: str, edition: str) -> str:
        """The output's file name inside dist/<edition>/."""
        return f"{slug}-{edition}{self.suffix}"


FORMATS = {
    f.name: f
    for f in (
        Format("pdf", "pdf", ".pdf"),
        Format("print", "print", "-print.pdf"),
        Format("booklet", "booklet", "-booklet.pdf"),
        Format("epub", "epub", ".epub"),
        Format("html", "html", ".html"),
    )
}
DEFAULT_FORMATS = ("pdf", "print", "booklet", "epub")
