"""The PDF writer: the only module that imports WeasyPrint. Download PDF and print-shop PDF."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.pdf import metadata as weasyprint_metadata
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..book import Book
from ..errors import BuildError
from ..project import Project
from ..render import SPARE_NOTES_PAGES, booklet_html, notes_pages_needed, render_template
from ..templates import find_file
from . import Cache

DOWNLOAD_VARIANT = "pdf/ua-1"
PRINT_VARIANT = "pdf/x-4"
BLEED_MM = 3.0
MM = 72 / 25.4
PROFILE = "color/FOGRA39L-guidebuilder.icc"


class ProjectFetcher(URLFetcher):
    """Reads only existing files inside the project's guide and layouts; never the network."""

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)
        self.roots = roots

    def fetch(self, url: str, headers: object = None) -> object:
        """Fetch url if it is a file inside the allowed roots."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise FatalURLFetchingError(f"refusing to fetch '{url}': only project files are read")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise FatalURLFetchingError(f"refusing to read '{path}': outside the project")
        if not path.is_file():
            raise FatalURLFetchingError(f"missing file '{path}'")
        return super().fetch(url, headers)


def render_document(book: Book, project: Project, extra_css: tuple[str, ...] = ()) -> object:
    """Lay out the booklet once, then keep the notes pages that make the count a multiple of 4."""
    fetcher = ProjectFetcher(project.readable_roots)
    fonts = FontConfiguration()
    profiles: dict[str, object] = {}
    base = project.guide_dir.as_uri() + "/"
    shared = {"url_fetcher": fetcher, "font_config": fonts, "color_profiles": profiles}
    spare = book.meta.notes_pages_min + SPARE_NOTES_PAGES
    try:
        sheets = [CSS(filename=str(find_file(project.search_path, "booklet/booklet.css")), **shared)]
        sheets += [CSS(string=css, base_url=base, **shared) for css in extra_css]
        html = HTML(string=booklet_html(book, project.search_path, spare), base_url=base, url_fetcher=fetcher)
        document = html.render(stylesheets=sheets, font_config=fonts, color_profiles=profiles, pdf_tags=True)
    except FatalURLFetchingError as exc:
        raise BuildError(f"{book.edition.id}: {exc}") from None
    content = len(document.pages) - spare - 1  # every notes page and the back cover take one page each
    keep = notes_pages_needed(content, book.meta.notes_pages_min)
    return document.copy(document.pages[: content + keep] + document.pages[-1:])


def _stable_id(book: Book, kind: str) -> str:
    return hashlib.sha256(f"{book.meta.slug}/{book.edition.id}/{book.meta.version}/{kind}".encode()).hexdigest()[:32]


def write(book: Book, project: Project, cache: Cache) -> bytes:
    """The downloadable, tagged PDF booklet (PDF/UA-1)."""
    if "pdf" not in cache:
        document = render_document(book, project)
        cache["pdf"] = document.write_pdf(pdf_identifier=_stable_id(book, "pdf").encode(), pdf_variant=DOWNLOAD_VARIANT)
        cache["pages:pdf"] = len(document.pages)
    return cache["pdf"]


def write_print(book: Book, project: Project, cache: Cache) -> bytes:
    """The print-shop PDF: 3 mm bleed, crop marks outside the bleed, CMYK, PDF/X-4."""
    profile = find_file(project.search_path, PROFILE)
    accent = cmyk(book.edition.accent, profile)
    css = render_template(
        project.search_path, "print/print.css.j2", book=book, accent=accent, profile_url=profile.as_uri()
    )
    document = render_document(book, project, (css,))
    cache["pages:print"] = len(document.pages)
    with _stable_document_id(book):
        return document.write_pdf(
            pdf_identifier=_stable_id(book, "print").encode(), pdf_variant=PRINT_VARIANT, finisher=_set_bleed_box
        )


def _set_bleed_box(document: object, pdf: object) -> None:
    """BleedBox exactly 3 mm outside the TrimBox (WeasyPrint puts it up to 10 pt out)."""
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Page" and "TrimBox" in obj:
            left, top, right, bottom = obj["TrimBox"]
            pad = BLEED_MM * MM
            obj["BleedBox"] = type(obj["TrimBox"])([left - pad, top - pad, right + pad, bottom + pad])


@contextmanager
def _stable_document_id(book: Book) -> Iterator[None]:
    """PDF/X writes a random XMP DocumentID (uuid4); derive it from the edition instead."""
    stable = uuid.uuid5(uuid.NAMESPACE_URL, f"guidebuilder:{book.meta.slug}/{book.edition.id}/print")
    original = weasyprint_metadata.uuid4
    weasyprint_metadata.uuid4 = lambda: stable
    try:
        yield
    finally:
        weasyprint_metadata.uuid4 = original


def cmyk(hex_color: str, profile_path: Path) -> str:
    """A CSS device-cmyk() colour for an sRGB hex colour, converted through the print profile."""
    from PIL import Image, ImageCms

    profile = ImageCms.getOpenProfile(str(profile_path))
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), profile, "RGB", "CMYK", renderingIntent=1)
    rgb = tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    values = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), transform).getpixel((0, 0))
    return "device-cmyk({})".format(" ".join(f"{v / 2.55:.1f}%" for v in values))
