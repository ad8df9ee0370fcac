"""Warnings that do not stop a build unless --strict: figures older than the guide's policy, numbers without a date."""

from __future__ import annotations

import re
from datetime import date

from ..content.guide import Guide
from ..errors import Problem


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


DIGIT = re.compile(r"\d")


def undated_numbers(guide: Guide) -> list[Problem]:
    """Every fact whose text holds a number (a figure, an age, a duration) but that has no date, not even
    from its sources."""
    found = []
    for edition_id, edition in guide.editions.items():
        origin = guide.edition_origin(edition_id)
        for loc, fact in edition.dated_facts():
            if DIGIT.search(fact.text) and edition.fact_date(fact) is None:
                where = loc + ("text",)
                found.append(
                    Problem(
                        origin.path,
                        origin.line(where),
                        ".".join(map(str, where)),
                        "warning: a number without a date: give the fact an as_of, "
                        "or its source a published or accessed date",
                    )
                )
    return found
