"""The fair-stand poster for the print shop (PDF/X-4, bleed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .poster import poster_print_job

if TYPE_CHECKING:
    from ..editions.book import Book
    from ..project import Project
    from .jobs import LaidOut, LayoutJob


def jobs(book: Book, project: Project) -> dict[str, LayoutJob]:
    """Layout jobs of the print-shop poster."""
    return {"poster-print": poster_print_job(book, project)}


def finish(book: Book, project: Project, laid: dict[str, LaidOut]) -> tuple[bytes, int | None]:
    """The print-shop poster from its laid-out job."""
    return laid["poster-print"].data, laid["poster-print"].pages
