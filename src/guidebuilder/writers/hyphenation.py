"""Where a word may break at a line end in the PDF: pyphen's patterns chosen per language, exceptions, and names
that never break. Plain data made in the main process (hyphenation_file.py); the layout worker installs it as the
pyphen dictionary WeasyPrint looks up for the document's language. Light: no WeasyPrint, pyphen when installed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..internals import register_pyphen_dictionary

ENDINGS = ("’s", "'s", "s", "es", "n", "en")  # a name with a possessive or inflection ending is still the name
APOSTROPHES = "’'"


@dataclass(frozen=True)
class Hyphenation:
    """How the words of one edition may break: plain data for the layout worker."""

    language: str  # the document's lang attribute (BCP 47), which WeasyPrint hands to pyphen
    patterns: str  # the pyphen dictionary the patterns come from, e.g. en_US
    exceptions: tuple[str, ...] = ()  # a word with a hyphen at each point it may break: "Dienst-ort"
    never: tuple[str, ...] = ()  # words that never break, in any case (lower case)
    names: tuple[str, ...] = ()  # names (lower case) that never break where they start with a capital
    capitalised: bool = False  # a word that starts with a capital is a name: never broken (not for German)

    @cached_property
    def _breaks(self) -> dict[str, tuple[int, ...]]:
        """The exceptions as lower-case word → break offsets."""
        breaks = {}
        for entry in self.exceptions:
            parts = entry.lower().split("-")
            offsets = [sum(len(part) for part in parts[: index + 1]) for index in range(len(parts) - 1)]
            breaks["".join(parts)] = tuple(offsets)
        return breaks

    @cached_property
    def _never(self) -> frozenset[str]:
        return frozenset(word.lower() for word in self.never)

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(word.lower() for word in self.names)

    def is_name(self, word: str) -> bool:
        """True for a word never to break: listed (a name only where capitalised, also with an ending such as 's),
        or any capitalised word where a capital marks a name."""
        capital = word[:1].isupper()
        if self.capitalised and capital:
            return True
        lower = word.lower()
        stems = [lower] + [lower[: -len(end)] for end in ENDINGS if lower.endswith(end) and len(lower) > len(end)]
        stems = [stem.rstrip(APOSTROPHES) for stem in stems]
        return any(stem in self._never or (capital and stem in self._names) for stem in stems)

    def exception(self, word: str) -> tuple[int, ...] | None:
        """The listed break offsets of a word, or None when the patterns decide."""
        return self._breaks.get(word.lower())

    @property
    def key(self) -> str:
        """A digest naming this hyphenation in pyphen's cache."""
        data = repr((self.language, self.patterns, self.exceptions, self.never, self.names, self.capitalised))
        return hashlib.sha256(data.encode()).hexdigest()[:16]


class Dictionary:
    """A pyphen dictionary (what pyphen.HyphDict offers WeasyPrint: positions) over bundled patterns."""

    def __init__(self, hyphenation: Hyphenation, base: object):
        self.hyphenation = hyphenation
        self.base = base

    def positions(self, word: str) -> list:
        """The offsets where word may break: none for a name, the listed ones for an exception, else the patterns'."""
        import pyphen

        if self.hyphenation.is_name(word):
            return []
        listed = self.hyphenation.exception(word)
        if listed is not None:
            return [pyphen.DataInt(offset) for offset in listed]
        return self.base.positions(word)


_BUNDLED: dict[str, Path] = {}


def bundled() -> dict[str, Path]:
    """pyphen's own dictionaries by name, as they were before install() registered any."""
    import pyphen

    if not _BUNDLED:
        _BUNDLED.update(pyphen.LANGUAGES)
    return _BUNDLED


def install(hyphenation: Hyphenation) -> Dictionary:
    """Make pyphen answer WeasyPrint's look-up for the document's language with this hyphenation."""
    import pyphen

    def dictionary() -> Dictionary:
        return Dictionary(hyphenation, pyphen.Pyphen(filename=bundled()[hyphenation.patterns]).hd)

    return register_pyphen_dictionary(hyphenation.language, f"guidebuilder-hyphenation-{hyphenation.key}", dictionary)
