"""The preflight profile: every check and its threshold, in one place (like a print shop's profile)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Named checks with their thresholds; `guidebuilder preflight` runs them all."""

    name: str = "guidebuilder booklet"
    min_fill: float = 1 / 3  # stranded: a page continuing a section must fill this share of its text area (also
    # when the section goes on: a block that moved whole to the next page leaves the text above it alone)
    min_split_lines: int = 2  # orphan/widow: lines a split paragraph keeps on each page, or its CSS value if more
    min_text_pt: float = 7.0  # print: smallest text size
    min_rule_pt: float = 0.25  # print: thinner borders are hairlines that may not print
    min_image_ppi: float = 300.0  # print: effective resolution of raster images in the print PDF
    min_contrast: float = 4.5  # contrast: WCAG 2 ratio of text to its background
    overflow_tolerance_pt: float = 0.75  # overflow: how far a box may stick out before it counts
    qr_dpi: int = 300  # QR codes are decoded from the page rendered at this resolution
    qr_min_module_mm: float = 0.4  # QR codes: smallest module (dot) size a phone camera reads reliably
    qr_quiet_modules: int = 4  # QR codes: light margin around the symbol, in modules (ISO/IEC 18004)
    link_timeout_s: float = 10.0  # links (--online): per request
    link_workers: int = 6  # links (--online): requests at once


PROFILE = Profile()

PAGE_CHECKS = "pages"  # check group of the download PDF's layout: page boxes, fonts, links
PRINT_CHECKS = "print"  # check group of the print PDF's layout: DeviceRGB, image resolution
# QR codes read back (rasterised and decoded: the costliest check) where they are printed: in the print-shop
# PDF's layout, whose pages and codes are those of the download PDF and the booklet (pdf.print_job).
QR_CHECKS = "qr"

CHECKS = {
    "stranded": "a page that continues a section and is mostly empty, whether or not the section goes on after it",
    "heading-at-foot": "a heading or block title is the last thing on its page",
    "orphan": "a paragraph leaves fewer lines at a page foot than its CSS orphans setting",
    "widow": "a paragraph carries fewer lines onto the next page than its CSS widows setting",
    "overflow": "a box or line runs beyond the text area or its card",
    "text-size": "text smaller than the profile's minimum",
    "hairline": "a rule thinner than the profile's minimum",
    "contrast": "text on its background below the minimum contrast ratio",
    "image-resolution": "a raster image below the minimum effective resolution (print PDF)",
    "device-rgb": "DeviceRGB colour in the PDF/X print file",
    "fonts": "a font that is not embedded",
    "qr": "a QR code that does not decode to its URL, is too small or lacks its quiet zone",
    "link": "a URL that is malformed, not https, or (with --online) broken or redirected",
}
