"""The PDF writer: the only module that imports WeasyPrint."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..book import Book
from ..errors import BuildError
from ..project import Project
from ..render import booklet_html, notes_pages_needed, tail_html
from ..templates import find_file

extension = "pdf"
VARIANT = "pdf/ua-1"


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


def render_document(book: Book, project: Project) -> object:
    """Lay out the booklet: main pages, then notes pages and back cover to a multiple of 4."""
    fetcher = ProjectFetcher(project.readable_roots)
    fonts = FontConfiguration()
    css_path = find_file(project.search_path, "booklet/booklet.css")
    base = project.guide_dir.as_uri() + "/"
    try:
        css = CSS(filename=str(css_path), url_fetcher=fetcher, font_config=fonts)
        main = HTML(string=booklet_html(book, project.search_path), base_url=base, url_fetcher=fetcher)
        main_doc = main.render(stylesheets=[css], font_config=fonts, pdf_tags=True)
        count = len(main_doc.pages)
        notes = notes_pages_needed(count, book.meta.notes_pages_min)
        tail = HTML(string=tail_html(book, project.search_path, count + 1, notes), base_url=base, url_fetcher=fetcher)
        tail_doc = tail.render(stylesheets=[css], font_config=fonts, pdf_tags=True)
    except FatalURLFetchingError as exc:
        raise BuildError(f"{book.edition.id}: {exc}") from None
    return main_doc.copy(main_doc.pages + tail_doc.pages)


def pdf_bytes(document: object, book: Book, **options: object) -> bytes:
    """Serialise a laid-out document with a stable identifier."""
    identifier = hashlib.sha256(f"{book.meta.slug}/{book.edition.id}/{book.meta.version}".encode()).hexdigest()[:32]
    return document.write_pdf(pdf_identifier=identifier.encode(), **options)


def write(book: Book, project: Project) -> bytes:
    """The downloadable, tagged PDF booklet."""
    document = render_document(book, project)
    return pdf_bytes(document, book, pdf_variant=VARIANT)
