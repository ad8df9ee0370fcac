"""French and German outputs carry no English interface text: every reader-facing label comes from
the edition's string catalogue."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from guidebuilder.content.guide import load_guide

from .conftest import REPO

GUIDE = load_guide(REPO / "guide")
EDITIONS = ("fr-CA", "de-DE")
READ_ATTRIBUTES = ("alt", "title", "aria-label")


@pytest.fixture(scope="module")
def outputs(real_outputs) -> dict[tuple[str, str], Path]:
    return {
        (edition, fmt): real_outputs[edition, fmt].path
        for edition in EDITIONS
        for fmt in ("pdf", "booklet", "epub", "web", "poster")
    }


def english_phrases(language: str) -> dict[str, list[str]]:
    """The literal parts of each English string whose text differs in the language, by key."""
    english, other = GUIDE.strings["en"].model_dump(), GUIDE.strings[language].model_dump()
    phrases = {}
    for key, value in english.items():
        if value == other[key]:
            continue
        parts = [p.strip(" .,:;()") for p in re.split(r"\{\w+\}", value)]
        phrases[key] = [p for p in parts if re.search(r"[A-Za-z]{2}", p)]
    return phrases


def epub_texts(path: Path) -> list[str]:
    """Every text and every read-aloud attribute of the EPUB's documents, and its package metadata."""
    texts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith((".xhtml", ".opf", ".svg")):
                continue
            for element in ElementTree.fromstring(archive.read(name)).iter():
                texts.extend(t for t in (element.text, element.tail) if t and t.strip())
                texts.extend(element.get(a) for a in READ_ATTRIBUTES if element.get(a))
    return texts


class _PageText(HTMLParser):
    """The text and read-aloud attributes of an HTML page, without its scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skipping += tag in ("script", "style")
        self.texts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data)


def web_texts(path: Path) -> list[str]:
    """Every text and read-aloud attribute of a web page."""
    parser = _PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.texts


def pdf_texts(path: Path) -> list[str]:
    """The text of every page, the document metadata and the bookmarks of a PDF."""
    reader = PdfReader(BytesIO(path.read_bytes()))
    texts = [page.extract_text() for page in reader.pages]
    texts += [str(value) for value in (reader.metadata or {}).values()]

    def outline(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                outline(item)
            else:
                texts.append(item.title)

    outline(reader.outline)
    return texts


def english_found(texts: list[str], language: str) -> list[str]:
    """The English interface phrases that appear, as whole words, in texts."""
    joined = "\n".join(" ".join(t.split()) for t in texts)
    return [
        f"{key}: {phrase!r}"
        for key, phrases in english_phrases(language).items()
        for phrase in phrases
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", joined)
    ]


def test_the_comparison_finds_english_when_it_is_there():
    assert english_found(["Contents", "Landmarks"], "fr") == ["contents: 'Contents'", "landmarks: 'Landmarks'"]
    assert english_found(["Figures as of 2024"], "de") == ["figures_as_of: 'Figures as of'", "as_of: 'as of'"]
    assert english_found(["Table des matières"], "fr") == []


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("fmt", ["epub", "pdf", "booklet", "web", "poster"])
def test_no_english_interface_text(outputs, edition, fmt):
    path = outputs[edition, fmt]
    texts = {"epub": epub_texts, "web": web_texts}.get(fmt, pdf_texts)(path)
    language = GUIDE.editions[edition].language
    assert len("".join(texts)) > (300 if fmt == "poster" else 5000)  # the whole document was read
    assert english_found(texts, language) == []
