"""Which editions a command works on: named ones, a country's, all, or the guide's default."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..content import arguments
from ..content.guide import Guide
from ..errors import UsageError


def check_names(editions: Iterable[str], country: str | None = None) -> None:
    """Edition ids and a country as named: plain names, before any file is read (whether they exist comes later)."""
    for name in editions:
        arguments.edition_id(name)
    if country is not None:
        arguments.country_code(country)


def select_editions(
    guide: Guide, wanted: Sequence[str], everything: bool = False, country: str | None = None
) -> list[str]:
    """Edition ids to build: named ones, a country's, all, or the default."""
    known = list(guide.editions)
    if everything:
        return known
    if country:
        chosen = [e for e, ed in guide.editions.items() if ed.country == country.upper()]
        if not chosen:
            countries = sorted({ed.country for ed in guide.editions.values()})
            raise UsageError(f"no edition for country '{country}'; known countries: {', '.join(countries)}")
        return chosen
    for edition_id in wanted:
        if edition_id not in guide.editions:
            raise UsageError(f"unknown edition {edition_id!r}; known editions: {', '.join(known)}")
    return list(dict.fromkeys(wanted)) or [guide.meta.default_edition]
