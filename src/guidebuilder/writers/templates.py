"""The Jinja2 environment for layouts: ordered search path, autoescape, strict undefined."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .. import codestamp
from ..editions.book import SCREEN_ART


class CompiledTemplates(FileSystemBytecodeCache):
    """Templates compiled by an earlier run (Jinja2's bytecode cache, keyed by each template's path and source):
    compiling the booklet's templates took ~0.1 s of every build before its layout could start. In a folder
    per version of Jinja2 and of this module (the environment's settings); a cache that cannot be written is
    no error."""

    def __init__(self) -> None:
        version = f"{jinja2.__version__}|{codestamp.stamp(__file__)}".encode()
        super().__init__(os.path.join(codestamp.cache_dir("templates"), hashlib.sha256(version).hexdigest()[:16]))

    def load_bytecode(self, bucket: object) -> None:
        """A compiled template, if there is one to read."""
        with suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: object) -> None:
        """Store a compiled template; a read-only or unusable cache folder is no error."""
        with suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


@lru_cache(maxsize=8)
def environment(search_path: Sequence[Path]) -> Environment:
    """An environment that finds templates in search_path, first match wins."""
    env = Environment(
        loader=FileSystemLoader([str(p) for p in search_path]),
        autoescape=select_autoescape(["html", "xhtml", "svg", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=CompiledTemplates(),
    )
    env.filters["refs"] = _refs
    env.filters["demote"] = _demote
    env.filters["inner_svg"] = _inner_svg
    env.filters["phrase"] = _phrase
    env.filters["n"] = _number
    env.filters["url_text"] = url_text
    env.globals.update(medium="print", ref_base="", hb="h3", image_base="", artwork=SCREEN_ART)
    return env


def _phrase(template: str, **values: object) -> Markup:
    """An interface string with its {fields} filled: the string carries the words and punctuation of its language
    ("{label}: {text}", « {label} : {text} »); values are escaped unless they are HTML already."""
    return escape(template).format(**values)


URL_PART = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?[^/]*/*")  # the scheme and host, then each part up to a slash
URL_PIECE = re.compile(r"[-.]?[^-.]*")  # a piece of a long part starts at a hyphen or a dot
LONG_URL_PART = 30  # characters: a part longer than this may break before its hyphens and dots too


def url_text(url: str) -> Markup:
    """A printed URL that breaks only after a slash (or, in a long part, before a hyphen or dot), never after a
    hyphen, where a reader would take the hyphen for the layout's: each piece unbreakable, a <wbr/> between."""
    pieces = []
    for part in URL_PART.findall(url):
        pieces += URL_PIECE.findall(part) if len(part) > LONG_URL_PART else [part]
    return Markup("<wbr/>").join(Markup('<span class="url-piece">{}</span>').format(p) for p in pieces if p)


def _number(value: float) -> str:
    """A coordinate as SVG wants it: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _demote(html: str) -> Markup:
    """Body headings one level up (h3 → h2) for documents whose section title is h1."""
    return Markup(re.sub(r"<(/?)h([3-6])\b", lambda m: f"<{m[1]}h{int(m[2]) - 1}", str(html)))


def _inner_svg(svg: str) -> Markup:
    """The children of an SVG document's root element, for nesting in another SVG."""
    body = re.sub(r"^.*?<svg\b[^>]*>", "", str(svg), count=1, flags=re.S)
    body = re.sub(r"</svg>\s*$", "", body.rstrip())
    return Markup(re.sub(r"<title>.*?</title>", "", body, flags=re.S))


def _refs(numbers: Sequence[int]) -> str:
    """Source numbers as a compact mark: 1, 3–5."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}\u2013{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def find_file(search_path: Sequence[Path], name: str) -> Path:
    """The first file called name on the search path."""
    for folder in search_path:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(name)
