"""Figure images: real PNG, JPEG, GIF, WebP or self-contained SVG files inside the guide folder."""

from __future__ import annotations

import re
import stat
import warnings
from io import BytesIO
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

MAX_IMAGE_BYTES = 5_000_000
MAX_PIXELS = 50_000_000
KINDS = "PNG/JPEG/GIF/WebP/SVG"
UNSAFE_PATH = re.compile(r"[%?#\\:\x00-\x1f\x7f]")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)")


class ImageProblem(ValueError):
    """Why an image cannot be used in a figure."""


def image_problem(root: Path, src: str) -> str | None:
    """Why the figure image src (relative to the guide folder root) cannot be used, or None."""
    try:
        check_image(root, src)
    except ImageProblem as exc:
        return str(exc)
    return None


def check_image(root: Path, src: str) -> None:
    """Raise ImageProblem unless src is a safe image file inside root."""
    path = _locate(root, src)
    data = _read(path, src)
    kind = raster_kind(data)
    if kind:
        _check_raster(data, kind, src)
    elif data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
        check_svg(data, src)
    else:
        raise ImageProblem(f"image '{src}' is not a {KINDS} image (its content is checked, not its name)")


def _locate(root: Path, src: str) -> Path:
    """The resolved path of src, which must lie inside root."""
    if UNSAFE_PATH.search(src):
        raise ImageProblem(
            f"image path {src!r} must be a plain relative path without ':', '%', '?', '#', '\\' or control characters"
        )
    try:
        target = (root / src).resolve()
    except RuntimeError:
        raise ImageProblem(f"image '{src}' is a symbolic link that points to itself") from None
    except OSError as exc:
        raise ImageProblem(f"cannot find image '{src}': {exc.strerror}") from None
    if not target.is_relative_to(root.resolve()):
        raise ImageProblem(f"'{src}' lies outside the guide folder")
    return target


def _read(path: Path, src: str) -> bytes:
    """The bytes of a regular file no larger than MAX_IMAGE_BYTES."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ImageProblem(f"image '{src}' is not a file")
        if info.st_size > MAX_IMAGE_BYTES:
            raise ImageProblem(
                f"image '{src}' is {info.st_size:,} bytes, more than the limit of {MAX_IMAGE_BYTES:,}; make it smaller"
            )
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise ImageProblem(f"image '{src}' not found") from None
    except OSError as exc:
        raise ImageProblem(f"cannot read image '{src}': {exc.strerror}") from None


def raster_kind(data: bytes) -> str | None:
    """The Pillow format name of a PNG, JPEG, GIF or WebP image, by its first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _check_raster(data: bytes, kind: str, src: str) -> None:
    """The image decodes as kind and is not too many pixels to render."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=[kind]) as image:
                pixels = image.size[0] * image.size[1]
                if pixels <= MAX_PIXELS:
                    image.verify()
    except Image.DecompressionBombError:
        pixels = MAX_PIXELS + 1
    except Exception as exc:  # Pillow raises many kinds of error for a damaged file
        raise ImageProblem(f"{kind} image '{src}' is damaged: {exc}") from None
    if pixels > MAX_PIXELS:
        raise ImageProblem(f"image '{src}' has more than {MAX_PIXELS:,} pixels; make it smaller")


def check_svg(data: bytes, src: str) -> None:
    """Raise ImageProblem unless data is an SVG that needs nothing outside itself: no DTD, script or link."""
    checker = _SvgChecker(src)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = checker.doctype
    parser.ProcessingInstructionHandler = checker.instruction
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    parser.CharacterDataHandler = checker.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        if not checker.root:
            raise ImageProblem(f"image '{src}' is not a {KINDS} image (not well-formed XML)") from None
        reason = f"{expat.ErrorString(exc.code)}, line {exc.lineno}"
        raise ImageProblem(f"SVG '{src}' is not well-formed XML: {reason}") from None


class _SvgChecker:
    """Expat handlers that reject everything in an SVG that reaches outside it or runs code."""

    def __init__(self, src: str):
        self.src = src
        self.root = ""
        self.style: list[str] | None = None

    def fail(self, what: str) -> NoReturn:
        """Stop parsing with a message naming the file and what is wrong."""
        raise ImageProblem(f"SVG '{self.src}' {what}")

    def doctype(self, *_: object) -> None:
        """A DTD can read files or expand entities without limit (XXE, billion laughs)."""
        self.fail("has a <!DOCTYPE>; DTDs and entities (<!DOCTYPE, <!ENTITY) are not allowed")

    def instruction(self, target: str, data: str) -> None:
        """<?xml-stylesheet?> and other processing instructions."""
        self.fail(f"has the processing instruction <?{target} {data}?>; only the SVG itself is allowed")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """Check an element and each of its attributes."""
        tag = name.rpartition(" ")[2]
        if not self.root:
            self.root = tag
            if tag != "svg":
                raise ImageProblem(f"image '{self.src}' is not a {KINDS} image (an XML file with root <{tag}>)")
        if tag.lower() in ("script", "foreignobject"):
            self.fail(f"contains a <{tag}> element; scripts and embedded HTML are not allowed")
        for key, value in attrs.items():
            self.attribute(tag, key.rpartition(" ")[2], value)
        if tag == "style":
            self.style = []

    def attribute(self, tag: str, name: str, value: str) -> None:
        """No event handlers, no references but '#id', no CSS that loads anything."""
        if name.lower().startswith("on"):
            self.fail(f"has the event handler attribute '{name}' on <{tag}>; scripts are not allowed")
        if name == "href" and not value.strip().startswith("#"):
            if tag == "image":
                self.fail(f"has an <image> that loads '{value[:80]}'; images inside an SVG figure are not allowed")
            self.fail(f"refers to '{value[:80]}' in <{tag} {name}>; only references inside the SVG ('#id') are allowed")
        if name == "attributeName" and value.strip().endswith("href"):
            self.fail(f"animates '{value}' in <{tag}>; changing references is not allowed")
        found = css_problem(value)
        if found:
            self.fail(f"loads {found} in <{tag} {name}>; only url(#id) inside the SVG is allowed")

    def text(self, data: str) -> None:
        """Collect the text of a <style> element."""
        if self.style is not None:
            self.style.append(data)

    def end(self, name: str) -> None:
        """Check a <style> element's CSS once it is complete."""
        if self.style is not None and name.rpartition(" ")[2] == "style":
            found = css_problem("".join(self.style))
            self.style = None
            if found:
                self.fail(f"loads {found} in <style>; only url(#id) inside the SVG is allowed")


def css_problem(css: str) -> str | None:
    """The first @import or url() that points outside the document, or None; comments are not skipped."""

    def unescape(match: re.Match[str]) -> str:
        if match[2] is not None:
            return match[2]
        code = int(match[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"

    text = CSS_ESCAPE.sub(unescape, css).lower()
    if "@import" in text:
        return "@import"
    for match in CSS_URL.finditer(text):
        if not match[1].startswith("#"):
            return f"url({match[1][:80]})"
    return None
