"""The fonts check, on the PDF objects WeasyPrint writes (pydyf, handed over by the layout's finisher):
the file is these objects serialised, so nothing needs parsing back."""

from __future__ import annotations

from collections.abc import Sequence

from .findings import Finding

FONT_FILES = ("FontFile", "FontFile2", "FontFile3")


def unembedded_fonts(objects: Sequence[object]) -> list[Finding]:
    """Fonts used without their font program embedded (the file's, not a page's, problem)."""
    missing: set[str] = set()
    for font in objects:
        if not isinstance(font, dict) or font.get("Type") != "/Font" or font.get("Subtype") in ("/Type3", "/Type0"):
            continue
        descriptor = _resolve(objects, font.get("FontDescriptor"))
        if not isinstance(descriptor, dict) or not any(key in descriptor for key in FONT_FILES):
            missing.add(_text(font.get("BaseFont", "?")).lstrip("/"))
    return [Finding("fonts", f"not embedded: {', '.join(sorted(missing))}")] if missing else []


def _resolve(objects: Sequence[object], value: object) -> object:
    """The object a reference (b'12 0 R') points to; other values as they are."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return objects[int(value.split()[0])]
    return value


def _text(value: object) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)
