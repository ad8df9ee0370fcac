"""The resolved edition: what the templates render, already filtered, filled and formatted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from .models import Edition, GuideMeta, UiStrings
from .spelling import Respelling


@dataclass(frozen=True)
class TextLine:
    """One line of an edition's resolved text (placeholders filled, variety spelled) and where it came from."""

    path: str
    line: int
    text: str


@dataclass(frozen=True)
class SourceNote:
    """One numbered source in the edition's source list."""

    number: int
    key: str
    title: str
    url: str
    published: str | None
    note: str | None


@dataclass(frozen=True)
class FactLine:
    """A printed fact with its source numbers."""

    text: Markup
    refs: tuple[int, ...]
    as_of: str | None = None


@dataclass(frozen=True)
class PayLine:
    """A formatted pay figure."""

    label: Markup
    amount: str
    period: str
    as_of: str
    refs: tuple[int, ...]
    note: Markup | None = None


@lru_cache(maxsize=256)
def qr_svg(url: str) -> Markup:
    """A QR code for url as inline SVG, sized by CSS; made only when a layout prints it."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(scale=1, border=2, omitsize=True, dark="#000", title=url))


@dataclass(frozen=True)
class LinkItem:
    """An official link; its QR code is drawn on demand."""

    title: str
    url: str

    @property
    def qr_svg(self) -> Markup:
        """The link's QR code as inline SVG."""
        return qr_svg(self.url)


@dataclass(frozen=True)
class FactSheet:
    """The edition's facts, formatted for its locale."""

    agency: FactLine
    officer: FactLine
    requirements: tuple[FactLine, ...]
    training: tuple[FactLine, ...]
    pay: tuple[PayLine, ...]
    work: tuple[FactLine, ...]
    specialisations: tuple[FactLine, ...]
    apply_url: str
    apply_summary: Markup | None
    apply_steps: tuple[FactLine, ...]
    links: tuple[LinkItem, ...]


@dataclass(frozen=True)
class BookSection:
    """One section as printed: number, filled text, kept blocks."""

    id: str
    number: int
    title: str
    summary: Markup
    body: Markup
    blocks: tuple[Any, ...]


@dataclass(frozen=True)
class Book:
    """One edition of the guide, ready to render."""

    meta: GuideMeta
    edition: Edition
    strings: UiStrings
    locale: str
    country_name: str
    language_name: str
    edition_label: str
    build_date: date
    build_date_text: str
    figures_as_of: str | None
    sections: tuple[BookSection, ...]
    facts: FactSheet
    sources: tuple[SourceNote, ...]
    text_lines: tuple[TextLine, ...] = ()
    respellings: tuple[Respelling, ...] = ()

    @property
    def careers_qr(self) -> Markup:
        """The careers link's QR code as inline SVG."""
        return qr_svg(self.edition.careers_url)

    @property
    def links_in_sections(self) -> bool:
        """True when a section already prints the official links with QR codes."""
        return any(getattr(b, "topic", None) == "links" for s in self.sections for b in s.blocks)

    @property
    def lang(self) -> str:
        """The BCP 47 language tag for HTML."""
        return self.edition.id
