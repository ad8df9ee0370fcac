"""Saddle-stitch imposition of the download PDF: 2-up printer spreads for a duplex office printer."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import ContentStream

from ..book import Book
from ..errors import BuildError
from ..project import Project
from . import Cache
from .pdf import write as write_pdf

MM = 72 / 25.4
MARKS_MARGIN_MM = 8.0
SHEETS = {"A5": (841.89, 595.28), "half-letter": (792.0, 612.0)}  # A4 and Letter, landscape


@dataclass(frozen=True)
class Side:
    """One printed side of a sheet: the page numbers (1-based) on its left and right halves."""

    sheet: int
    left: int
    right: int


def saddle_order(pages: int) -> list[Side]:
    """Printer spreads for a saddle-stitched booklet of pages (a multiple of 4), front then back."""
    if pages % 4:
        raise BuildError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for k in range(pages // 4):
        sides.append(Side(k, pages - 2 * k, 2 * k + 1))
        sides.append(Side(k, 2 * k + 2, pages - 2 * k - 1))
    return sides


def impose(pdf: bytes, paper: str, creep_mm: float = 0.0, marks: bool = False, margin_mm: float = 0.0) -> bytes:
    """Place the pages of pdf two to a side on A4 or Letter landscape, in saddle-stitch order."""
    reader = PdfReader(BytesIO(pdf))
    sheet_w, sheet_h = SHEETS[paper]
    if marks and not margin_mm:
        margin_mm = MARKS_MARGIN_MM  # marks need paper outside the pages
    page_w, page_h = (float(v) for v in reader.pages[0].trimbox.upper_right)
    half = sheet_w / 2
    scale = min(1.0, (half - margin_mm * MM) / page_w, (sheet_h - 2 * margin_mm * MM) / page_h)
    top = (sheet_h - page_h * scale) / 2
    writer = PdfWriter()
    for side in saddle_order(len(reader.pages)):
        shift = side.sheet * creep_mm * MM  # inner sheets stick out when folded: move them toward the spine
        sheet = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        left_x = half - page_w * scale + shift
        right_x = half - shift
        sheet.merge_transformed_page(reader.pages[side.left - 1], Transformation().scale(scale).translate(left_x, top))
        sheet.merge_transformed_page(
            reader.pages[side.right - 1], Transformation().scale(scale).translate(right_x, top)
        )
        if marks:
            sheet.merge_page(_marks(sheet_w, sheet_h, page_w * scale, page_h * scale, top))
        writer.add_page(sheet).compress_content_streams()
    writer.compress_identical_objects()
    writer.add_metadata(
        {"/Title": _title(reader), "/Subject": "Saddle-stitch booklet: print duplex, flip on the short edge"}
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _title(reader: PdfReader) -> str:
    title = (reader.metadata or {}).get("/Title", "")
    return f"{title} (booklet)" if title else "booklet"


def _marks(width: float, height: float, pw: float, ph: float, top: float) -> PageObject:
    """A page holding a dashed fold line at the spine and crop marks at the corners of the spread."""
    half, left, right, bottom, upper, gap = width / 2, width / 2 - pw, width / 2 + pw, top, top + ph, 3 * MM
    lines = [(half, bottom - 1, half, bottom - gap), (half, upper + 1, half, upper + gap)]
    for x in (left, right):
        lines += [(x, bottom - 1, x, bottom - gap), (x, upper + 1, x, upper + gap)]
    for y in (bottom, upper):
        lines += [(left - 1, y, left - gap, y), (right + 1, y, right + gap, y)]
    ops = " ".join(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S" for x1, y1, x2, y2 in lines)
    page = PageObject.create_blank_page(width=width, height=height)
    stream = ContentStream(None, None)
    stream.set_data(f"q 0.3 w 0 0 0 1 K {ops} Q".encode())
    page.replace_contents(stream)
    return page


def write(book: Book, project: Project, cache: Cache) -> bytes:
    """The booklet file: the download PDF imposed for duplex printing (flip on the short edge)."""
    settings = project.booklet
    pdf = write_pdf(book, project, cache)
    cache["pages:booklet"] = cache["pages:pdf"] // 2
    return impose(pdf, book.edition.paper, settings.creep_mm, settings.marks, settings.margin_mm)
