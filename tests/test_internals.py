"""What guidebuilder relies on in its libraries beyond their public API (src/guidebuilder/internals.py), and the
library behaviour a version bound in pyproject.toml stands for: each test fails when the library changes it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, StreamObject

from guidebuilder.internals import XMP_DOCUMENT_ID, add_object, page_box, set_document_id

DATES = '<meta name="dcterms.created" content="2026-01-01"><meta name="dcterms.modified" content="2026-01-01">'
HTML = f'<html lang="en"><head><title>t</title>{DATES}</head><body><p>Border</p><p>Customs</p></body></html>'


def _texts(box: object) -> list[str]:
    found = [box.text] if type(box).__name__ == "TextBox" else []
    for child in getattr(box, "children", None) or ():
        found += _texts(child)
    return found


def test_page_box_is_the_root_of_the_laid_out_page():
    from weasyprint import HTML as Document

    page = Document(string=HTML).render().pages[0]
    root = page_box(page)
    assert type(root).__name__ == "PageBox"
    assert _texts(root) == ["Border", "Customs"]


def _print_pdf(document_id: str | None) -> bytes:
    from weasyprint import HTML as Document

    def finisher(document: object, pdf: object) -> None:
        if document_id is not None:
            set_document_id(pdf, document_id)

    return Document(string=HTML).render().write_pdf(pdf_variant="pdf/x-4", pdf_identifier=b"0" * 32, finisher=finisher)


def _xmp(data: bytes) -> bytes:
    return PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data()


def test_weasyprint_writes_a_random_document_id_that_set_document_id_makes_stable():
    random_ids = {XMP_DOCUMENT_ID.search(_xmp(_print_pdf(None)))[0] for _ in range(2)}
    assert len(random_ids) == 2  # the reason for set_document_id: without it, no two builds are identical
    stable = "6f1c2b9e-0d1a-5b7c-9e3f-2a4b6c8d0e1f"
    first, second = _print_pdf(stable), _print_pdf(stable)
    assert first == second
    assert XMP_DOCUMENT_ID.findall(_xmp(first)) == [f"xmp.did:{stable}".encode()]


def test_set_document_id_refuses_metadata_without_one():
    import pydyf

    pdf = pydyf.PDF()
    metadata = pydyf.Stream([b"<x:xmpmeta/>"], {"Type": "/Metadata"})
    pdf.add_object(metadata)
    pdf.catalog["Metadata"] = metadata.reference
    with pytest.raises(RuntimeError, match="0 DocumentIDs"):
        set_document_id(pdf, "6f1c2b9e-0d1a-5b7c-9e3f-2a4b6c8d0e1f")


def test_add_object_adds_a_free_standing_stream():
    writer = PdfWriter()
    stream = StreamObject()
    stream.set_data(b"0 0 m 10 10 l S")
    stream[NameObject("/Type")] = NameObject("/XObject")
    reference = add_object(writer, stream)
    assert isinstance(reference, IndirectObject)
    assert reference.get_object() is stream
    page = writer.add_blank_page(100, 100)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Form"): reference})
    out = io.BytesIO()
    writer.write(out)
    read = PdfReader(io.BytesIO(out.getvalue())).pages[0]["/Resources"]["/Form"].get_object()
    assert read.get_data() == b"0 0 m 10 10 l S"


def test_a_replayed_check_does_not_import_pydantic(project: Path, tmp_path: Path):
    """typer is kept below 0.29 (pyproject.toml): 0.29 coerces every option through pydantic, which a check
    replayed from its outcome cache (0.1 s) never needs otherwise (importing it takes about as long again)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-X", "importtime", "-m", "guidebuilder", "check", "-C", str(project)]
    first = subprocess.run(command, env=env, capture_output=True, text=True)
    replayed = subprocess.run(command, env=env, capture_output=True, text=True)
    assert first.returncode == replayed.returncode == 0, replayed.stderr[-2000:]
    assert first.stdout == replayed.stdout
    assert "pydantic" in _imported(first.stderr)  # the first check loads the models
    assert "typer" in _imported(replayed.stderr)
    assert not [name for name in _imported(replayed.stderr) if name.split(".")[0] in ("pydantic", "pydantic_core")]


def _imported(importtime: str) -> list[str]:
    """The modules a `python -X importtime` run imported."""
    return [line.rsplit("|", 1)[-1].strip() for line in importtime.splitlines() if line.startswith("import time:")]
