"""Tiny hand-written PDFs for testing the checks in guidebuilder.preflight.pdfcheck."""

from __future__ import annotations

import io

from pypdf import PdfReader


def stream(content: str, entries: str = "") -> str:
    """A stream object body with the given dictionary entries."""
    data = content.encode("latin-1")
    return f"<< {entries} /Length {len(data)} >>\nstream\n{content}\nendstream"


def tiny_pdf(content: str, resources: str = "<< >>", *objects: str, catalog: str = "", page: str = "") -> PdfReader:
    """One page painting content; objects are numbered from 5 (1 catalog, 2 pages, 3 page, 4 content)."""
    bodies = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources {resources} /Contents 4 0 R {page} >>",
        stream(content),
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode())
    out.write(f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return PdfReader(io.BytesIO(out.getvalue()))
