"""Locale formatting through Babel (CLDR): money, dates, names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency

from ..content.types import AsOf


@lru_cache(maxsize=32)
def babel_locale(tag: str) -> Locale:
    """The Babel locale of a BCP 47 tag such as en-GB."""
    return Locale.parse(tag, sep="-")


def money(amount: Decimal, currency: str, tag: str) -> str:
    """An amount in the locale's currency format, without decimals when whole."""
    locale = babel_locale(tag)
    pattern = locale.currency_formats["standard"].pattern
    if amount == amount.to_integral_value():
        pattern = pattern.replace(".00", "")
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)


def money_range(low: Decimal, high: Decimal | None, currency: str, tag: str) -> str:
    """An amount or a range of amounts."""
    if high is None or high == low:
        return money(low, currency, tag)
    return f"{money(low, currency, tag)}\u2013{money(high, currency, tag)}"


def as_of(value: AsOf, tag: str) -> str:
    """A partial date as precise as it is known: 2024, November 2024, 1 November 2024 (never broken over lines)."""
    locale = babel_locale(tag)
    if value.day:
        return _unbroken(format_date(value.earliest(), "long", locale=locale))
    if value.month:
        return _unbroken(format_skeleton("yMMMM", value.earliest(), locale=locale))
    return str(value.year)


def long_date(value: date, tag: str) -> str:
    """A full date in the locale's long format, never broken over lines."""
    return _unbroken(format_date(value, "long", locale=babel_locale(tag)))


def _unbroken(date_text: str) -> str:
    """A date with no-break spaces: "19. / Oktober 2023" split over two lines reads as two things."""
    return date_text.replace(" ", "\u00a0")


def country_name(country: str, tag: str) -> str:
    """The country's name in the edition's language."""
    return babel_locale(tag).territories.get(country, country)


def language_name(language: str, tag: str) -> str:
    """The language's name in itself, capitalised as a label."""
    name = babel_locale(tag).languages.get(language, language)
    return name[:1].upper() + name[1:]


def file_size(size: int, tag: str) -> str:
    """A file size for people in the locale's words: 118 kB, 1,2 Mo."""
    from babel.units import format_unit

    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=babel_locale(tag))
    value = Decimal(size / 1_000_000).quantize(Decimal("0.1"))
    return format_unit(value, "digital-megabyte", length="short", locale=babel_locale(tag))


def number(value: Decimal | int, tag: str) -> str:
    """A number in the locale's digits and grouping: 10,000, 10 000, 10.000."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(tag))


def span(low: Decimal | None, high: Decimal | None, unit: str, tag: str, joined: str = "{low}\u2013{high}") -> str:
    """An amount of a unit (`duration-month`), or a range of them joined as the language writes it: 89 days,
    12–18 months, 12–18 Monate, de 12 à 18 mois."""
    from babel.units import format_unit

    top = high if high is not None else low
    text = format_unit(top, unit, length="long", locale=babel_locale(tag))
    if low is None or high is None:
        return text
    shown = number(top, tag)
    return text.replace(shown, joined.format(low=number(low, tag), high=shown), 1)
