"""Checks on the finished PDF: colour spaces, image resolution, fonts, and QR codes read back from
the page rendered by a real rasteriser (PDFium) and decoded by zbar."""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject

from .. import pdfcheck
from .findings import Finding
from .pages import QrTarget
from .profile import Profile

MM_PER_INCH = 25.4


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
    """Walks each page's content, forms included, once for every PDF-level check."""

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

    def fonts(self) -> list[Finding]:
        """Fonts used without their font program embedded (the file's, not a page's, problem)."""
        missing: set[str] = set()
        for ref in self._objects():
            font = ref.get_object()
            if (
                not isinstance(font, dict)
                or font.get("/Type") != "/Font"
                or font.get("/Subtype") in ("/Type3", "/Type0")
            ):
                continue
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        return [Finding("fonts", f"not embedded: {', '.join(sorted(missing))}")] if missing else []

    def _objects(self) -> Iterator[object]:
        """Every indirect object of the file."""
        for generation, numbers in self.reader.xref.items():
            for number in numbers:
                yield self.reader.get_object(IndirectObject(number, generation, self.reader))


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


def check_qr_codes(data: bytes, targets: list[QrTarget], profile: Profile) -> list[Finding]:
    """Render each page holding QR codes at the profile's resolution and read every code back."""
    if not targets:
        return []
    try:
        import pypdfium2
        from pyzbar.pyzbar import decode
    except ImportError as exc:  # libzbar0 missing: say so rather than pass silently
        return [Finding("qr", f"cannot read QR codes back: {exc}", targets[0].page)]
    document = pypdfium2.PdfDocument(data)
    try:
        findings = []
        for page_number in sorted({t.page for t in targets}):
            image = document[page_number - 1].render(scale=profile.qr_dpi / 72).to_pil().convert("L")
            for target in (t for t in targets if t.page == page_number):
                findings += _read_back(image, target, decode, profile)
        return findings
    finally:
        document.close()


def _read_back(image: object, target: QrTarget, decode: object, profile: Profile) -> list[Finding]:
    """Findings for one QR code on its rendered page."""
    px = profile.qr_dpi / 72
    x, y, w, h = (v * px for v in target.box)
    pad = max(w, h) * 0.5
    left, top = max(0, int(x - pad)), max(0, int(y - pad))
    crop = image.crop((left, top, min(image.width, int(x + w + pad)), min(image.height, int(y + h + pad))))
    found = [result for result in decode(crop) if result.type == "QRCODE"]
    where = {"page": target.page, "box": target.box}
    if not found:
        return [Finding("qr", f"QR code for {target.url} does not decode at {profile.qr_dpi} dpi", **where)]
    text = found[0].data.decode("utf-8", "replace")
    if text != target.url:
        return [Finding("qr", f"QR code decodes to {text}, not {target.url}", **where)]
    rect = found[0].rect
    module_px = rect.width / _modules(text)
    module_mm = module_px / profile.qr_dpi * MM_PER_INCH
    findings = []
    if module_mm < profile.qr_min_module_mm - 1e-6:
        message = f"QR code for {text} has {module_mm:.2f} mm modules (minimum {profile.qr_min_module_mm:g} mm)"
        findings.append(Finding("qr", message, **where))
    if not _quiet_zone_clear(crop, rect, module_px * profile.qr_quiet_modules):
        message = f"QR code for {text} lacks its {profile.qr_quiet_modules}-module light margin"
        findings.append(Finding("qr", message, **where))
    return findings


def _modules(text: str) -> int:
    """Modules across the symbol segno makes for text (the generator of every code in the guide)."""
    import segno

    return segno.make(text, error="m", micro=False).symbol_size(border=0)[0]


def _quiet_zone_clear(crop: object, rect: object, margin: float) -> bool:
    """Whether the ring of the given width around the symbol is light."""
    outer = (
        int(rect.left - margin),
        int(rect.top - margin),
        int(rect.left + rect.width + margin),
        int(rect.top + rect.height + margin),
    )
    if outer[0] < 0 or outer[1] < 0 or outer[2] > crop.width or outer[3] > crop.height:
        return False
    ring = crop.crop(outer).point(lambda v: 255 if v < 128 else 0)
    slack = margin / 8  # zbar's rectangle may fall half a module inside the symbol's edge
    inner = (
        int(margin - slack),
        int(margin - slack),
        int(margin + rect.width + slack),
        int(margin + rect.height + slack),
    )
    ring.paste(0, inner)
    return ring.getbbox() is None
