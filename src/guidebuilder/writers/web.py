"""The web edition: the whole guide as one self-contained, accessible page, dist/<edition>/index.html.

It is written after the edition's other outputs (Format.written_last) so its download list names
only files that exist, with their real sizes; a later build of those outputs alone (`--format pdf`)
rewrites it when that list changes (publish.refresh_web_pages).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..content.assets import raster_kind
from ..editions.book import Book
from ..editions.locale import file_size
from ..project import Project
from . import FORMATS
from .render import render_template

DOWNLOADS = ("pdf", "epub", "booklet", "print")
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
WEB_CONTEXT = {"medium": "web", "ref_base": "", "hb": "h3", "image_base": ""}


@dataclass(frozen=True)
class Download:
    """One file of the edition offered on its web page."""

    format: str
    href: str  # relative to the page, so the folder can be served from any path
    label: str
    size: str
    pages: int | None


def downloads(book: Book, project: Project, known_pages: Mapping[Path, int] | None = None) -> tuple[Download, ...]:
    """The edition's files that exist in the output folder, in the order a reader wants them
    (a PDF's pages from known_pages when there, else counted)."""
    folder = project.out / book.edition.id
    found = []
    for name in DOWNLOADS:
        path = folder / FORMATS[name].file_name(book.meta.slug, book.edition.id)
        if path.is_file():
            label = getattr(book.strings, f"format_{name}")
            pages = ((known_pages or {}).get(path) or _pages(path)) if name == "pdf" else None
            found.append(Download(name, path.name, label, file_size(path.stat().st_size, book.locale), pages))
    return tuple(found)


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def inline_images(book: Book, project: Project) -> dict[str, str]:
    """Every figure of the edition as a data: URL, so the page loads nothing else."""
    images = {}
    for src in sorted({b.src for s in book.sections for b in s.blocks if b.type == "figure"}):
        data = (project.guide_dir / src).read_bytes()
        kind = raster_kind(data)
        media_type = MEDIA_TYPES[kind] if kind else "image/svg+xml"
        images[src] = f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
    return images


def write(book: Book, project: Project, known_pages: Mapping[Path, int] | None = None) -> bytes:
    """The web page's bytes."""
    html = render_template(
        project.search_path,
        "web/index.html.j2",
        book=book,
        downloads=downloads(book, project, known_pages),
        inline_images=inline_images(book, project),
        **WEB_CONTEXT,
    )
    return html.encode("utf-8")


def jobs(book: Book, project: Project) -> dict[str, object]:
    """No layout jobs: a web page is written directly."""
    return {}


def finish(book: Book, project: Project, laid: dict[str, object]) -> tuple[bytes, int | None]:
    """The page's bytes; no page count."""
    return write(book, project), None
