"""Validated scalar types shared by the content models."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    model_validator,
)
from pydantic_core import PydanticCustomError

EDITION_PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}")  # {{ agency.name }}: filled from the edition before layout

# \Z, not $: '$' also matches before a final newline, so 'en-NZ\n' would pass.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
BCP47 = re.compile(r"^(?P<lang>[a-z]{2,3})(?:-(?P<script>[A-Z][a-z]{3}))?-(?P<region>[A-Z]{2})\Z")
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}\Z")
LANGUAGE = re.compile(r"[a-z]{2,3}")


class Model(BaseModel):
    """Base of every content model: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    from babel import Locale

    return frozenset(code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code))


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    from babel import Locale

    return frozenset(Locale("en").languages)


def located(message: str, *at: str | int) -> PydanticCustomError:
    """An error a model validator raises about one of its fields or items, so the loader can show its line."""
    return PydanticCustomError("value_error", message, {"at": at})


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is not a valid id (lower-case letters, digits and hyphens)")
    return value


def _country(value: str) -> str:
    if value not in _territories():
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return value


def _currency(value: str) -> str:
    if value not in _currencies():
        raise ValueError(f"'{value}' is not an ISO 4217 currency code")
    return value


def _language(value: str) -> str:
    if not LANGUAGE.fullmatch(value) or value not in _languages():  # Babel also lists en_GB, zh_Hans...
        raise ValueError(f"'{value}' is not an ISO 639 language code")
    return value


check_language = _language
check_country = _country


def _edition_tag(value: str) -> str:
    match = BCP47.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a BCP 47 tag of the form language-REGION (e.g. en-GB)")
    _language(match["lang"])
    _country(match["region"])
    return value


def check_template(text: str, names: Iterable[str]) -> None:
    """A string the layouts fill with str.format (names given) or print as written (no names): each placeholder
    one of the names, bare ({date}: no attribute, index, conversion or format spec), each name used."""
    names = sorted(names)
    if not names:
        if "{" in EDITION_PLACEHOLDER.sub("", text) or "}" in EDITION_PLACEHOLDER.sub("", text):
            raise ValueError("this string takes no {placeholder}: its braces would print as written")
        return
    from string import Formatter

    wanted = ", ".join(f"{{{name}}}" for name in names)
    try:
        fields = [(name, conversion, spec) for _, name, spec, conversion in Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise ValueError(f"not a valid template ({exc}); placeholders are written {wanted}") from None
    for name, conversion, spec in fields:
        shown = f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
        base = re.match(r"\w*", name)[0]
        if base not in names:
            raise ValueError(f"unknown placeholder {shown}; this string takes {wanted}")
        if shown != f"{{{base}}}":
            raise ValueError(f"write {{{base}}}, not {shown}: no attribute, index, conversion or format spec")
    if "{{" in text or "}}" in text:
        raise ValueError(f"a string filled with {wanted} takes no doubled brace and no {{{{ }}}} placeholder")
    missing = [name for name in names if name not in {field for field, _, _ in fields}]
    if missing:
        raise ValueError(f"the placeholder {{{missing[0]}}} is missing; this string takes {wanted}")


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or " " in value:
        raise ValueError(f"'{value}' is not an absolute http(s) URL")
    if "." not in parts.hostname:
        raise ValueError(f"'{value}' has no valid host name")
    return value


def _site_url(value: str) -> str:
    _url(value)
    parts = urlsplit(value)
    if parts.scheme != "https":
        raise ValueError(f"'{value}' must be an https URL")
    if parts.query or parts.fragment:
        raise ValueError(f"'{value}' must not have a query or fragment")
    return value.rstrip("/")


def _color(value: str) -> str:
    if not HEX_COLOR.match(value):
        raise ValueError(f"'{value}' is not a colour of the form #rrggbb")
    return value.lower()


def _text(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("must not be empty")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
CountryCode = Annotated[str, AfterValidator(_country)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
LanguageCode = Annotated[str, AfterValidator(_language)]
EditionTag = Annotated[str, AfterValidator(_edition_tag)]
Url = Annotated[str, AfterValidator(_url)]
SiteUrl = Annotated[str, AfterValidator(_site_url)]
Color = Annotated[str, AfterValidator(_color)]
Text = Annotated[str, BeforeValidator(_text)]


def _to_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a date of the form YYYY-MM-DD") from None
    return value


def _not_future(value: date) -> date:
    if value > date.today():
        raise ValueError(f"{value.isoformat()} lies in the future")
    return value


PastDate = Annotated[date, BeforeValidator(_to_date), AfterValidator(_not_future)]


class AsOf(Model):
    """A date a figure applies to, as precise as the source gives it."""

    year: int
    month: int | None = None
    day: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError("must be a date: YYYY, YYYY-MM or YYYY-MM-DD")
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
        if not match:
            raise ValueError(f"'{value}' is not a date: YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            date(year, month or 1, day or 1)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a valid date: {exc}") from None
        return {"year": year, "month": month, "day": day}

    @model_validator(mode="after")
    def _not_future(self) -> AsOf:
        if self.earliest() > date.today():
            raise ValueError(f"{self.iso()} lies in the future")
        return self

    def earliest(self) -> date:
        """The first day the date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    def iso(self) -> str:
        """The date as written: YYYY, YYYY-MM or YYYY-MM-DD."""
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)
