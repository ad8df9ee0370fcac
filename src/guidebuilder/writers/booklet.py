"""Saddle-stitch imposition of the download PDF: 2-up printer spreads for a duplex office printer."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, IndirectObject, NameObject, StreamObject

from ..errors import BuildError
from ..internals import add_object
from .pdf import download_job

if TYPE_CHECKING:
    from ..editions.book import Book
    from ..project import Project
    from .jobs import LaidOut, LayoutJob

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


def impose(
    pdf: bytes,
    paper: str,
    creep_mm: float = 0.0,
    marks: bool = False,
    margin_mm: float = 0.0,
    labels: tuple[str, str] = ("{title} (booklet)", "Saddle-stitch booklet"),
) -> bytes:
    """Place the pages of pdf two to a side on A4 or Letter landscape, in saddle-stitch order;
    labels: the title (a format with {title}, the PDF's own) and subject of the result."""
    reader = PdfReader(BytesIO(pdf))
    sheet_w, sheet_h = SHEETS[paper]
    if marks and not margin_mm:
        margin_mm = MARKS_MARGIN_MM  # marks need paper outside the pages
    page_w, page_h = (float(v) for v in reader.pages[0].trimbox.upper_right)
    half = sheet_w / 2
    scale = min(1.0, (half - margin_mm * MM) / page_w, (sheet_h - 2 * margin_mm * MM) / page_h)
    top = (sheet_h - page_h * scale) / 2
    writer = PdfWriter()
    forms = [_form(writer, page) for page in reader.pages]
    for side in saddle_order(len(reader.pages)):
        shift = side.sheet * creep_mm * MM  # inner sheets stick out when folded: move them toward the spine
        placed = ((side.left, half - page_w * scale + shift), (side.right, half - shift))
        ops = [f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {top:.4f} cm /P{number} Do Q" for number, x in placed]
        if marks:
            ops.append(_marks(sheet_w, page_w * scale, page_h * scale, top))
        sheet = writer.add_blank_page(sheet_w, sheet_h)
        xobjects = DictionaryObject({NameObject(f"/P{n}"): forms[n - 1] for n, _ in placed})
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = StreamObject()
        content.set_data("\n".join(ops).encode())
        sheet.replace_contents(content.flate_encode())
    title = (reader.metadata or {}).get("/Title", "")
    writer.add_metadata({"/Title": labels[0].format(title=title).strip(), "/Subject": labels[1]})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A source page as a Form XObject: drawn by reference, its fonts and images shared."""
    form = StreamObject()
    form.set_data(page.get_contents().get_data())
    form = form.flate_encode()
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.mediabox),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    return add_object(writer, form)


def _marks(width: float, pw: float, ph: float, top: float) -> str:
    """Content-stream operators for a dashed fold line at the spine and crop marks at the spread's corners."""
    half, left, right, bottom, upper, gap = width / 2, width / 2 - pw, width / 2 + pw, top, top + ph, 3 * MM
    lines = [(left, bottom - 1, left, bottom - gap), (left, upper + 1, left, upper + gap)]
    lines += [(right, bottom - 1, right, bottom - gap), (right, upper + 1, right, upper + gap)]
    for y in (bottom, upper):
        lines += [(left - 1, y, left - gap, y), (right + 1, y, right + gap, y)]
    crops = " ".join(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S" for x1, y1, x2, y2 in lines)
    fold = f"[2 2] 0 d {half:.2f} {bottom - 1:.2f} m {half:.2f} {bottom - gap:.2f} l S"
    fold += f" {half:.2f} {upper + 1:.2f} m {half:.2f} {upper + gap:.2f} l S"
    return f"q 0.3 w 0 0 0 1 K {crops} {fold} Q"


def jobs(book: Book, project: Project) -> dict[str, LayoutJob]:
    """The booklet is made from the download PDF."""
    return {"pdf": download_job(book, project)}


def finish(book: Book, project: Project, laid: dict[str, LaidOut]) -> tuple[bytes, int | None]:
    """The download PDF imposed for duplex printing (flip on the short edge); pages = sheet sides."""
    settings = project.booklet
    pdf = laid["pdf"]
    labels = (book.strings.booklet_title, book.strings.booklet_subject)
    data = impose(pdf.data, book.edition.paper, settings.creep_mm, settings.marks, settings.margin_mm, labels)
    return data, pdf.pages // 2
