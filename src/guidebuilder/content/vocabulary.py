"""Per-edition vocabulary: the words guide/vocabulary.yaml declares, each edition's own wording of them
(`vocabulary:` in its file), and the {{ vocabulary.KEY }} placeholders that print them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from .loader import Reader
from .models import Edition, Vocabulary, VocabularyWord

FILE = "vocabulary.yaml"
PREFIX = "vocabulary."
USE = re.compile(r"\{\{\s*vocabulary\.([A-Za-z0-9_]+)\s*\}\}")


def used_keys(text: str) -> list[str]:
    """The vocabulary keys a text prints, in order of first use."""
    return list(dict.fromkeys(USE.findall(text)))


def load_vocabulary(reader: Reader) -> dict[str, VocabularyWord]:
    """The declared words (none when the guide has no vocabulary file)."""
    path = reader.root / FILE
    if not path.exists():
        return {}
    origin, model = reader.yaml_model(path, Vocabulary)
    if origin is not None:
        reader.origins["vocabulary"] = origin
    return dict(model.words) if model is not None else {}


def check_editions(reader: Reader, declared: Mapping[str, VocabularyWord], editions: Iterable[Edition]) -> None:
    """Each edition words only declared keys, and no value prints another vocabulary word."""
    if (reader.root / FILE).exists() and "vocabulary" not in reader.origins:
        return  # the declarations did not load: that problem is reported, and nothing is known to check against
    known = ", ".join(sorted(declared)) or f"none (declare words in {_shown(reader)})"
    for edition in editions:
        origin = reader.origins[f"edition:{edition.id}"]
        for key, value in edition.vocabulary.items():
            line = origin.line(("vocabulary", key))
            if key not in declared:
                reader.problem(
                    origin.path, line, f"vocabulary.{key}", f"unknown vocabulary word '{key}'; declared: {known}"
                )
            elif used_keys(value):
                reader.problem(
                    origin.path, line, f"vocabulary.{key}", "a vocabulary word cannot print another vocabulary word"
                )


def unknown_message(key: str, declared: Mapping[str, VocabularyWord]) -> str:
    """Why a text cannot print {{ vocabulary.KEY }} when guide/vocabulary.yaml does not declare KEY."""
    known = ", ".join(sorted(declared)) or "none"
    return f"unknown vocabulary word '{key}' in '{{{{ vocabulary.{key} }}}}'; guide/{FILE} declares: {known}"


def missing_message(key: str) -> str:
    """Why a text cannot print a declared word in an edition that does not give it."""
    return (
        f"'{{{{ vocabulary.{key} }}}}' has no value in this edition: add `{key}:` under `vocabulary:` in the "
        f"edition file (guide/{FILE} says what it names)"
    )


def _shown(reader: Reader) -> str:
    return reader.name(Path(reader.root) / FILE)
