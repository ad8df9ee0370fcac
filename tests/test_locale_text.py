"""Locale-true text: spelling varieties, spell check, typography and terminology, on fixtures and the real guide."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from guidebuilder.content.guide import load_guide
from guidebuilder.content.models import SpellingTable
from guidebuilder.editions.resolve import resolve
from guidebuilder.editions.spelling import Variety
from guidebuilder.editions.typography import typeset_html
from guidebuilder.project import Project
from guidebuilder.writers.render import booklet_html

from .conftest import REPO, run_cli

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with an empty spelling cache of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def enchant_dictionary(name: str) -> bool:
    try:
        import enchant
    except ImportError:
        return False
    return enchant.dict_exists(name)


needs_hunspell = pytest.mark.skipif(
    not all(enchant_dictionary(n) for n in ("en_US", "en_GB", "en_CA", "en_AU", "fr_CA", "de_DE")),
    reason="Hunspell dictionaries (make install) or pyenchant missing",
)


def text_of(html: str) -> str:
    """The text of an HTML page: no tags, character references decoded."""
    import html as html_lib

    body = html.split("<body", 1)[1].split(">", 1)[1]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


# Spelling varieties


GB = Variety(
    "en-GB",
    SpellingTable(
        pairs={"organization": "organisation", "specialized": "specialised", "travelers": "travellers"},
        protect=("World Customs Organization",),
    ),
)


def test_variety_keeps_case_and_protected_names():
    text = "Specialized ORGANIZATION work: travelers meet the World Customs Organization."
    respelled, made = GB.apply(text)
    assert respelled == "Specialised ORGANISATION work: travellers meet the World Customs Organization."
    assert [(old, new) for _, old, new in made] == [
        ("Specialized", "Specialised"),
        ("ORGANIZATION", "ORGANISATION"),
        ("travelers", "travellers"),
    ]


def test_variety_leaves_links_placeholders_urls_and_parts_of_words_alone():
    text = (
        "See [the organization](https://example.org/organization) or https://x.org/travelers,\n"
        "{{ agency.name }}, `organization`, reorganization and organizational."
    )
    respelled, made = GB.apply(text)
    assert respelled == text.replace("[the organization]", "[the organisation]")
    assert made == [(0, "organization", "organisation")]


def test_fixture_editions_print_their_variety(project: Path, runner):
    guide = load_guide(project / "guide")
    gb = booklet_html(resolve(guide, "en-GB", date(2026, 1, 1)), Project.at(project).search_path)
    us = booklet_html(resolve(guide, "en-US", date(2026, 1, 1)), Project.at(project).search_path)
    assert "specialised teams of the World Customs Organization" in gb and "travellers" in gb
    assert "specialized teams of the World Customs Organization" in us and "travelers" in us
    result = run_cli(runner, "explain", "en-GB", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "spelling: en-GB, from guide/spelling/en-GB.yaml (the source is written in en-US)" in result.stdout
    assert "  travelers -> travellers (1): guide/sections/01-intro.md:23" in result.stdout
    assert "  specialized -> specialised (1): guide/sections/01-intro.md:23" in result.stdout


def test_edition_without_its_spelling_table_is_an_error(project: Path, runner):
    (project / "guide" / "spelling" / "en-GB.yaml").unlink()
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert (
        "guide/editions/en-GB.yaml:1: id: no spelling table guide/spelling/en-GB.yaml: the source is written in en-US"
        in result.stderr
    )


def test_spelling_table_is_validated_with_lines(project: Path, runner):
    (project / "guide" / "spelling" / "en-GB.yaml").write_text("pairs:\n  Traveler: traveller\nprotect: []\nfoo: 1\n")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert "guide/spelling/en-GB.yaml:2: pairs.Traveler: 'Traveler' must be written in lower case" in result.stderr
    assert "guide/spelling/en-GB.yaml:4: foo: unknown field" in result.stderr


# Spell check


@needs_hunspell
def test_unknown_word_is_reported_with_file_line_and_suggestion(project: Path, runner):
    pay = project / "guide" / "sections" / "02-pay.md"
    pay.write_text(pay.read_text().replace("Pay differs by country.", "Pay differs by goverment."))
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert (
        "guide/sections/02-pay.md:24: spelling (en-GB, en-US): 'goverment'; did you mean 'government'?" in result.stderr
    )
    assert "1 warnings" in result.stdout
    strict = run_cli(runner, "check", "--strict", "-C", str(project))
    assert strict.exit_code == 1
    assert "guide/sections/02-pay.md:24: spelling (en-GB, en-US): 'goverment'" in strict.stderr


@needs_hunspell
def test_word_in_the_wrong_variety_is_reported(project: Path, runner):
    pay = project / "guide" / "sections" / "02-pay.md"
    pay.write_text(pay.read_text().replace("Pay differs by country.", "Pay needs good judgement."))
    result = run_cli(runner, "check", "-C", str(project))
    assert "guide/sections/02-pay.md:24: spelling (en-US): 'judgement'; did you mean 'judgment'?" in result.stderr


@needs_hunspell
def test_word_list_allows_names(project: Path, runner):
    pay = project / "guide" / "sections" / "02-pay.md"
    pay.write_text(pay.read_text().replace("Pay differs by country.", "Pay differs at Glynco and FLETC's sites."))
    assert "'Glynco'" in run_cli(runner, "check", "-C", str(project)).stderr
    words = project / "guide" / "words" / "en.txt"
    words.write_text(words.read_text() + "# names\nGlynco\nFLETC  # the training centre\n")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0 and "0 warnings" in result.stdout, result.output


def test_missing_dictionary_is_one_clear_warning(project: Path, runner):
    table = project / "guide" / "spelling" / "en-GB.yaml"
    table.write_text("dictionary: en_ZZ\n" + table.read_text())
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if "en_ZZ" in line]
    assert lines == [
        "guide/editions/en-GB.yaml: spell check skipped for en_ZZ: no Hunspell dictionary (Debian: hunspell-en-zz)"
    ]


@needs_hunspell
def test_spelling_cache_gives_the_same_findings(project: Path, runner, tmp_path: Path):
    pay = project / "guide" / "sections" / "02-pay.md"
    pay.write_text(pay.read_text().replace("Pay differs by country.", "Pay differs by goverment."))
    first = run_cli(runner, "check", "-C", str(project)).stderr
    assert list((tmp_path / "cache" / "guidebuilder" / "spelling").glob("en_GB-*.json"))
    assert run_cli(runner, "check", "-C", str(project)).stderr == first


# Glossary


def test_glossary_violation_is_reported_with_file_and_line(project: Path, runner):
    (project / "guide" / "glossary").mkdir()
    (project / "guide" / "glossary" / "en.yaml").write_text(
        "terms:\n  - use: freight\n    avoid: [cargo]\n  - use: officer\n    avoid: ['inspect*']\n"
    )
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "guide/sections/01-intro.md:22: glossary (en): 'cargo'; use 'freight'" in result.stderr
    assert "guide/sections/01-intro.md:22: glossary (en): 'Inspect'; use 'officer'" in result.stderr
    assert run_cli(runner, "check", "--strict", "-C", str(project)).exit_code == 1


def test_glossary_file_is_validated_with_lines(project: Path, runner):
    (project / "guide" / "glossary").mkdir()
    (project / "guide" / "glossary" / "de.yaml").write_text("terms:\n  - use: Vollzug\n    avod: [Strafverfolgung]\n")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert "guide/glossary/de.yaml:3: terms.0.avod: unknown field" in result.stderr
    assert "guide/glossary/de.yaml:2: terms.0.avoid: field required" in result.stderr


# Typography


@pytest.mark.parametrize(
    ("tag", "html", "expected"),
    [
        ("fr-CA", "<p>Note : ça va ? Oui !</p>", f"<p>Note{NBSP}: ça va? Oui!</p>"),
        ("fr-FR", "<p>Note: ça va ? Oui!</p>", f"<p>Note{NBSP}: ça va{NNBSP}? Oui{NNBSP}!</p>"),
        ("fr-CA", "<p>« mot » et 1 200 $, 15 %</p>", f"<p>«{NBSP}mot{NBSP}» et 1{NBSP}200{NBSP}$, 15{NBSP}%</p>"),
        ("fr-FR", "<p>12 500 postes</p>", f"<p>12{NNBSP}500 postes</p>"),
        ("fr-CA", "{label} : {text}", f"{{label}}{NBSP}: {{text}}"),  # an interface string with fields
        ("fr-FR", "{label}: {text}", f"{{label}}{NBSP}: {{text}}"),
        ("en-GB", "{label}: {text}", "{label}: {text}"),
        ("de-DE", "<p>10 % mehr, Seiten 10-12</p>", f"<p>10{NBSP}% mehr, Seiten 10\u201312</p>"),
        (
            "en-GB",
            "<p>aged 18 - 57, in 2023-24; call 1-800-555-0100</p>",
            "<p>aged 18\u201357, in 2023\u201324; call 1-800-555-0100</p>",
        ),
        (
            "fr-CA",
            '<a href="https://x.ca/a?b=1&amp;c=2 :">Voir : https://x.ca/p-1-2?a=b</a>',
            f'<a href="https://x.ca/a?b=1&amp;c=2 :">Voir{NBSP}: https://x.ca/p-1-2?a=b</a>',
        ),
        (  # a line may break after a slash between words, never in a URL, a link target or a date
            "de-DE",
            '<p>Zollbeamtin/Zollbeamter, <a href="https://zoll.de/a/b">zoll.de</a> https://zoll.de/x 4/C</p>',
            '<p>Zollbeamtin/<wbr/>Zollbeamter, <a href="https://zoll.de/a/b">zoll.de</a> https://zoll.de/x 4/C</p>',
        ),
    ],
)
def test_typography_per_locale(tag, html, expected):
    assert typeset_html(html, tag) == expected


@pytest.fixture(scope="module")
def real_guide_html() -> dict[str, str]:
    """The booklet HTML of the real guide's French, German and British editions."""
    project = Project.at(REPO)
    guide = load_guide(project.guide_dir)
    return {
        e: booklet_html(resolve(guide, e, date(2026, 1, 1)), project.search_path) for e in ("fr-CA", "de-DE", "en-GB")
    }


