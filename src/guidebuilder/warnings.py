"""Warnings that do not stop a build unless --strict: figures older than the guide's policy."""

from __future__ import annotations

from datetime import date

from .errors import Problem
from .guide import Guide


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def stale_figures(guide: Guide, today: date) -> list[Problem]:
    """Every dated pay figure older than stale_after_months."""
    limit = guide.meta.stale_after_months
    found = []
    for edition_id, edition in guide.editions.items():
        origin = guide.edition_origin(edition_id)
        for index, pay in enumerate(edition.pay):
            age = _months_between(pay.as_of.earliest(), today)
            if age > limit:
                found.append(
                    Problem(
                        origin.path,
                        origin.line(("pay", index, "as_of")),
                        f"pay.{index}.as_of",
                        f"warning: figure dated {pay.as_of.iso()} is {age} months old (policy: {limit})",
                    )
                )
    return found
