"""Finishing WeasyPrint's tag tree for PDF/UA: running heads as artifacts, header cells with a scope.

Works on WeasyPrint's PDF objects (pydyf) before they are written, from layout.py's finisher.
"""

from __future__ import annotations

from collections.abc import Iterator

import pydyf

PAGINATION = pydyf.Dictionary({"Type": "/Pagination"})


def finish_tags(pdf: pydyf.PDF) -> None:
    """Page-margin content (running heads, page numbers) as artifacts; a /Scope on every TH."""
    root = _get(pdf, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return
    tagged = {id(element) for element in _elements(pdf, root["K"])}
    parent_tree = _get(pdf, root["ParentTree"])["Nums"]
    pages = [_get(pdf, ref) for ref in pdf.page_references]
    pages = {page["StructParents"]: page for page in pages if "StructParents" in page}
    for key, parents in zip(parent_tree[::2], parent_tree[1::2], strict=True):
        if key not in pages or not isinstance(parents, pydyf.Array):
            continue
        orphans = {mcid for mcid, ref in enumerate(parents) if id(_get(pdf, ref)) not in tagged}
        if orphans:
            _mark_as_pagination(_get(pdf, pages[key]["Contents"]), orphans)
            for mcid in orphans:
                parents[mcid] = b"null"
    for row, group in _rows(pdf, root["K"]):
        _scope_header_cells(pdf, row, group)


def _get(pdf: pydyf.PDF, ref: object) -> object:
    """The object a pydyf reference (b'12 0 R') points to; other values as they are."""
    if isinstance(ref, bytes) and ref.endswith(b" R"):
        return pdf.objects[int(ref.split()[0])]
    return ref


def _elements(pdf: pydyf.PDF, kids: object) -> Iterator[pydyf.Dictionary]:
    """Every structure element under kids, depth first."""
    for kid in kids if isinstance(kids, pydyf.Array) else [kids]:
        element = _get(pdf, kid)
        if isinstance(element, pydyf.Dictionary) and element.get("Type") == "/StructElem":
            yield element
            yield from _elements(pdf, element["K"])


def _rows(pdf: pydyf.PDF, kids: object) -> Iterator[tuple[pydyf.Dictionary, str]]:
    """Every table row with the tag of the group it is in (/THead, /TBody, /TFoot or /Table)."""
    for parent in _elements(pdf, kids):
        for kid in parent["K"]:
            row = _get(pdf, kid)
            if isinstance(row, pydyf.Dictionary) and row.get("S") == "/TR":
                yield row, parent["S"]


def _scope_header_cells(pdf: pydyf.PDF, row: pydyf.Dictionary, group: str) -> None:
    """TH in a header row (a THead's, or one of header cells only) heads a column; elsewhere, its row."""
    cells = [_get(pdf, kid) for kid in row["K"]]
    cells = [cell for cell in cells if isinstance(cell, pydyf.Dictionary) and cell.get("S") in ("/TH", "/TD")]
    column = group == "/THead" or all(cell["S"] == "/TH" for cell in cells)
    for cell in cells:
        if cell["S"] == "/TH":
            cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = "/Column" if column else "/Row"


def _mark_as_pagination(stream: pydyf.Stream, mcids: set[int]) -> None:
    """Turn the marked-content sequences with these MCIDs into pagination artifacts."""
    items = stream.stream
    for index, item in enumerate(items):
        is_property_list = isinstance(item, pydyf.Dictionary) and items[index + 1 : index + 2] == [b"BDC"]
        if is_property_list and item.get("MCID") in mcids:
            items[index - 1] = "/Artifact"
            items[index] = PAGINATION
