"""The HTML writer: the booklet's HTML with its stylesheet inlined, for preview and review."""

from __future__ import annotations

from ..book import Book
from ..project import Project
from ..render import booklet_html
from ..templates import find_file
from . import Cache


def write(book: Book, project: Project, cache: Cache) -> bytes:
    """The booklet as one HTML file."""
    html = booklet_html(book, project.search_path)
    css = find_file(project.search_path, "booklet/booklet.css").read_text(encoding="utf-8")
    style = f"<style>\n{css}</style>\n</head>"
    return html.replace("</head>", style, 1).encode("utf-8")
