"""The fair-stand poster: one tagged page per edition (A3, or Tabloid where paper is Letter-based)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING

from ..editions.book import PRINT_ART, SCREEN_ART, Artwork
from .hyphenation_file import hyphenation_for
from .jobs import LayoutJob
from .pdf import BLEED_MM, DOWNLOAD_VARIANT, PRINT_VARIANT, PROFILE, cmyk, stable_id
from .render import render_template
from .templates import find_file

if TYPE_CHECKING:
    from ..editions.book import Book
    from ..project import Project
    from .jobs import LaidOut

POSTER_SIZES = {"A5": "A3", "half-letter": "11in 17in"}  # A3 for A-series countries, Tabloid for Letter ones


def poster_job(book: Book, project: Project, artwork: Artwork = SCREEN_ART) -> LayoutJob:
    """The job for the tagged poster PDF (PDF/UA-1)."""
    html = render_template(
        project.search_path,
        "poster/poster.html.j2",
        book=book,
        size=POSTER_SIZES[book.edition.paper],
        qr=artwork.qr(book.poster_url),
        artwork=artwork,
    )
    return LayoutJob(
        label=f"{book.edition.id} poster",
        html=html,
        base_url=project.guide_dir.as_uri() + "/",
        stylesheet=find_file(project.search_path, "poster/poster.css"),
        extra_css=(),
        roots=project.readable_roots,
        spare_pages=0,
        min_notes=0,
        variant=DOWNLOAD_VARIANT,
        identifier=stable_id(book, "poster"),
        booklet=False,
        hyphenation=hyphenation_for(book, project.search_path),
    )


def poster_print_job(book: Book, project: Project) -> LayoutJob:
    """The poster for the print shop: 3 mm bleed, crop marks, CMYK, PDF/X-4."""
    profile = find_file(project.search_path, PROFILE)
    css = render_template(
        project.search_path,
        "poster/poster-print.css.j2",
        accent=cmyk(book.edition.accent, profile),
        profile_url=profile.as_uri(),
    )
    stable = uuid.uuid5(uuid.NAMESPACE_URL, f"guidebuilder:{book.meta.slug}/{book.edition.id}/poster-print")
    art = replace(PRINT_ART, accent=cmyk(book.edition.accent, profile))
    return replace(
        poster_job(book, project, art),
        extra_css=(css,),
        variant=PRINT_VARIANT,
        identifier=stable_id(book, "poster-print"),
        document_id=str(stable),
        bleed_mm=BLEED_MM,
    )


def jobs(book: Book, project: Project) -> dict[str, LayoutJob]:
    """Layout jobs of the poster."""
    return {"poster": poster_job(book, project)}


def finish(book: Book, project: Project, laid: dict[str, LaidOut]) -> tuple[bytes, int | None]:
    """The poster PDF from its laid-out job."""
    return laid["poster"].data, laid["poster"].pages
