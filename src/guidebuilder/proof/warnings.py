"""Warnings that do not stop a build unless --strict: figures older than the guide's policy, numbers without a date;
and the numbers acknowledged as coming from undated pages, which never fail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..content.guide import Guide
from ..content.models import Edition, Fact
from ..content.types import AsOf
from ..errors import Problem

DIGIT = re.compile(r"\d")
CURRENCY = (
    r"(?:[A-Z]{1,2})?[$£€¥]"  # $ £ € ¥, A$ C$ US$
    r"|\b(?:USD|EUR|GBP|AUD|CAD|NZD|CHF)\b"
    r"|\b(?:[Ee]uros?|[Dd]ollars?|[Pp]ounds?(?: sterling)?)\b"
)
AMOUNT = re.compile(r"\d(?:[\d.,]|[\s\u00a0\u202f](?=\d))*")  # 1,200 / 1.200 / 1 200 (space, no-break or narrow)
CURRENCY_FIRST = re.compile(rf"(?:{CURRENCY})\s?\d")
CURRENCY_AFTER = re.compile(rf"[\s\u00a0\u202f]?(?:{CURRENCY})")


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def holds_money(text: str) -> bool:
    """True when a text holds a money amount: a number with a currency symbol, code or name beside it. Each
    amount is found once, whole, then looked behind: a pattern trying every digit of a long number as the start
    of an amount takes quadratic time."""
    if CURRENCY_FIRST.search(text):
        return True
    return any(CURRENCY_AFTER.match(text, amount.end()) for amount in AMOUNT.finditer(text))


def _facts(guide: Guide) -> Iterator[tuple[str, Edition, tuple[str | int, ...], Fact]]:
    """Every fact that can carry a date, in every edition, with its location in the edition file."""
    for edition_id, edition in guide.editions.items():
        for loc, fact in edition.dated_facts():
            yield edition_id, edition, loc, fact


def _problem(guide: Guide, edition_id: str, where: tuple[str | int, ...], message: str) -> Problem:
    origin = guide.edition_origin(edition_id)
    return Problem(origin.path, origin.line(where), ".".join(map(str, where)), message)


def _stale(dated: AsOf, today: date, limit: int, what: str) -> str | None:
    age = _months_between(dated.earliest(), today)
    return f"warning: {what} dated {dated.iso()} is {age} months old (policy: {limit})" if age > limit else None


def stale_figures(guide: Guide, today: date) -> list[Problem]:
    """Every dated pay figure, and every dated fact whose text holds a money amount, older than stale_after_months."""
    limit = guide.meta.stale_after_months
    found = []
    for edition_id, edition in guide.editions.items():
        for index, pay in enumerate(edition.pay):
            message = _stale(pay.as_of, today, limit, "figure")
            if message:
                found.append(_problem(guide, edition_id, ("pay", index, "as_of"), message))
    for edition_id, edition, loc, fact in _facts(guide):
        dated = edition.fact_date(fact)
        message = _stale(dated, today, limit, "money figure") if dated and holds_money(fact.text) else None
        if message:
            found.append(_problem(guide, edition_id, loc + ("text",), message))
    return found


def undated_numbers(guide: Guide) -> list[Problem]:
    """Every fact whose text holds a number (a figure, an age, a duration) but that has no date, not even
    from its sources; and every money amount from pages marked undated (a figure needs a date to be current)."""
    found = []
    for edition_id, edition, loc, fact in _facts(guide):
        if not DIGIT.search(fact.text) or edition.fact_date(fact) is not None:
            continue
        if not edition.undated_sources(fact):
            message = (
                "warning: a number without a date: give the fact an as_of, or its source a published or accessed date"
            )
        elif holds_money(fact.text):
            message = "warning: a money figure from undated pages: give the fact an as_of, or remove the figure"
        else:
            continue
        found.append(_problem(guide, edition_id, loc + ("text",), message))
    return found


def acknowledged_numbers(guide: Guide) -> list[Problem]:
    """Every number (not money) that relies only on sources marked undated: listed by `check`, never an error."""
    found = []
    for edition_id, edition, loc, fact in _facts(guide):
        keys = edition.undated_sources(fact)
        if keys and DIGIT.search(fact.text) and not holds_money(fact.text):
            reasons = "; ".join(f"source {key} undated: {edition.sources[key].undated}" for key in keys)
            message = f"acknowledged: a number from undated pages ({reasons})"
            found.append(_problem(guide, edition_id, loc + ("text",), message))
    return found
