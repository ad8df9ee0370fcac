"""Spelling varieties: the source's spellings replaced per edition, and words of the editions checked."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from ..content.models import SpellingTable

WORD = re.compile(r"[^\W\d_]+")  # a whole word: a run of letters
# Spans never respelled: placeholders, link targets, autolinks, URLs, inline code. Each attempt stops where
# the next can start (at a brace, ']', '<'), so a long run without spaces costs linear time, not quadratic.
PROTECTED = r"\{\{[^{}\n]*\}\}|\]\([^)\]]*\)|<[^<>\s]*>|\b(?:https?://|mailto:|www\.)\S+|`[^`]*`"


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


def _inside(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    """Whether offset lies in one of the spans (sorted, not overlapping)."""
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < spans[index][1]


@dataclass(frozen=True)
class Variety:
    """A spelling table made ready to apply."""

    name: str
    table: SpellingTable

    @cached_property
    def protected(self) -> re.Pattern[str]:
        """Spans never respelled: placeholders, links, URLs, code and the table's protected names."""
        names = sorted(self.table.protect, key=len, reverse=True)
        return re.compile("|".join([PROTECTED, *(r"\b" + re.escape(n) + r"\b" for n in names)]), re.I)

    def apply(self, text: str) -> tuple[str, list[tuple[int, str, str]]]:
        """The text in this variety, and each replacement as (line in text, old, new)."""
        made: list[tuple[int, str, str]] = []
        if self.table.pairs.keys().isdisjoint(WORD.findall(text.lower())):
            return text, made
        spans = [match.span() for match in self.protected.finditer(text)]  # in order, never overlapping
        starts = [begin for begin, _ in spans]
        newlines = [match.start() for match in re.finditer("\n", text)]

        def swap(match: re.Match[str]) -> str:
            word, start = match[0], match.start()
            new = self.table.pairs.get(word.lower())
            if new is None or _inside(spans, starts, start):
                return word
            new = _keep_case(word, new)
            made.append((bisect_right(newlines, start), word, new))
            return new

        return WORD.sub(swap, text), made
