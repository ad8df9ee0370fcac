"""The resolved edition: what the templates render, already filtered, filled and formatted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from ..content.models import Edition, GuideMeta, UiStrings
from .glance import AtAGlance
from .spelling import Respelling


@dataclass(frozen=True)
class TextLine:
    """One line of an edition's resolved text (placeholders filled, variety spelled), where it came from and the
    language it is written in: the source's, not the edition's, where a translation is missing or fuzzy."""

    path: str
    line: int
    text: str
    language: str = ""


@dataclass(frozen=True)
class SourceNote:
    """One numbered source in the edition's source list."""

    number: int
    key: str
    title: str
    url: str
    published: str | None
    note: str | None
    undated: bool = False  # the page shows no date (the layout prints the edition's "page undated")


@dataclass(frozen=True)
class FactLine:
    """A printed fact with its source numbers."""

    text: Markup
    refs: tuple[int, ...]
    as_of: str | None = None
    undated: bool = False  # dated only by pages that show no date: "page undated" prints where as_of would


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
def qr_svg(url: str, ink: str = "#000") -> Markup:
    """A QR code for url as inline SVG in the given ink, sized by CSS; made only when a layout prints it."""
    import segno

    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=2, omitsize=True, dark="#000", title=url)
    # segno takes only sRGB colours; its one dark path is stroked, and must not be filled (black by default).
    return Markup(svg.replace('stroke="#000"', f'fill="none" stroke="{ink}"', 1))


@dataclass(frozen=True)
class Artwork:
    """The colours of the SVG artwork (cover drawing, QR codes, charts) in one medium."""

    paper: str  # what the cover drawing paints in: white on screen, no ink in print
    ink: str  # QR modules: black on screen, black ink only in print
    text: str = "#262a2e"  # chart text, as the body text
    muted: str = "#555b61"
    accent: str | None = None  # the edition's accent in this medium (None: its own sRGB colour)

    def tones(self, accent: str) -> dict[str, str]:
        """The chart colours by tone, the edition's accent included."""
        return {"ink": self.text, "muted": self.muted, "accent": self.accent or accent, "paper": self.paper}

    def qr(self, url: str) -> Markup:
        """The QR code for url in this medium's ink."""
        return qr_svg(url, self.ink)


SCREEN_ART = Artwork(paper="#ffffff", ink="#000")
PRINT_ART = Artwork(
    paper="device-cmyk(0 0 0 0)",
    ink="device-cmyk(0 0 0 1)",
    text="device-cmyk(0 0 0 0.88)",
    muted="device-cmyk(0 0 0 0.7)",
)


@dataclass(frozen=True)
class LinkItem:
    """An official link (the layout draws its QR code)."""

    title: str
    url: str


@dataclass(frozen=True)
class FactSheet:
    """The edition's facts, formatted for its locale."""

    agency: FactLine
    officer: FactLine
    requirements: tuple[FactLine, ...]
    training: tuple[FactLine, ...]
    pay: tuple[PayLine, ...]
    pay_page: LinkItem | None  # where the current rates are, printed where the edition has no figure
    work: tuple[FactLine, ...]
    specialisations: tuple[FactLine, ...]
    apply_url: str
    apply_summary: Markup | None
    apply_steps: tuple[FactLine, ...]
    apply_in_order: bool  # the steps are a sequence (numbered), not alternatives
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
    figures_note: str | None  # how current the pay figures are: "Figures as of July 2024", or their span of years
    officer_title: str  # the job title as a label: its first letter capitalised (French writes it lower case in text)
    sections: tuple[BookSection, ...]
    facts: FactSheet
    sources: tuple[SourceNote, ...]
    editions: tuple[str, ...] = ()  # every edition id of the guide, for links between them
    text_lines: tuple[TextLine, ...] = ()
    respellings: tuple[Respelling, ...] = ()
    names: tuple[str, ...] = ()  # proper names (lower case) that a layout never hyphenates
    glance: AtAGlance | None = None  # quick facts and charts; None only for a book made without them

    @property
    def web_url(self) -> str | None:
        """The address of this edition's web page, when the guide says where dist/ is published."""
        return f"{self.meta.site_url}/{self.edition.id}/" if self.meta.site_url else None

    @property
    def poster_url(self) -> str:
        """Where the poster's QR code leads: the web edition, else the careers site."""
        return self.web_url or self.edition.careers_url

    @property
    def poster_points(self) -> tuple[Markup, ...]:
        """The poster's key points: the first key point of the first four sections that have some."""
        firsts = (b.items[0] for s in self.sections for b in s.blocks if b.type == "key_points")
        return tuple(firsts)[:4]

    @property
    def links_in_sections(self) -> bool:
        """True when a section already prints the official links with QR codes."""
        return any(getattr(b, "topic", None) == "links" for s in self.sections for b in s.blocks)

    def source_hosts(self, refs: tuple[int, ...]) -> str:
        """The sites of these numbered sources, for a page without the source list (the poster)."""
        hosts = (urlsplit(self.sources[n - 1].url).hostname or "" for n in refs)
        return ", ".join(dict.fromkeys(host.removeprefix("www.") for host in hosts if host))

    @property
    def lang(self) -> str:
        """The BCP 47 language tag for HTML."""
        return self.edition.id
