"""Layout jobs: the only module that imports WeasyPrint. A job is plain data, so worker processes
need nothing else of guidebuilder: they import WeasyPrint while the main process validates."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..errors import BuildError
from ..internals import set_document_id
from .hyphenation import install as install_hyphenation
from .jobs import LaidOut, LayoutJob
from .tags import finish_tags

MM = 72 / 25.4


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


def notes_pages_needed(main_pages: int, minimum: int) -> int:
    """Notes pages so that main + notes + back cover is a multiple of 4."""
    pages = minimum
    while (main_pages + pages + 1) % 4:
        pages += 1
    return pages


def render(job: LayoutJob) -> object:
    """Lay the document out once, then keep the notes pages that make the count a multiple of 4."""
    fetcher = ProjectFetcher(job.roots)
    fonts = FontConfiguration()
    profiles: dict[str, object] = {}
    shared = {"url_fetcher": fetcher, "font_config": fonts, "color_profiles": profiles}
    if job.hyphenation is not None:
        install_hyphenation(job.hyphenation)
    try:
        sheets = [CSS(filename=str(job.stylesheet), **shared)]
        sheets += [CSS(string=css, base_url=job.base_url, **shared) for css in job.extra_css]
        html = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
        document = html.render(stylesheets=sheets, font_config=fonts, color_profiles=profiles, pdf_tags=True)
    except FatalURLFetchingError as exc:
        raise BuildError(f"{job.label}: {exc}") from None
    if not job.booklet:
        return document
    content = len(document.pages) - job.spare_pages - 1  # every notes page and the back cover take one page
    keep = notes_pages_needed(content, job.min_notes)
    return document.copy(document.pages[: content + keep] + document.pages[-1:])


def lay_out(job: LayoutJob) -> LaidOut:
    """The finished PDF of a job."""
    with _collector_paused():
        return _lay_out(job)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one document is laid out, written and checked: each full pass
    rescans the whole growing box tree (~0.1 s on a 24-page booklet, more on longer ones, three or four
    times a job). Reference counting still frees what the layout drops; the cycles wait for the next pass."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _lay_out(job: LayoutJob) -> LaidOut:
    document = render(job)
    finish = _print_finish(job.bleed_mm) if job.bleed_mm is not None else _tags_finish
    written: list[pydyf.PDF] = []

    def finisher(document: object, pdf: pydyf.PDF) -> None:
        finish(document, pdf)
        if job.document_id is not None:
            set_document_id(pdf, job.document_id)
        written.append(pdf)  # the objects the file is made of, for the checks (no parsing it back)

    data = document.write_pdf(pdf_identifier=job.identifier.encode(), pdf_variant=job.variant, finisher=finisher)
    findings = ()
    if job.checks:
        from ..preflight.inspect import inspect  # after the layout: the warm-up imports WeasyPrint only

        findings = inspect(job.checks, document.pages, data, written[0].objects, job.html)
    return LaidOut(data, len(document.pages), findings)


def _tags_finish(document: object, pdf: pydyf.PDF) -> None:
    """Running heads and page numbers as artifacts, table header cells with their scope (PDF/UA)."""
    finish_tags(pdf)


def _print_finish(bleed_mm: float):  # noqa: ANN202
    def finish(document: object, pdf: object) -> None:
        """Exact BleedBox; crop marks in black ink only (WeasyPrint's own `marks` are DeviceRGB)."""
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/Page" and "TrimBox" in obj:
                _set_bleed_box(obj, bleed_mm * MM)
                _draw_crop_marks(pdf, obj)

    return finish


def _set_bleed_box(page: dict, pad: float) -> None:
    """BleedBox exactly pad outside the TrimBox (WeasyPrint puts it up to 10 pt out)."""
    left, top, right, bottom = page["TrimBox"]
    page["BleedBox"] = type(page["TrimBox"])([left - pad, top - pad, right + pad, bottom + pad])


def _draw_crop_marks(pdf: object, page: dict) -> None:
    """Crop marks at the trim corners, from the MediaBox edge halfway to the trim, 1 px wide, K only."""
    x0, y0, x1, y1 = (float(v) for v in page["TrimBox"])
    mx0, my0, mx1, my1 = (float(v) for v in page["MediaBox"])
    lines = []
    for edge, half in ((mx0, (mx0 + x0) / 2), (mx1, (mx1 + x1) / 2)):  # horizontal marks, left and right
        lines += [f"{edge:.3f} {y:.3f} m {half:.3f} {y:.3f} l S" for y in (y0, y1)]
    for edge, half in ((my0, (my0 + y0) / 2), (my1, (my1 + y1) / 2)):  # vertical marks, bottom and top
        lines += [f"{x:.3f} {edge:.3f} m {x:.3f} {half:.3f} l S" for x in (x0, x1)]
    before = pydyf.Stream(["q"], compress=True)
    marks = pydyf.Stream(["Q", "q", "0 0 0 1 K", "0.75 w", "0 J", *lines, "Q"], compress=True)
    pdf.add_object(before)
    pdf.add_object(marks)
    page["Contents"] = pydyf.Array([before.reference, page["Contents"], marks.reference])
