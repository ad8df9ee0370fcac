"""Page images for the preview, made in a worker process: lay out a job, rasterise each page, keep its words."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from ..pipeline.workers import run_layout
from ..writers.jobs import LayoutJob

SCALE = 1.5  # 108 dpi: sharp at the preview's page width on ordinary and high-density screens


@dataclass(frozen=True)
class Words:
    """A run of text on a page and its box, as fractions of the page's width and height."""

    text: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class PageImage:
    """One laid-out page: its JPEG, size in points and the words on it."""

    number: int
    jpeg: bytes
    width: float
    height: float
    words: tuple[Words, ...]


@dataclass(frozen=True)
class PreviewPages:
    """A laid-out edition: its page images and the preflight findings of its layout."""

    pages: tuple[PageImage, ...]
    findings: tuple = ()  # preflight.findings.Finding, plain data from the layout worker


def preview_pages(job: LayoutJob) -> PreviewPages:
    """Every page of the job's PDF as an image with its text, and its preflight findings (runs in a worker)."""
    import pypdfium2

    laid = run_layout(replace(job, variant=None))  # no PDF/UA conformance pass: nobody keeps this file
    document = pypdfium2.PdfDocument(laid.data)
    try:
        return PreviewPages(tuple(_page(document[i], i + 1) for i in range(len(document))), laid.findings)
    finally:
        document.close()


def _page(page: object, number: int) -> PageImage:
    """One page's JPEG and words (JPEG at quality 90 without chroma subsampling keeps text clean, and encodes
    about 2.5 times faster than PNG: this is on the way from saving a file to seeing its pages)."""
    width, height = page.get_size()
    buffer = io.BytesIO()
    page.render(scale=SCALE).to_pil().save(buffer, "JPEG", quality=90, subsampling=0)
    return PageImage(number, buffer.getvalue(), width, height, _words(page.get_textpage(), width, height))


def _words(text_page: object, width: float, height: float) -> tuple[Words, ...]:
    """The page's text runs with their boxes (PDF origin bottom left, ours top left)."""
    runs = []
    for i in range(text_page.count_rects()):
        left, bottom, right, top = text_page.get_rect(i)
        text = text_page.get_text_bounded(left, bottom, right, top).strip()
        if text:
            runs.append(Words(text, left / width, 1 - top / height, (right - left) / width, (top - bottom) / height))
    return tuple(runs)
