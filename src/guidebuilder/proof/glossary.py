"""Terminology: terms each language's glossary says to avoid, found in the editions' resolved text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from ..content.guide import Guide
from ..content.models import Glossary
from ..editions.book import Book
from ..errors import Problem
from .spellcheck import in_own_language


@lru_cache(maxsize=8)
def _patterns(glossary: Glossary) -> tuple[tuple[re.Pattern[str], str], ...]:
    """One case-insensitive whole-word pattern per avoided term; 'Term*' also matches longer words."""
    patterns = []
    for term in glossary.terms:
        for avoided in term.avoid:
            body = re.escape(avoided.rstrip("*")) + (r"\w*" if avoided.endswith("*") else "")
            patterns.append((re.compile(rf"(?<!\w){body}(?!\w)", re.I), term.use))
    return tuple(patterns)


def glossary_problems(guide: Guide, books: Mapping[str, Book]) -> list[Problem]:
    """Each use of an avoided term, once per place even when several editions print it."""
    found: dict[Problem, None] = {}
    for book in books.values():
        language = book.edition.language
        glossary = guide.glossaries.get(language)
        if glossary is None:
            continue
        for line in in_own_language(book):
            for pattern, use in _patterns(glossary):
                for match in pattern.finditer(line.text):
                    message = f"glossary ({language}): '{match[0]}'; use '{use}'"
                    found[Problem(line.path, line.line, "", message)] = None
    return list(found)
