"""The EPUB 3 writer: one XHTML document per section, nav, cover, OPF; a deterministic zip."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, time
from io import BytesIO

from ..content.assets import raster_kind
from ..editions.book import Book, BookSection
from ..project import Project
from .render import cover_svg, render_template
from .templates import find_file

NAMESPACE = uuid.UUID("6f1c7a3e-2b1d-5c8e-9a4f-3d2e1b0c9a8f")
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EPUB_CONTEXT = {"medium": "epub", "ref_base": "sources.xhtml", "hb": "h2", "image_base": "../images/"}


@dataclass(frozen=True)
class Item:
    """One manifest item of the package."""

    id: str
    href: str
    media_type: str
    data: bytes
    properties: str = ""
    in_spine: bool = False
    linear: bool = True


def section_file(section: BookSection) -> str:
    """The XHTML file name of a section."""
    return f"s{section.number:02d}-{section.id}.xhtml"


def identifier(book: Book) -> str:
    """A stable identifier per guide and edition: the same for every build."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{book.meta.slug}/{book.edition.id}')}"


def _xhtml(project: Project, name: str, book: Book, **context: object) -> bytes:
    html = render_template(
        project.search_path, f"epub/{name}", book=book, section_file=section_file, **EPUB_CONTEXT, **context
    )
    return html.encode("utf-8")


def _items(book: Book, project: Project) -> list[Item]:
    xhtml = "application/xhtml+xml"
    cover = cover_svg(book, project.search_path)
    css = find_file(project.search_path, "epub/epub.css").read_bytes()
    items = [
        Item("cover-image", "images/cover.svg", "image/svg+xml", cover.encode("utf-8"), "cover-image"),
        Item("css", "css/epub.css", "text/css", css),
        Item("cover", "text/cover.xhtml", xhtml, _xhtml(project, "cover.xhtml.j2", book), "", True),
        Item("nav", "text/nav.xhtml", xhtml, _xhtml(project, "nav.xhtml.j2", book), "nav", True),
        Item("front", "text/front.xhtml", xhtml, _xhtml(project, "front.xhtml.j2", book), "", True),
    ]
    if book.glance:
        charted = "svg" if book.glance.pay or book.glance.path else ""  # a document with inline SVG says so
        glance = _xhtml(project, "glance.xhtml.j2", book)
        items.append(Item("glance", "text/glance.xhtml", xhtml, glance, charted, True))
    for section in book.sections:
        data = _xhtml(project, "section.xhtml.j2", book, section=section)
        items.append(Item(f"s{section.number:02d}", f"text/{section_file(section)}", xhtml, data, "", True))
    items.append(Item("sources", "text/sources.xhtml", xhtml, _xhtml(project, "sources.xhtml.j2", book), "", True))
    return items + _figures(book, project)


def _figures(book: Book, project: Project) -> list[Item]:
    """The images of the figures the edition prints (already checked as safe by `check`)."""
    sources = sorted({b.src for s in book.sections for b in s.blocks if b.type == "figure"})
    items = []
    for number, src in enumerate(sources, 1):
        data = (project.guide_dir / src).read_bytes()
        kind = raster_kind(data)
        media_type = MEDIA_TYPES[kind] if kind else "image/svg+xml"
        items.append(Item(f"figure-{number}", f"images/{src}", media_type, data))
    return items


def _package(book: Book, project: Project, items: list[Item]) -> bytes:
    modified = datetime.combine(book.build_date, time(0), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    opf = render_template(
        project.search_path,
        "epub/package.opf.j2",
        book=book,
        items=items,
        identifier=identifier(book),
        modified=modified,
    )
    return opf.encode("utf-8")


def write(book: Book, project: Project) -> bytes:
    """The EPUB as bytes: mimetype first and stored, then every file in a fixed order and date."""
    items = _items(book, project)
    stamp = (book.build_date.year, book.build_date.month, book.build_date.day, 0, 0, 0)
    files = [
        ("META-INF/container.xml", render_template(project.search_path, "epub/container.xml.j2").encode("utf-8")),
        ("EPUB/package.opf", _package(book, project, items)),
        *((f"EPUB/{item.href}", item.data) for item in items),
    ]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", stamp), b"application/epub+zip", zipfile.ZIP_STORED)
        for name, data in files:
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def jobs(book: Book, project: Project) -> dict[str, object]:
    """No layout jobs: this format is written directly."""
    return {}


def finish(book: Book, project: Project, laid: dict[str, object]) -> tuple[bytes, int | None]:
    """The file's bytes; no page count."""
    return write(book, project), None
