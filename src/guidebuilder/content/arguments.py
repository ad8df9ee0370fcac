"""Names given on the command line (language codes, edition tags and ids, countries, formats), checked before any
file is read or written: each becomes part of a file name, so a bad one is a usage error (exit 2), never a path.
Edition ids and countries are checked before the build's worker processes start: the content types (pydantic,
Babel) are imported only where a language or an edition tag is checked."""

from __future__ import annotations

import unicodedata

from ..errors import UsageError

SEPARATORS = ("/", "\\")


def name_problem(value: str) -> str | None:
    """Why value cannot be part of a file name (empty, a control or invisible character, a path), or None."""
    if not value:
        return "is empty"
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in value):
        return "holds a control character"
    if any(separator in value for separator in SEPARATORS) or value in (".", ".."):
        return "is a path, not a name"
    return None


def plain_name(value: str, what: str) -> str:
    """value, refused when it is empty or holds a path separator or a control character."""
    problem = name_problem(value)
    if problem:
        raise UsageError(f"{what} {value!r} {problem}")
    return value


def language_code(value: str) -> str:
    """A language code Babel knows, written as it writes it (fr, de, es): else a usage error saying what is wrong."""
    from .types import LANGUAGE, check_language

    plain_name(value, "language code")
    if LANGUAGE.fullmatch(value):
        try:
            return check_language(value)
        except ValueError:
            pass
    lower = value.lower().replace("_", "-")
    if lower != value and LANGUAGE.fullmatch(lower) and _known(lower):
        raise UsageError(f"language codes are written in lower case: '{lower}', not {value!r}")
    if "-" in lower and _known(lower.split("-")[0]):
        raise UsageError(f"{value!r} names a language and a region; give the language alone: '{lower.split('-')[0]}'")
    raise UsageError(f"{value!r} is not a language code Babel knows (ISO 639, the shortest: fr, de, es)")


def _known(language: str) -> bool:
    from .types import check_language

    try:
        check_language(language)
    except ValueError:
        return False
    return True


def edition_tag(tag: str) -> tuple[str, str]:
    """The language and region of a new edition's tag, language-REGION (e.g. en-NZ): else a usage error."""
    from .types import BCP47, check_country, check_language

    problem = name_problem(tag)
    match = BCP47.fullmatch(tag)
    if problem or not match or match["script"]:
        why = f": it {problem}" if problem else ""
        raise UsageError(f"{tag!r} is not a BCP 47 tag of the form language-REGION, e.g. en-NZ or de-AT{why}")
    try:
        check_language(match["lang"])
        check_country(match["region"])
    except ValueError as exc:
        raise UsageError(f"{tag!r}: {exc}") from None
    return match["lang"], match["region"]


def edition_id(value: str) -> str:
    """An edition id as named on the command line: a plain name (whether the guide has it is checked later)."""
    problem = name_problem(value)
    if problem:
        raise UsageError(f"unknown edition {value!r}: it {problem}")
    return value


def country_code(value: str) -> str:
    """A country as named on the command line (--country gb): a plain name (the guide says which it has)."""
    problem = name_problem(value)
    if problem:
        raise UsageError(f"no edition for country {value!r}: it {problem}")
    return value
