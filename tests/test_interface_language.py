"""French and German outputs carry no English interface text: every reader-facing label comes from
the edition's string catalogue, and the edition templates print no word or language-bound punctuation of
their own (a label's colon is the language's: "Apply at:", « Pour postuler : », "Bewerbung unter")."""

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
LAYOUTS = REPO / "layouts"
# The readers' top page is one English page for every edition (lang="en", each card in its own language) and
# the preview is the authors' tool: only the edition templates must take every word from the strings.
EDITION_LAYOUTS = ("booklet", "web", "epub", "poster")
TEMPLATE_CODE = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
DYNAMIC_TAG = re.compile(r"<(/?)\{\{.*?\}\}")
FILLED = "\u2063"  # stands for what the template fills in: neither a letter nor punctuation
# Punctuation whose form or spacing differs by language (French: no-break space before the colon, « »).
LANGUAGE_PUNCTUATION = re.compile(r"[:;!?«»‹›“”„‚‘’\"]")
WORD = re.compile(r"[^\W\d_]{2,}")


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


class _TemplateText(HTMLParser):
    """The literal text of a template (text nodes and read-aloud attributes), each with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skipping += tag in ("script", "style")
        self.found.extend((self.getpos()[0], v) for n, v in attrs if n in READ_ATTRIBUTES and v)

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.found.append((self.getpos()[0], data))


def hard_coded(template: str) -> list[tuple[int, str]]:
    """The words and language-bound punctuation a template prints itself, by line (what it fills in shown as ⁣)."""
    code = DYNAMIC_TAG.sub(lambda m: f"<{m[1]}x", template)
    code = TEMPLATE_CODE.sub(lambda m: FILLED + "\n" * m[0].count("\n"), code)
    parser = _TemplateText()
    parser.feed(code)
    return [
        (line, " ".join(text.split()))
        for line, text in parser.found
        if LANGUAGE_PUNCTUATION.search(text) or WORD.search(text)
    ]


def test_the_template_scan_finds_words_and_punctuation_a_template_prints():
    template = (
        '<{{ hb }} class="t">{{ title }}</{{ hb }}>\n'
        '<p>{{ s.apply_at }}: <a href="{{ url }}">{{ url }}</a> ({{ n }}), {{ a }}{{ b }}</p>\n'
        '<div aria-label="{{ s.scan }}: {{ url }}" class="x:y">« {{ q }} »</div>\n'
        "<p>Apply at {{ url }}</p>\n"
        "{# a comment: with words #}<style>a:hover { color: red; }</style>"
    )
    assert hard_coded(template) == [
        (2, f"{FILLED}:"),
        (3, f"{FILLED}: {FILLED}"),
        (3, f"« {FILLED} »"),
        (4, f"Apply at {FILLED}"),
    ]


def test_edition_templates_print_no_word_or_language_punctuation_of_their_own():
    templates = [p for folder in EDITION_LAYOUTS for p in sorted((LAYOUTS / folder).glob("*.j2"))]
    templates = [p for p in templates if p.name.endswith((".html.j2", ".xhtml.j2", ".svg.j2"))]
    assert len(templates) >= 12
    found = [
        f"{path.relative_to(REPO)}:{line}: {text!r}"
        for path in templates
        for line, text in hard_coded(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "put the words and punctuation in guide/strings/*.yaml"


def test_the_comparison_finds_english_when_it_is_there():
    assert english_found(["Contents", "Landmarks"], "fr") == ["contents: 'Contents'", "landmarks: 'Landmarks'"]
    found = english_found(["Figures as of 2024"], "de")
    assert found == ["figures_as_of: 'Figures as of'", "figure_as_of: 'as of'", "as_of: 'as of'"]
    assert english_found(["Table des matières"], "fr") == []


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("fmt", ["epub", "pdf", "booklet", "web", "poster"])
def test_no_english_interface_text(outputs, edition, fmt):
    path = outputs[edition, fmt]
    texts = {"epub": epub_texts, "web": web_texts}.get(fmt, pdf_texts)(path)
    language = GUIDE.editions[edition].language
    assert len("".join(texts)) > (300 if fmt == "poster" else 5000)  # the whole document was read
    assert english_found(texts, language) == []
