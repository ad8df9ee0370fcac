"""The resolved edition: what the templates render, already filtered, filled and formatted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from .models import Edition, GuideMeta, UiStrings


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


@dataclass(frozen=True)
class LinkItem:
    """An official link with its QR code as inline SVG."""

    title: str
    url: str
    qr_svg: Markup


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
    careers_qr: Markup

    @property
    def links_in_sections(self) -> bool:
        """True when a section already prints the official links with QR codes."""
        return any(getattr(b, "topic", None) == "links" for s in self.sections for b in s.blocks)

    @property
    def lang(self) -> str:
        """The BCP 47 language tag for HTML."""
        return self.edition.id
