"""The hyphenation of an edition, read from its language's file in the layouts (layouts/hyphenation/<lang>.yaml):
which of pyphen's pattern files, the exceptions, the words never broken, whether a capital marks a name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..errors import BuildError
from .hyphenation import Hyphenation, bundled
from .templates import find_file

if TYPE_CHECKING:
    from ..editions.book import Book

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def hyphenation_for(book: Book, search_path: Sequence[Path]) -> Hyphenation | None:
    """The hyphenation of an edition: its language's file in the layouts, with the edition's names; without a file,
    pyphen's patterns for the language (None when it has none: nothing is hyphenated)."""
    language = book.edition.language
    try:
        path = find_file(search_path, f"hyphenation/{language}.yaml")
    except FileNotFoundError:
        names = {name.lower(): name for name in bundled()}
        tag = book.lang.replace("-", "_").lower()
        patterns = names.get(tag) or names.get(tag.split("_")[0])
        return Hyphenation(book.lang, patterns, names=book.names) if patterns else None
    data = _read(path, bundled())
    never = tuple(sorted(word.lower() for word in data["never"]))
    return Hyphenation(book.lang, data["patterns"], tuple(data["exceptions"]), never, book.names, data["capitalised"])


def _read(path: Path, bundled: dict[str, Path]) -> dict:
    """A hyphenation file, checked: patterns (a pyphen dictionary), exceptions, never, capitalised."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the hyphenation file: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"patterns", "exceptions", "never", "capitalised"}:
        raise BuildError(f"{path}: expected the keys patterns, exceptions, never and capitalised")
    data = {"exceptions": [], "never": [], "capitalised": False, **data}
    if data.get("patterns") not in bundled:
        raise BuildError(f"{path}: patterns: '{data.get('patterns')}' is not a pyphen dictionary")
    for field in ("exceptions", "never"):
        words = data[field]
        if not isinstance(words, list) or not all(isinstance(w, str) and WORD.fullmatch(w) for w in words):
            raise BuildError(f"{path}: {field}: expected a list of words (letters, and hyphens in exceptions)")
    if any("-" in word for word in data["never"]) or not isinstance(data["capitalised"], bool):
        raise BuildError(f"{path}: never lists whole words; capitalised is true or false")
    return data
