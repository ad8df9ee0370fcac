"""Spell check of every edition's resolved text with Hunspell dictionaries (through Enchant) and the word lists."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import codestamp
from ..errors import Problem
from ..project import user_cache_dir

if TYPE_CHECKING:
    from ..content.guide import Guide
    from ..editions.book import Book, TextLine

# A run of letters, digits, apostrophes and hyphens; runs with digits (40th, FB-03) are not words, and a
# hyphen at either end marks half a compound ("Schul- und Berufslaufbahn"), checked with its other half.
CHUNK = re.compile(r"[\w'’-]+")
NOT_WORD = re.compile(r"[\d_]")
POSSESSIVE = re.compile(r"['’]s$")
APOSTROPHE = re.compile(r"['’]")
# Not words: link targets, URLs, e-mail addresses, inline code, character references. Each attempt stops
# where the next can start (at ']', '<', '@'), so a long run without spaces costs linear time, not quadratic.
NOT_TEXT = re.compile(
    r"\{\w+\}|\]\([^)\]]*\)|<[^<>\s]*>|\b(?:https?://|mailto:|www\.)\S+|(?<![^\s@])[^\s@]+@[^\s@]+\.\w+|`[^`]*`|&#?\w+;"
)
DICTIONARY_DIRS = tuple(map(Path, codestamp.DICTIONARY_DIRS))
DEBIAN_PACKAGE = {"fr": "hunspell-fr", "de": "hunspell-de-de"}


@lru_cache(maxsize=8192)
def words_of(line: str) -> tuple[str, ...]:
    """The words of one line of text, leaving out what is not prose."""
    chunks = CHUNK.findall(NOT_TEXT.sub(" ", line))
    words = (c.strip("'’") for c in chunks if not NOT_WORD.search(c))
    return tuple(w for w in words if w and not w.startswith("-") and not w.endswith("-"))


def dictionary_name(guide: Guide, variety: str) -> str:
    """The Hunspell dictionary of a variety: the table's `dictionary`, else language_REGION (en-GB -> en_GB)."""
    table = guide.spellings.get(variety)
    if table is not None and table.dictionary:
        return table.dictionary
    return "_".join(variety.split("-")[:2])


