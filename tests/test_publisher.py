"""The publisher (guide.yaml `publisher`, optional) prints only when the guide owner sets it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from guidebuilder.pipeline.build import build
from guidebuilder.project import Project

PUBLISHER = "Test Publisher"


def _set_publisher(project: Path, publisher: str | None) -> None:
    path = project / "guide" / "guide.yaml"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("publisher:")]
    if publisher:
        lines.insert(1, f"publisher: {publisher}")
    path.write_text("\n".join(lines) + "\n")


def _outputs(project: Path) -> tuple[list[str], str, str | None]:
    """Page texts and author of the PDF, and the EPUB's package document and front matter."""
    outputs = {o.format: o.path for o in build(Project.at(project), ["en-GB"], ["pdf", "epub"])}
    reader = PdfReader(outputs["pdf"])
    pages = [page.extract_text() for page in reader.pages]
    with zipfile.ZipFile(outputs["epub"]) as epub:
        names = epub.namelist()
        epub_text = "".join(epub.read(n).decode() for n in names if n.endswith((".opf", ".xhtml")))
    return pages, epub_text, reader.metadata.author


@pytest.mark.parametrize("publisher", [PUBLISHER, "Agence Exemple"])
def test_publisher_prints_when_set(project, publisher):
    _set_publisher(project, publisher)
    pages, epub_text, author = _outputs(project)
    assert f"published by {publisher}, 0.0.1".lower() in pages[1].lower(), pages[1]
    assert f"Published by {publisher} · CC BY 4.0" in pages[-1], pages[-1]
    assert author == publisher
    assert f"<dc:publisher>{publisher}</dc:publisher>" in epub_text
    assert f"<dd>{publisher}, 0.0.1</dd>" in epub_text


def test_nothing_prints_when_publisher_is_unset(project):
    _set_publisher(project, None)
    pages, epub_text, author = _outputs(project)
    for text in (pages[1], pages[-1], epub_text):
        assert "published by" not in text.lower()
        assert PUBLISHER not in text
    assert "(en-GB), 1\u00a0January\u00a02026, version\u00a00.0.1" in pages[1], "the version stays on the inside cover"
    assert "\nCC BY 4.0 · 2026" in pages[-1], pages[-1]
    assert author is None
    assert "<dc:publisher" not in epub_text and "<dc:creator" not in epub_text
