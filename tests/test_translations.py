"""Language editions: translations used, complete, traceable to their source; locale formatting."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from guidebuilder.content.guide import load_guide
from guidebuilder.content.po import Entry, write_po
from guidebuilder.content.translations import source_units
from guidebuilder.content.types import AsOf
from guidebuilder.editions import locale as fmt

from .conftest import run_cli


def add_french(project: Path) -> Path:
    """Turn the fixture into a bilingual guide: fr strings, a fr.po with every unit translated, an fr-CA edition."""
    guide = project / "guide"
    shutil.copy(guide / "strings" / "en.yaml", guide / "strings" / "fr.yaml")
    loaded = load_guide(guide)
    units = source_units(loaded.sections, loaded.meta, loaded.origins)
    french = {"guide.yaml/title": "Guide de test", "guide.yaml/subtitle": "Un petit guide"}
    texts = [french.get(u.context, f"FR {u.text}" if u.context.endswith("/title") else u.text) for u in units]
    path = guide / "translations" / "fr.po"
    path.parent.mkdir(exist_ok=True)
    write_po(path, "fr", units, [Entry(u.context, u.text, text) for u, text in zip(units, texts, strict=True)])
    edition = (guide / "editions" / "en-US.yaml").read_text(encoding="utf-8")
    edition = edition.replace("id: en-US", "id: fr-CA").replace("country: US", "country: CA")
    edition = edition.replace("language: en", "language: fr").replace("currency: USD", "currency: CAD")
    (guide / "editions" / "fr-CA.yaml").write_text(edition, encoding="utf-8")
    return path


def test_language_edition_uses_translations(runner, project: Path):
    add_french(project)
    result = run_cli(runner, "build", "fr-CA", "-f", "html", "-C", str(project))
    assert result.exit_code == 0, result.output
    html = (project / "dist" / "fr-CA" / "fixture-guide-fr-CA.html").read_text(encoding="utf-8")
    assert '<html lang="fr-CA">' in html
    assert "FR Introduction" in html
    assert "Guide de test" in html
    assert "50\u00a0000\u00a0$–60\u00a0000\u00a0$" in html


def test_missing_translation_fails_check(runner, project: Path):
    add_french(project).unlink()
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert "guide/translations/fr.po: missing translation (needed by fr-CA); write it with" in result.stderr


def test_missing_interface_string_fails_check(runner, project: Path):
    add_french(project)
    strings = project / "guide" / "strings" / "fr.yaml"
    strings.write_text(re.sub(r"^notes: .*\n", "", strings.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert re.search(r"^guide/strings/fr\.yaml:\d+: notes: field required$", result.stderr, re.M)


def test_explain_reads_the_translation(runner, project: Path):
    add_french(project)
    result = run_cli(runner, "explain", "fr-CA", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "out local: only_in GB" in result.stdout
    assert '"name": "Canada"' in result.stdout


@pytest.mark.parametrize(
    "tag, currency, expected",
    [
        ("en-US", "USD", "$59,966–$122,955"),
        ("en-GB", "GBP", "£28,000–£29,400"),
        ("fr-CA", "CAD", "59\u00a0966\u00a0$–122\u00a0955\u00a0$"),
        ("de-DE", "EUR", "59.966\u00a0€–122.955\u00a0€"),
    ],
)
def test_money_follows_the_locale(tag, currency, expected):
    low, high = (Decimal(28000), Decimal(29400)) if currency == "GBP" else (Decimal(59966), Decimal(122955))
    assert fmt.money_range(low, high, currency, tag).replace("\u202f", "\u00a0") == expected


@pytest.mark.parametrize(
    "tag, value, expected",
    [
        ("en-US", "2024-11", "November\u00a02024"),
        ("fr-CA", "2024-11", "novembre\u00a02024"),
        ("de-DE", "2024-11-01", "1.\u00a0November\u00a02024"),
        ("en-GB", "2022", "2022"),
    ],
)
def test_dates_follow_the_locale(tag, value, expected):
    assert fmt.as_of(AsOf.model_validate(value), tag) == expected


def test_names_in_the_edition_language():
    assert fmt.country_name("DE", "de-DE") == "Deutschland"
    assert fmt.language_name("fr", "fr-CA") == "Français"


def test_a_lower_case_job_title_starts_with_a_capital_only_where_it_stands_alone(project: Path):
    from datetime import date

    from guidebuilder.editions.resolve import capitalised, resolve

    assert capitalised("agent(e) des services frontaliers") == "Agent(e) des services frontaliers"
    add_french(project)
    edition = project / "guide" / "editions" / "fr-CA.yaml"
    text = edition.read_text(encoding="utf-8")
    title = re.search(r"^  title: (.*)$", text[text.index("officer:") :], re.M)[1]
    edition.write_text(text.replace(f"  title: {title}", "  title: agent(e) des services frontaliers", 1))
    book = resolve(load_guide(project / "guide"), "fr-CA", date(2026, 1, 1))
    assert book.officer_title == "Agent(e) des services frontaliers"  # cover, masthead, poster
    assert str(book.facts.officer.text).startswith("Agent(e) des services frontaliers")  # the fact card's value
    assert book.edition.officer.title == "agent(e) des services frontaliers"  # running text keeps it as written
