"""Every use of a library's private API or undocumented behaviour, in one place.

Each function says why it is needed; tests/test_internals.py (tests/test_hyphenation.py for pyphen) fails when
the library changes what it relies on, and pyproject.toml bounds each library to the versions those tests passed
on. Light: callers hand in the library's objects (pyphen, which has none to hand, is imported when used).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

# WeasyPrint (PDF/X-4 only) writes a random XMP DocumentID, `xmp.did:` and a uuid4, on every run.
XMP_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def page_box(page: Any) -> Any:
    """The root box of a WeasyPrint page (`Page._page_box`): the preflight page checks walk the laid-out box
    tree, which WeasyPrint has no public way to reach. Used by preflight/pages.py."""
    return page._page_box


def set_document_id(pdf: Any, document_id: str) -> None:
    """Replace WeasyPrint's random XMP DocumentID by a stable one, so that two builds of a PDF/X file are
    byte-identical. Called from a `write_pdf` finisher (public): it relies on WeasyPrint's metadata stream
    being the catalog's /Metadata, still uncompressed bytes in the pydyf Stream, holding one DocumentID."""
    number = int(pdf.catalog["Metadata"].split()[0])
    stream = pdf.objects[number]
    xmp = b"".join(stream.stream)
    stable, count = XMP_DOCUMENT_ID.subn(f"xmp.did:{document_id}".encode(), xmp)
    if count != 1:
        raise RuntimeError(f"WeasyPrint's XMP metadata holds {count} DocumentIDs, not one: see {__name__}")
    stream.stream = [stable]


def add_object(writer: Any, obj: Any) -> Any:
    """Add a free-standing object (a Form XObject) to a pypdf PdfWriter and return its indirect reference:
    pypdf has no public call for it (`PdfWriter._add_object`). Used by writers/booklet.py."""
    return writer._add_object(obj)


def register_pyphen_dictionary(language: str, key: str, make: Callable[[], Any]) -> Any:
    """Make pyphen hand WeasyPrint this dictionary for a BCP 47 language (made by `make` once per key): WeasyPrint
    asks pyphen for a dictionary by language and offers no hook of its own, so it is registered in pyphen's
    module-level LANGUAGES, LANGUAGES_LOWERCASE and hdcache. Used by writers/hyphenation.py (tested by
    tests/test_hyphenation.py)."""
    import pyphen

    path = Path(key)  # a cache key only: no such file is read
    if path not in pyphen.hdcache:
        pyphen.hdcache[path] = make()
    name = language.replace("-", "_")
    pyphen.LANGUAGES[name] = path
    pyphen.LANGUAGES_LOWERCASE[name.lower()] = name
    return pyphen.hdcache[path]
