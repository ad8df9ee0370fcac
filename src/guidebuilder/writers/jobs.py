"""Layout jobs as plain data: made in the main process, laid out by WeasyPrint in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .hyphenation import Hyphenation


@dataclass(frozen=True)
class LayoutJob:
    """Everything WeasyPrint needs to make one PDF."""

    label: str
    html: str
    base_url: str
    stylesheet: Path
    extra_css: tuple[str, ...]
    roots: tuple[Path, ...]
    spare_pages: int  # trailing notes pages that may be dropped to reach a multiple of 4
    min_notes: int
    variant: str
    identifier: str
    document_id: str | None = None  # a stable XMP DocumentID (PDF/X writes a random one)
    bleed_mm: float | None = None  # the exact BleedBox, outside the TrimBox
    booklet: bool = True  # notes pages bring the page count to a multiple of 4 (not for a poster)
    checks: tuple[str, ...] = ()  # preflight check groups to run on the result (preflight/inspect.py)
    hyphenation: Hyphenation | None = None  # where words may break (installed in pyphen before the layout)


@dataclass(frozen=True)
class LaidOut:
    """A finished PDF, its page count and its preflight findings."""

    data: bytes
    pages: int
    findings: tuple = ()  # preflight.findings.Finding, plain data
