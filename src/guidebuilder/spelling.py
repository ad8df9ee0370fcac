"""Spelling varieties: the source's spellings replaced per edition, and words of the editions checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .models import SpellingTable

# Spans never respelled: placeholders, link targets, autolinks, URLs, inline code.
PROTECTED = r"\{\{.*?\}\}|\]\([^)]*\)|<[^>\s]*>|\b(?:https?://|mailto:|www\.)\S+|`[^`]*`"


@dataclass(frozen=True)
class Respelling:
    """One word the variety replaced, and where."""

    old: str
    new: str
    path: str
    line: int


def _keep_case(model: str, word: str) -> str:
    """word written in the case of model (lower, Capitalised or UPPER)."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass(frozen=True)
class Variety:
    """A spelling table made ready to apply."""

    name: str
    table: SpellingTable

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Protected spans first, then the table's words, longest first, as whole words."""
        names = sorted(self.table.protect, key=len, reverse=True)
        words = sorted(self.table.pairs, key=len, reverse=True)
        protect = "|".join([PROTECTED, *(r"\b" + re.escape(n) + r"\b" for n in names)])
        return re.compile(rf"(?P<keep>{protect})|\b(?P<word>{'|'.join(map(re.escape, words)) or '(?!)'})\b", re.I)

    def apply(self, text: str) -> tuple[str, list[tuple[int, str, str]]]:
        """The text in this variety, and each replacement as (line in text, old, new)."""
        made: list[tuple[int, str, str]] = []

        def swap(match: re.Match[str]) -> str:
            word = match["word"]
            if word is None:
                return match[0]
            new = _keep_case(word, self.table.pairs[word.lower()])
            made.append((text.count("\n", 0, match.start()), word, new))
            return new

        return self.pattern.sub(swap, text), made