def test_french_edition_has_quebec_spacing(real_guide_html):
    text = text_of(real_guide_html["fr-CA"])
    assert f"1{NBSP}200 points de service" in text
    assert re.search(r"\w :", text) is None, "a colon after an ordinary space"
    assert re.search(r"\w[ \u00a0\u202f][;!?]", text) is None, "a space before ; ! ? (Quebec sets none)"
    assert re.search(f"«[^{NBSP}]|[^{NBSP}]»", text) is None, "guillemets without no-break spaces"
    assert text.count(f"{NBSP}:") > 5
    assert 'href="https://www.cbsa-asfc.gc.ca/' in real_guide_html["fr-CA"]


def test_german_and_english_editions_have_their_quotes_and_dashes(real_guide_html):
    german, english = text_of(real_guide_html["de-DE"]), text_of(real_guide_html["en-GB"])
    assert '"' not in german and '"' not in english
    assert "'" not in english, "straight apostrophes left"
    assert "“page undated” means that a source page doesn’t show" in english, "interface strings get curly quotes"
    months = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    assert re.search(rf"Stand: ({months})\s20\d\d", german)
    assert "Seite ohne Datum" in german  # a fact from an undated official page says so, in German


# The real guide


@needs_hunspell
def test_real_english_source_has_no_spelling_findings(runner):
    result = run_cli(runner, "check", "-C", str(REPO))
    english = [
        line
        for line in result.stderr.splitlines()
        if "spelling (en" in line and line.startswith(("guide/sections/", "guide/strings/en", "guide/guide.yaml"))
    ]
    assert english == []
    assert "spell check skipped" not in result.stderr


