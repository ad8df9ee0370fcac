"""QR codes read back from the finished PDF: each code's part of its page rendered by a real rasteriser
(PDFium) and decoded by zbar."""

from __future__ import annotations

from dataclasses import dataclass

from ..internals import page_box
from .findings import Finding
from .pages import box_pt, kind_of
from .profile import Profile

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class QrTarget:
    """A QR code on a page: where it is printed (in points from the trimmed page's corner) and its URL."""

    page: int
    box: tuple[float, float, float, float]
    url: str


def find_targets(pages: list) -> list[QrTarget]:
    """Every QR code of a laid-out document: the image inside an element with data-qr, its box and URL."""
    targets: dict[tuple[int, str], QrTarget] = {}
    for number, page in enumerate(pages, 1):
        stack: list[tuple[object, str | None]] = [(page_box(page), None)]
        while stack:
            box, url = stack.pop()
            element = getattr(box, "element", None)
            url = url or (element.get("data-qr") if element is not None else None)
            if url and "Replaced" in kind_of(box):
                targets.setdefault((number, url), QrTarget(number, box_pt(box), url))
            stack.extend((child, url) for child in reversed(getattr(box, "children", None) or ()))
    return list(targets.values())


def check_qr_codes(data: bytes, targets: list[QrTarget], profile: Profile) -> list[Finding]:
    """Render the neighbourhood of each QR code at the profile's resolution and read the code back."""
    if not targets:
        return []
    try:
        import pypdfium2
        from pyzbar.pyzbar import ZBarSymbol, decode
    except ImportError as exc:  # libzbar0 missing: say so rather than pass silently
        return [Finding("qr", f"cannot read QR codes back: {exc}", targets[0].page)]
    document = pypdfium2.PdfDocument(data)
    try:
        findings = []
        for target in targets:
            page = document[target.page - 1]
            picture = _render_around(page, target, profile.qr_dpi)
            findings += _read_back(picture, decode(picture, symbols=[ZBarSymbol.QRCODE]), target, profile)
        return findings
    finally:
        document.close()


def _render_around(page: object, target: QrTarget, dpi: int) -> object:
    """The code's box and a quarter of its size around it (room for the 4-module quiet zone of even the
    smallest symbol, 21 modules across), rendered in grey at dpi on the pixel grid of the whole page:
    only this part is rasterised and scanned (a whole A5 page at 300 dpi is 4 million pixels). A print PDF's
    page holds bleed and crop marks around the trimmed page the box is measured from."""
    scale = dpi / 72
    width, height = page.get_size()
    left_edge, _, _, top_edge = page.get_mediabox()
    trim_left, _, _, trim_top = page.get_trimbox()
    x, y, w, h = target.box
    x, y, w, h = ((x + trim_left - left_edge) * scale, (y + top_edge - trim_top) * scale, w * scale, h * scale)
    pad = max(w, h) * 0.25
    left, top = max(0, int(x - pad)), max(0, int(y - pad))
    right, bottom = min(int(width * scale), int(x + w + pad)), min(int(height * scale), int(y + h + pad))
    crop = (left / scale, height - bottom / scale, width - right / scale, top / scale)
    return page.render(scale=scale, crop=crop).to_pil().convert("L")


def _read_back(crop: object, found: list, target: QrTarget, profile: Profile) -> list[Finding]:
    """Findings for one QR code, from the picture of it and its surroundings and the codes zbar read there."""
    where = {"page": target.page, "box": target.box}
    if not found:
        return [Finding("qr", f"QR code for {target.url} does not decode at {profile.qr_dpi} dpi", **where)]
    text = found[0].data.decode("utf-8", "replace")
    if text != target.url:
        return [Finding("qr", f"QR code decodes to {text}, not {target.url}", **where)]
    rect = found[0].rect
    module_px = rect.width / qr_modules(text)
    module_mm = module_px / profile.qr_dpi * MM_PER_INCH
    findings = []
    if module_mm < profile.qr_min_module_mm - 1e-6:
        message = f"QR code for {text} has {module_mm:.2f} mm modules (minimum {profile.qr_min_module_mm:g} mm)"
        findings.append(Finding("qr", message, **where))
    if not _quiet_zone_clear(crop, rect, module_px * profile.qr_quiet_modules):
        message = f"QR code for {text} lacks its {profile.qr_quiet_modules}-module light margin"
        findings.append(Finding("qr", message, **where))
    return findings


def qr_modules(text: str) -> int:
    """Modules across the symbol segno makes for text (the generator of every code in the guide). A fixed
    mask: the version does not depend on it, and segno then skips trying all eight (~10 ms a code)."""
    import segno

    return segno.make(text, error="m", micro=False, mask=0).symbol_size(scale=1, border=0)[0]


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
