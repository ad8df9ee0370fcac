"""QR codes read back from the finished PDF: each code's part of its page rendered by a real rasteriser
(PDFium) and decoded by zbar."""

from __future__ import annotations

from .findings import Finding
from .pages import QrTarget
from .profile import Profile

MM_PER_INCH = 25.4


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
    only this part is rasterised and scanned (a whole A5 page at 300 dpi is 4 million pixels)."""
    scale = dpi / 72
    width, height = page.get_size()
    x, y, w, h = (v * scale for v in target.box)
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
    """Modules across the symbol segno makes for text (the generator of every code in the guide): its
    version, found without drawing the symbol (segno.make tries eight masks, ~10 ms a code)."""
    from segno import consts, encoder

    version = encoder.find_version(encoder.prepare_data(text, None, None), consts.ERROR_LEVEL_M, eci=False, micro=False)
    return version * 4 + 17


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
