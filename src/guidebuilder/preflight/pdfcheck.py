"""Checks on finished PDFs that a PDF/X or PDF/UA preflight makes: DeviceRGB paint, untagged content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject, StreamObject

RGB_NAMES = frozenset({"/DeviceRGB", "/RGB"})  # /RGB: the inline-image abbreviation
TEXT_SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})
PAINTING = TEXT_SHOWING | {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do", b"INLINE IMAGE"}


@dataclass(frozen=True)
class Finding:
    """One problem: the page (1-based), where on it, and what."""

    page: int
    where: str
    what: str

    def __str__(self) -> str:
        return f"p.{self.page} {self.where}: {self.what}"


def _resolve(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def is_device_rgb(space: object, resources: DictionaryObject | None = None) -> bool:
    """Whether a colour space is DeviceRGB or paints through it (Indexed, Separation, DeviceN, Pattern)."""
    space = _resolve(space)
    if isinstance(space, NameObject):
        if space in RGB_NAMES:
            return True
        named = _resolve(resources.get("/ColorSpace", {})).get(space) if resources else None
        return named is not None and is_device_rgb(named)
    if isinstance(space, ArrayObject) and space:
        family = space[0]
        if family in ("/Indexed", "/I", "/Pattern") and len(space) > 1:
            return is_device_rgb(space[1])
        if family == "/Separation" and len(space) > 2:
            return is_device_rgb(space[2])
        if family == "/DeviceN" and len(space) > 2:
            return is_device_rgb(space[2])
    return False


# A content stream needs the (slow) full parse only if it may set an RGB colour: rg/RG, an inline
# image, or a colour space other than DeviceCMYK/DeviceGray set with cs/CS.
_RGB_OPERATORS = re.compile(rb"(?<![^\s\]\)>])(?:rg|RG|BI)(?![^\s\[\(/<])")
_SPACE_OPERATORS = re.compile(rb"(?<![^\s\]\)>])(?:cs|CS)(?![^\s\[\(/<])")
_SPACES_SET = re.compile(rb"(/[^\s/\[\]()<>{}%]+)\s+(?:cs|CS)(?![^\s\[\(/<])")
_NOT_RGB = {b"/DeviceCMYK", b"/DeviceGray"}


def _may_paint_rgb(content: object) -> bool:
    """Whether a content stream holds an operator that could paint in DeviceRGB."""
    data = _resolve(content).get_data()
    if _RGB_OPERATORS.search(data):
        return True
    names = _SPACES_SET.findall(data)
    return len(names) != len(_SPACE_OPERATORS.findall(data)) or any(name not in _NOT_RGB for name in names)


class _RgbScan:
    """Walks pages, forms, patterns, shadings, images and graphics states, once each."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.seen: set[tuple[str, int]] = set()
        self.findings: list[Finding] = []

    def page(self, number: int, page: DictionaryObject) -> None:
        resources = _resolve(page.get("/Resources")) or DictionaryObject()
        self.group(number, "page", page)
        self.stream(number, "content", page.get_contents(), resources)
        self.resources(number, "page", resources)
        for annot in _resolve(page.get("/Annots")) or []:
            for appearance in (_resolve(_resolve(annot).get("/AP")) or {}).values():
                self.xobject(number, "annotation", appearance, resources)

    def add(self, page: int, where: str, what: str) -> None:
        self.findings.append(Finding(page, where, what))

    def first_visit(self, obj: object) -> bool:
        """True the first time an object (indirect or direct) is met: shared resources are scanned once."""
        key = ("ref", obj.idnum) if isinstance(obj, IndirectObject) else ("direct", id(obj))
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def group(self, page: int, where: str, owner: DictionaryObject) -> None:
        group = _resolve(owner.get("/Group"))
        if group and is_device_rgb(group.get("/CS")):
            self.add(page, where, "transparency group in DeviceRGB")

    def stream(self, page: int, where: str, content: object, resources: DictionaryObject) -> None:
        if content is None or not _may_paint_rgb(content):
            return
        for operands, operator in ContentStream(content, self.reader).operations:
            if operator in (b"rg", b"RG"):
                self.add(page, where, f"{' '.join(str(o) for o in operands)} {operator.decode()}")
            elif operator in (b"cs", b"CS") and is_device_rgb(operands[0], resources):
                self.add(page, where, f"{operands[0]} {operator.decode()} (DeviceRGB)")
            elif operator == b"INLINE IMAGE" and is_device_rgb(operands["settings"].get("/CS"), resources):
                self.add(page, where, "inline image in DeviceRGB")

    def resources(self, page: int, where: str, resources: DictionaryObject) -> None:
        if not self.first_visit(resources):
            return
        for name, space in (_resolve(resources.get("/ColorSpace")) or {}).items():
            if is_device_rgb(space):
                self.add(page, f"{where} colour space {name}", "DeviceRGB")
        for name, ref in (_resolve(resources.get("/XObject")) or {}).items():
            self.xobject(page, f"{where} > XObject {name}", ref, resources)
        for name, ref in (_resolve(resources.get("/Pattern")) or {}).items():
            self.pattern(page, f"{where} > pattern {name}", ref, resources)
        for name, ref in (_resolve(resources.get("/Shading")) or {}).items():
            self.shading(page, f"{where} > shading {name}", ref)
        for name, ref in (_resolve(resources.get("/ExtGState")) or {}).items():
            self.graphics_state(page, f"{where} > ExtGState {name}", ref, resources)

    def xobject(self, page: int, where: str, ref: object, parent: DictionaryObject) -> None:
        if not self.first_visit(ref):
            return
        obj = _resolve(ref)
        if not isinstance(obj, StreamObject):
            return
        if obj.get("/Subtype") == "/Image":
            if is_device_rgb(obj.get("/ColorSpace")):
                self.add(page, where, "image in DeviceRGB")
            if "/SMask" in obj:
                self.xobject(page, f"{where} > soft mask", obj["/SMask"], parent)
            return
        resources = _resolve(obj.get("/Resources")) or parent
        self.group(page, where, obj)
        self.stream(page, where, obj, resources)
        self.resources(page, where, resources)

    def pattern(self, page: int, where: str, ref: object, parent: DictionaryObject) -> None:
        if not self.first_visit(ref):
            return
        obj = _resolve(ref)
        if obj.get("/PatternType") == 2:
            self.shading(page, where, obj.get("/Shading"))
            if "/ExtGState" in obj:
                self.graphics_state(page, where, obj["/ExtGState"], parent)
            return
        resources = _resolve(obj.get("/Resources")) or parent
        self.stream(page, where, obj, resources)
        self.resources(page, where, resources)

    def shading(self, page: int, where: str, ref: object) -> None:
        obj = _resolve(ref)
        if self.first_visit(ref) and obj is not None and is_device_rgb(obj.get("/ColorSpace")):
            self.add(page, where, "shading in DeviceRGB")

    def graphics_state(self, page: int, where: str, ref: object, parent: DictionaryObject) -> None:
        if not self.first_visit(ref):
            return
        mask = _resolve(_resolve(ref).get("/SMask"))
        if isinstance(mask, DictionaryObject) and "/G" in mask:
            self.xobject(page, f"{where} > soft mask", mask["/G"], parent)


