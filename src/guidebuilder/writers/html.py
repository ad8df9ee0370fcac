"""The HTML writer: the booklet's HTML with its stylesheet inlined, for preview and review."""

from __future__ import annotations

from ..editions.book import Book
from ..project import Project
from .render import booklet_html
from .templates import find_file


def write(book: Book, project: Project) -> bytes:
    """The booklet as one HTML file."""
    html = booklet_html(book, project.search_path)
    css = find_file(project.search_path, "booklet/booklet.css").read_text(encoding="utf-8")
    style = f"<style>\n{css}</style>\n</head>"
    return html.replace("</head>", style, 1).encode("utf-8")


def jobs(book: Book, project: Project) -> dict[str, object]:
    """No layout jobs: this format is written directly."""
    return {}


def finish(book: Book, project: Project, laid: dict[str, object]) -> tuple[bytes, int | None]:
    """The file's bytes; no page count."""
    return write(book, project), None
