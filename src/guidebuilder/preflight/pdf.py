"""Checks on the finished print PDF, read back with pypdf: colour spaces and image resolution."""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import ContentStream

from . import pdfcheck
from .findings import Finding
from .profile import Profile


def _xobjects(resources: object) -> Iterator[tuple[str, object]]:
    """The XObjects of a resource dictionary, resolved."""
    if resources and "/XObject" in resources:
        for name, ref in resources["/XObject"].items():
            yield name, ref.get_object()


def _has_images(resources: object, depth: int = 0) -> bool:
    """Whether raster images are drawn through these resources (directly or in forms): else nothing to parse."""
    for _, xobject in _xobjects(resources):
        if xobject.get("/Subtype") == "/Image":
            return True
        if xobject.get("/Subtype") == "/Form" and depth < 8 and _has_images(xobject.get("/Resources"), depth + 1):
            return True
    return False


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """PDF matrix product a × b."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


class PdfChecks:
    """The print PDF parsed once, for every check on its pages."""

    def __init__(self, data: bytes, profile: Profile):
        self.reader = PdfReader(io.BytesIO(data))
        self.profile = profile

    def device_rgb(self) -> list[Finding]:
        """DeviceRGB (not allowed in a PDF/X-4 file meant for CMYK print), found by pdfcheck wherever it
        hides: one finding per cause, on the first page it occurs, naming every page."""
        pages: dict[str, list[int]] = {}
        for found in pdfcheck.device_rgb(self.reader):
            pages.setdefault(found.what, []).append(found.page)
        return [
            Finding(
                "device-rgb", f"DeviceRGB in the print PDF: {what} on {_page_list(sorted(set(numbers)))}", min(numbers)
            )
            for what, numbers in pages.items()
        ]

    def image_resolution(self) -> list[Finding]:
        """Raster images printed below the minimum effective resolution."""
        findings = []
        for number, page in enumerate(self.reader.pages, 1):
            for name, ppi in self._image_ppi(page.get_contents(), page.get("/Resources"), [1, 0, 0, 1, 0, 0], 0):
                if ppi < self.profile.min_image_ppi:
                    message = f"image {name} prints at {ppi:.0f} ppi (minimum {self.profile.min_image_ppi:g})"
                    findings.append(Finding("image-resolution", message, number))
        return findings

    def _image_ppi(
        self, content: object, resources: object, ctm: list[float], depth: int
    ) -> Iterator[tuple[str, float]]:
        if content is None or depth > 8 or not _has_images(resources, depth):
            return
        xobjects = dict(_xobjects(resources))
        stack: list[list[float]] = []
        for operands, operator in ContentStream(content, self.reader).operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q" and stack:
                ctm = stack.pop()
            elif operator == b"cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif operator == b"Do" and operands and operands[0] in xobjects:
                xobject = xobjects[operands[0]]
                if xobject.get("/Subtype") == "/Image":
                    width_in = (ctm[0] ** 2 + ctm[1] ** 2) ** 0.5 / 72
                    if width_in > 0:
                        yield str(operands[0]).lstrip("/"), float(xobject["/Width"]) / width_in
                elif xobject.get("/Subtype") == "/Form":
                    matrix = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    yield from self._image_ppi(xobject, xobject.get("/Resources"), _multiply(matrix, ctm), depth + 1)


def _page_list(numbers: list[int]) -> str:
    """'p.1', or 'pp.1-4, 7'."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    text = ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
    return f"p.{text}" if len(numbers) == 1 else f"pp.{text}"