@needs_hunspell
@pytest.mark.parametrize("variety", ["en-GB", "en-GB-oxendict", "en-CA", "en-AU"])
def test_spelling_tables_are_accepted_by_the_dictionaries(variety):
    import enchant

    guide = load_guide(REPO / "guide")
    table = guide.spellings[variety]
    source, target = enchant.Dict("en_US"), enchant.Dict(table.dictionary or variety.replace("-", "_"))
    assert [old for old in table.pairs if not source.check(old)] == []
    assert [new for new in table.pairs.values() if not target.check(new)] == []


def test_edition_spelling_field_chooses_oxford_spelling(project: Path, runner):
    edition = project / "guide" / "editions" / "en-GB.yaml"
    edition.write_text(edition.read_text() + "spelling: en-GB-oxendict\n")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    line = edition.read_text().splitlines().index("spelling: en-GB-oxendict") + 1
    expected = f"guide/editions/en-GB.yaml:{line}: spelling: no spelling table guide/spelling/en-GB-oxendict.yaml"
    assert expected in result.stderr
    oxford = "dictionary: en_GB\npairs:\n  travelers: travellers\nprotect: []\n"
    (project / "guide" / "spelling" / "en-GB-oxendict.yaml").write_text(oxford)
    guide = load_guide(project / "guide")
    html = booklet_html(resolve(guide, "en-GB", date(2026, 1, 1)), Project.at(project).search_path)
    assert "travellers" in html and "specialized teams" in html


def test_data_file_names_are_checked(project: Path, runner):
    (project / "guide" / "spelling" / "British.yaml").write_text("pairs: {}\n")
    (project / "guide" / "glossary").mkdir()
    (project / "guide" / "glossary" / "german.yaml").write_text("terms: []\n")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert (
        "guide/spelling/British.yaml: file name must be a spelling variety such as en-GB, then .yaml" in result.stderr
    )
    assert "guide/glossary/german.yaml: file name must be a language code such as de, then .yaml" in result.stderr


@needs_hunspell
def test_the_real_guide_has_no_spelling_or_glossary_finding(runner):
    """Every edition of the shipped guide reads in its variety and terms (the other warnings are dated facts)."""
    result = run_cli(runner, "check", "-C", str(REPO))
    assert result.exit_code == 0, result.output
    found = [line for line in result.stderr.splitlines() if ": spelling (" in line or ": glossary (" in line]
    assert found == []
