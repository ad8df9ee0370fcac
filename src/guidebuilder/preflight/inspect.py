"""The checks a layout worker runs on the document it has just laid out and written."""

from __future__ import annotations

from collections.abc import Sequence

from .findings import Finding
from .fonts import unembedded_fonts
from .links import check_form, cited_urls
from .pages import check_pages
from .profile import PAGE_CHECKS, PRINT_CHECKS, PROFILE, QR_CHECKS, Profile
from .qr import check_qr_codes, find_targets


def inspect(
    checks: tuple[str, ...],
    pages: list,
    data: bytes,
    objects: Sequence[object],
    html: str,
    profile: Profile = PROFILE,
) -> tuple[Finding, ...]:
    """The findings of the named check groups on a laid-out document, its PDF (the file, and the objects
    WeasyPrint wrote it from) and its HTML."""
    findings: list[Finding] = []
    if PAGE_CHECKS in checks:
        findings += check_form(cited_urls(html), data)
        findings += check_pages(pages, profile)
        findings += unembedded_fonts(objects)
    if QR_CHECKS in checks:
        findings += check_qr_codes(data, find_targets(pages), profile)
    if PRINT_CHECKS in checks:
        from .pdf import PdfChecks  # pypdf: only the print PDF is parsed back

        pdf = PdfChecks(data, profile)
        findings += pdf.image_resolution()
        findings += pdf.device_rgb()
    return tuple(findings)
