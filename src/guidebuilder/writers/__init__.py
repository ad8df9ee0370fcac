"""Output writers, one module per format, imported only when that format is built."""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from ..book import Book
from ..project import Project


class Writer(Protocol):
    """Turns a resolved book into the bytes of one output file."""

    extension: str

    def __call__(self, book: Book, project: Project) -> bytes: ...


WRITERS = {"html": "html", "pdf": "pdf", "epub": "epub"}
DEFAULT_FORMATS = ("pdf", "epub")


def get_writer(fmt: str) -> Writer:
    """The writer of a format, imported on first use."""
    module = import_module(f".{WRITERS[fmt]}", __name__)
    return module.write
