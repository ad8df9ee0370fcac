"""The download PDF and the print-shop PDF, as layout jobs for WeasyPrint (see layout.py)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..editions.book import PRINT_ART, SCREEN_ART, Artwork
from ..preflight.profile import PAGE_CHECKS, PRINT_CHECKS, QR_CHECKS
from .hyphenation_file import hyphenation_for
from .jobs import LayoutJob
from .render import SPARE_NOTES_PAGES, booklet_html, render_template
from .templates import find_file

if TYPE_CHECKING:
    from ..editions.book import Book
    from ..project import Project
    from .jobs import LaidOut

DOWNLOAD_VARIANT = "pdf/ua-1"
PRINT_VARIANT = "pdf/x-4"
BLEED_MM = 3.0
PROFILE = "color/FOGRA39L-guidebuilder.icc"


def stable_id(book: Book, kind: str) -> str:
    """A PDF identifier stable per guide, edition, version and output kind."""
    return hashlib.sha256(f"{book.meta.slug}/{book.edition.id}/{book.meta.version}/{kind}".encode()).hexdigest()[:32]


def download_job(
    book: Book, project: Project, extra_css: tuple[str, ...] = (), kind: str = "pdf", artwork: Artwork = SCREEN_ART
) -> LayoutJob:
    """The job for the downloadable, tagged PDF booklet (PDF/UA-1)."""
    spare = book.meta.notes_pages_min + SPARE_NOTES_PAGES
    return LayoutJob(
        label=book.edition.id,
        html=booklet_html(book, project.search_path, spare, artwork),
        base_url=project.guide_dir.as_uri() + "/",
        stylesheet=find_file(project.search_path, "booklet/booklet.css"),
        extra_css=extra_css,
        roots=project.readable_roots,
        spare_pages=spare,
        min_notes=book.meta.notes_pages_min,
        variant=DOWNLOAD_VARIANT,
        identifier=stable_id(book, kind),
        checks=(PAGE_CHECKS,),
        hyphenation=hyphenation_for(book, project.search_path),
    )


def print_job(book: Book, project: Project) -> LayoutJob:
    """The job for the print-shop PDF: 3 mm bleed, crop marks outside it, CMYK, PDF/X-4."""
    profile = find_file(project.search_path, PROFILE)
    css = render_template(
        project.search_path,
        "print/print.css.j2",
        book=book,
        accent=cmyk(book.edition.accent, profile),
        profile_url=profile.as_uri(),
    )
    stable = uuid.uuid5(uuid.NAMESPACE_URL, f"guidebuilder:{book.meta.slug}/{book.edition.id}/print")
    art = replace(PRINT_ART, accent=cmyk(book.edition.accent, profile))
    job = download_job(book, project, (css,), "print", art)
    checks = (PRINT_CHECKS, QR_CHECKS)
    return replace(job, variant=PRINT_VARIANT, document_id=str(stable), bleed_mm=BLEED_MM, checks=checks)


def jobs(book: Book, project: Project) -> dict[str, LayoutJob]:
    """Layout jobs of the download PDF."""
    return {"pdf": download_job(book, project)}


def finish(book: Book, project: Project, laid: dict[str, LaidOut]) -> tuple[bytes, int | None]:
    """The download PDF from its laid-out job."""
    return laid["pdf"].data, laid["pdf"].pages


def cmyk(hex_color: str, profile_path: Path) -> str:
    """A CSS device-cmyk() colour for an sRGB hex colour, converted through the print profile."""
    from PIL import Image, ImageCms

    profile = ImageCms.getOpenProfile(str(profile_path))
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), profile, "RGB", "CMYK", renderingIntent=1)
    rgb = tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    values = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), transform).getpixel((0, 0))
    return "device-cmyk({})".format(" ".join(f"{v / 2.55:.1f}%" for v in values))
