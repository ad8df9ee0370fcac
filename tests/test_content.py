"""The real guide's printed content: stable URLs, French pages in the French edition, no country-bound shared text."""

from __future__ import annotations

import re
from datetime import date

import pytest

from guidebuilder.content.guide import load_guide
from guidebuilder.editions.resolve import resolve
from guidebuilder.project import Project
from guidebuilder.writers.render import booklet_html

from .conftest import REPO

PROJECT = Project.at(REPO)
GUIDE = load_guide(PROJECT.guide_dir)
EDITIONS = tuple(GUIDE.editions)
URL = re.compile(r"https?://[^\s\"'<>]+")
# Session ids, archived copies and retired domains: they die or expire after printing.
UNSTABLE = ("jsessionid", "SID=", "DTIEWeb_alt", "border.gov.au")
ENGLISH_PAGE = re.compile(r"-eng\.html|/en/|[?&]toggleLanguage=en|[?&]lang=eng")


def printed_urls(edition: str) -> set[str]:
    """Every URL in the edition's booklet HTML (link targets and printed addresses)."""
    html = booklet_html(resolve(GUIDE, edition, date(2026, 1, 1)), PROJECT.search_path)
    return {url.replace("&amp;", "&") for url in URL.findall(html)}


def test_printed_urls_are_found():
    urls = printed_urls("fr-CA")
    assert GUIDE.editions["fr-CA"].careers_url in urls
    assert len(urls) > 10


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_session_bound_archived_or_retired_urls_in_print(edition):
    bad = sorted(url for url in printed_urls(edition) if any(mark in url for mark in UNSTABLE))
    assert not bad, bad


def test_french_edition_sends_readers_to_french_pages():
    edition = GUIDE.editions["fr-CA"]
    urls = [edition.apply.url, edition.careers_url, *(link.url for link in edition.links)]
    assert not [url for url in urls if ENGLISH_PAGE.search(url)]
    cbsa = [url for url in printed_urls("fr-CA") if "cbsa-asfc.gc.ca/" in url and url.endswith(".html")]
    assert cbsa and not [url for url in cbsa if not url.endswith("-fra.html")]


def test_english_edition_cites_english_pages():
    cbsa = [url for url in printed_urls("en-CA") if "cbsa-asfc.gc.ca/" in url and url.endswith(".html")]
    assert cbsa and not [url for url in cbsa if not url.endswith("-eng.html")]


# Wording that is true of one country only, or a wrong term for the edition's country.
WRONG_FOR = {
    "en": ("high school diploma", "healthcare and retirement plans", "to hand"),
    "de": ("Strafverfolgung", "Krankenversicherung", "Überstundenvergütung", "Reisenden und Unternehmen"),
    "fr": ("commerçants", "Collège de l’ASFC", "Programme de formation initiale"),
}


# Shared wording a native reader of the edition's country found untrue or foreign there: each edition now
# says it in its own words (guide/vocabulary.yaml, `vocabulary:` in the edition file).
UNTRUE_IN = {
    "en-US": ("Compensation",),
    "en-GB": ("border crossings", "retirement benefits", "Compensation", "finished secondary school", "certification"),
    "en-AU": ("border crossings", "retirement benefits", "Compensation", "agency is Australian Border Force"),
    "en-CA": ("agency is Canada Border Services Agency", "Compensation"),
    "fr-CA": ("agents et agentes des douanes", "personnel des douanes", "postuler:"),
    "de-DE": ("Waren und Personen", "schützen die Grenze", "Grenzübergänge", "Dienstort", "deutlich erhöhen"),
}


@pytest.mark.parametrize("edition", EDITIONS)
def test_shared_text_carries_no_country_bound_or_wrong_terms(edition):
    html = booklet_html(resolve(GUIDE, edition, date(2026, 1, 1)), PROJECT.search_path)
    language = GUIDE.editions[edition].language
    found = [term for term in WRONG_FOR[language] + UNTRUE_IN.get(edition, ()) if term in html]
    assert not found, found
    assert "vocabulary." not in html


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_edition_prints_its_own_words(edition):
    html = booklet_html(resolve(GUIDE, edition, date(2026, 1, 1)), PROJECT.search_path)
    words = {key: value for key, value in GUIDE.editions[edition].vocabulary.items() if "{{" not in value}
    assert {"workplaces", "pension"} <= set(words)
    for key, value in words.items():
        assert value in html, (key, value)