def device_rgb(pdf: Path | PdfReader) -> list[Finding]:
    """Every use of DeviceRGB on every page: operators, colour spaces, images, shadings, groups, masks."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
    scan = _RgbScan(reader)
    for number, page in enumerate(reader.pages, start=1):
        scan.page(number, page)
    return scan.findings


def _tagged_mcids(reader: PdfReader) -> set[tuple[int, int]]:
    """(page object number, MCID) of every marked-content item the structure tree refers to."""
    root = _resolve(reader.trailer["/Root"].get("/StructTreeRoot"))
    found: set[tuple[int, int]] = set()
    if root is None:
        return found

    def walk(node: object, page: int | None) -> None:
        node = _resolve(node)
        if isinstance(node, int) and page is not None:
            found.add((page, int(node)))
        elif isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, page)
        elif isinstance(node, DictionaryObject):
            ref = node.get("/Pg")
            here = ref.idnum if isinstance(ref, IndirectObject) else page
            if node.get("/Type") == "/MCR":
                found.add((here, int(node["/MCID"])))
            elif node.get("/Type") != "/OBJR":
                walk(node.get("/K"), here)

    walk(root.get("/K"), None)
    return found


def struct_elements(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every element of the structure tree reachable from its root."""
    root = _resolve(reader.trailer["/Root"].get("/StructTreeRoot"))
    stack = [root.get("/K")] if root is not None else []
    while stack:
        node = _resolve(stack.pop())
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject) and node.get("/Type") not in ("/MCR", "/OBJR"):
            if "/S" in node:
                yield node
            stack.append(node.get("/K"))


def untagged_content(pdf: Path | PdfReader) -> list[Finding]:
    """Painting operators outside any artifact or structure-tree-referenced marked-content sequence."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
    tagged = _tagged_mcids(reader)
    findings: list[Finding] = []
    for number, page in enumerate(reader.pages, start=1):
        page_id = page.indirect_reference.idnum
        marks: list[bool] = []  # per open sequence: is it an artifact or tagged content?
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"BDC", b"BMC"):
                props = _resolve(operands[1]) if operator == b"BDC" else None
                mcid = props.get("/MCID") if isinstance(props, DictionaryObject) else None
                marks.append(operands[0] == "/Artifact" or (mcid is not None and (page_id, int(mcid)) in tagged))
            elif operator == b"EMC" and marks:
                marks.pop()
            elif operator in PAINTING and not any(marks):
                what = "inline image" if operator == b"INLINE IMAGE" else operator.decode()
                findings.append(Finding(number, "content", f"{what} neither tagged nor an artifact"))
    return findings


def header_cells_without_scope(pdf: Path | PdfReader) -> list[Finding]:
    """Table header cells (TH) whose attributes give no /Scope."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages, start=1)}
    findings = []
    for element in struct_elements(reader):
        if element["/S"] != "/TH":
            continue
        attributes = _resolve(element.get("/A"))
        attributes = attributes if isinstance(attributes, ArrayObject) else [attributes]
        if not any(isinstance(_resolve(a), DictionaryObject) and "/Scope" in _resolve(a) for a in attributes):
            page = element.get("/Pg")
            findings.append(Finding(pages.get(page.idnum, 0) if page else 0, "structure", "TH without /Scope"))
    return findings


def _marks_content(node: object) -> bool:
    node = _resolve(node)
    if isinstance(node, int):
        return True
    if isinstance(node, ArrayObject):
        return any(_marks_content(kid) for kid in node)
    if isinstance(node, DictionaryObject):
        return node.get("/Type") == "/MCR" or _marks_content(node.get("/K"))
    return False


def empty_headings(pdf: Path | PdfReader) -> list[Finding]:
    """Heading elements (H, H1-H6) that mark no page content."""
    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
    headings = ("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
    return [
        Finding(0, "structure", f"empty {element['/S'][1:]}")
        for element in struct_elements(reader)
        if element["/S"] in headings and not _marks_content(element.get("/K"))
    ]
