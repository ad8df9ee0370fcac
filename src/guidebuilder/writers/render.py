"""Render a resolved book to HTML through the layouts' Jinja2 templates."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from jinja2 import TemplateError

from ..editions.book import SCREEN_ART, Artwork, Book
from ..errors import BuildError
from .charts import ChartMaker
from .templates import environment

NOTES_RULES = {"A5": 17, "half-letter": 18}
SPARE_NOTES_PAGES = 3  # up to 3 notes pages bring any page count to a multiple of 4


def render_template(search_path: Sequence[Path], name: str, **context: object) -> str:
    """Render one layout template; template problems become BuildError."""
    context.setdefault("charts", ChartMaker(search_path))
    try:
        return environment(tuple(search_path)).get_template(name).render(**context)
    except TemplateError as exc:
        where = f"{getattr(exc, 'filename', None) or name}:{getattr(exc, 'lineno', '') or ''}"
        raise BuildError(f"{where}: template error: {exc}") from None


def booklet_html(
    book: Book, search_path: Sequence[Path], notes_pages: int | None = None, artwork: Artwork = SCREEN_ART
) -> str:
    """The booklet as one document: cover to back cover, with spare notes pages the PDF writer trims."""
    spare = book.meta.notes_pages_min + SPARE_NOTES_PAGES if notes_pages is None else notes_pages
    rules = NOTES_RULES[book.edition.paper]
    return render_template(
        search_path, "booklet/booklet.html.j2", book=book, notes_pages=spare, rules=rules, artwork=artwork
    )


def cover_svg(book: Book, search_path: Sequence[Path]) -> str:
    """The edition's cover as a standalone SVG document (EPUB cover, download-page thumbnail)."""
    title_lines = textwrap.wrap(book.meta.title, 19)
    return render_template(search_path, "epub/cover.svg.j2", book=book, title_lines=title_lines)