class Speller:
    """One Hunspell dictionary, loaded only when a word is not in the on-disk cache of earlier verdicts."""

    def __init__(self, name: str):
        self.name = name
        self.files = [d / f"{name}{ext}" for d in DICTIONARY_DIRS for ext in (".dic", ".aff")]
        self.files = [f for f in self.files if f.is_file()]
        self.verdicts: dict[str, str | None] = {}  # word -> None when right, else a suggestion ("" for none)
        self.cache = self._cache_path()
        self._dict = None
        if self.cache is not None:
            try:
                self.verdicts = json.loads(self.cache.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.verdicts = {}
        self.known = len(self.verdicts)

    def _cache_path(self) -> Path | None:
        """A cache file named by the stamps of the dictionary files and of Enchant's user settings (a personal word
        list): a new dictionary or a word added to a personal list starts afresh."""
        if not self.files:
            return None
        stamp = "|".join([*(codestamp.stamp(f.resolve()) for f in self.files), *codestamp.enchant_settings_stamps()])
        return user_cache_dir("spelling") / f"{self.name}-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.json"

    def missing(self) -> str | None:
        """Why this dictionary cannot be used, or None."""
        try:
            import enchant
        except ImportError as exc:  # pyenchant raises ImportError when libenchant-2 is missing
            return f"spell check skipped: Enchant is not available ({exc}); needs pyenchant and Debian's libenchant-2-2"
        if not enchant.dict_exists(self.name):
            package = DEBIAN_PACKAGE.get(self.name.split("_")[0], "hunspell-" + self.name.lower().replace("_", "-"))
            return f"spell check skipped for {self.name}: no Hunspell dictionary (Debian: {package})"
        return None

    def check(self, words: Iterable[str]) -> dict[str, str | None]:
        """The verdict on each word, each distinct word looked up once."""
        for word in set(words) - self.verdicts.keys():
            self.verdicts[word] = self._verdict(word)
        return self.verdicts

    def _verdict(self, word: str) -> str | None:
        if self._dict is None:
            self._dict = _dictionary(self.name)
        if self._dict.check(word) or ("-" in word and all(self._dict.check(p) for p in word.split("-") if p)):
            return None
        suggestions = self._dict.suggest(word)
        return suggestions[0] if suggestions else ""

    def save(self) -> None:
        """Write the verdicts back when new words were checked; a read-only cache folder is no error."""
        if self.cache is None or len(self.verdicts) == self.known:
            return
        try:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.cache.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.verdicts, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            temporary.replace(self.cache)
        except OSError:
            pass


@cache
def _dictionary(name: str) -> object:
    """A Hunspell dictionary, loaded once per process and kept: loading one takes ~60 ms, and freeing it ~20 ms
    that a `check` about to exit need not spend; the preview checks again after every edit."""
    import enchant

    return enchant.Dict(name)


@lru_cache(maxsize=16)
def _allowed(words: frozenset[str]) -> frozenset[str]:
    """A word list with its lower-case forms, so 'Glynco' also allows 'GLYNCO' and 'glynco' at a line start."""
    return words | {w.lower() for w in words}


def spelling_problems(guide: Guide, books: Mapping[str, Book]) -> list[Problem]:
    """Every word of every edition that its variety's dictionary and the word list do not know."""
    spellers: dict[str, Speller] = {}
    skipped: dict[str, Problem] = {}
    found: dict[tuple[str, int, str, str], list[str]] = {}
    for book in books.values():
        variety = guide.variety(book.edition)
        name = dictionary_name(guide, variety)
        speller = spellers.get(name) or spellers.setdefault(name, Speller(name))
        allowed = _allowed(guide.words.get(book.edition.language, frozenset()))
        lines = [(line, words_of(line.text)) for line in in_own_language(book)]
        words = {w for w in {w for _, ws in lines for w in ws} if not _listed(w, allowed)}
        if words - speller.verdicts.keys():
            reason = speller.missing()
            if reason is not None:
                skipped.setdefault(reason, Problem(guide.edition_origin(book.edition.id).path, 0, "", reason))
                continue
        verdicts = speller.check(words)
        for line, line_words in lines:
            for word in dict.fromkeys(line_words):
                if word in words and verdicts[word] is not None:
                    found.setdefault(_key(line, word, verdicts[word]), []).append(variety)
    for speller in spellers.values():
        speller.save()
    return list(skipped.values()) + [_finding(key, varieties) for key, varieties in found.items()]


def in_own_language(book: Book) -> list[TextLine]:
    """The lines written in the edition's language: a unit whose translation is missing or fuzzy prints the
    source text, which `check` reports as such (once per unit), never word by word as misspelt."""
    return [line for line in book.text_lines if line.language == book.edition.language]


def _listed(word: str, allowed: frozenset[str]) -> bool:
    """In the word list, also with a possessive 's or after an elided article (l’ASFC)."""
    if word in allowed or word.lower() in allowed:
        return True
    if not APOSTROPHE.search(word):
        return False
    stem, elided = POSSESSIVE.sub("", word), APOSTROPHE.split(word, maxsplit=1)[-1]
    return any(w in allowed or w.lower() in allowed for w in (stem, elided))


def _key(line: TextLine, word: str, suggestion: str) -> tuple[str, int, str, str]:
    return line.path, line.line, word, suggestion


def _finding(key: tuple[str, int, str, str], varieties: list[str]) -> Problem:
    path, line, word, suggestion = key
    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
    return Problem(path, line, "", f"spelling ({', '.join(dict.fromkeys(varieties))}): '{word}'{hint}")
