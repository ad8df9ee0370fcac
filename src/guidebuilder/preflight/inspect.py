"""The checks a layout worker runs on the document it has just laid out and written."""

from __future__ import annotations

from .findings import Finding
from .links import check_form, cited_urls
from .pages import check_pages
from .pdf import PdfChecks, check_qr_codes
from .profile import PAGE_CHECKS, PRINT_CHECKS, PROFILE, Profile


def inspect(
    checks: tuple[str, ...], pages: list, data: bytes, html: str, profile: Profile = PROFILE
) -> tuple[Finding, ...]:
    """The findings of the named check groups on a laid-out document, its PDF and its HTML."""
    findings: list[Finding] = []
    if PAGE_CHECKS in checks:
        page_findings, qr_targets = check_pages(pages, profile)
        findings += check_form(cited_urls(html), data)
        findings += page_findings
        findings += PdfChecks(data, profile).fonts()
        findings += check_qr_codes(data, qr_targets, profile)
    if PRINT_CHECKS in checks:
        pdf = PdfChecks(data, profile)
        findings += pdf.image_resolution()
        findings += pdf.device_rgb()
    return tuple(findings)
