"""The print-shop PDF format."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pdf import print_job

if TYPE_CHECKING:
    from ..editions.book import Book
    from ..project import Project
    from .jobs import LaidOut, LayoutJob


def jobs(book: Book, project: Project) -> dict[str, LayoutJob]:
    """Layout jobs of the print-shop PDF."""
    return {"print": print_job(book, project)}


def finish(book: Book, project: Project, laid: dict[str, LaidOut]) -> tuple[bytes, int | None]:
    """The print-shop PDF from its laid-out job."""
    return laid["print"].data, laid["print"].pages
