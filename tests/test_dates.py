"""Every printed number carries a date: its own as_of or its source's; `check` warns about numbers
without one and about stale money figures (pay, and money in any fact), and `--strict` fails on both. A number
from pages marked undated (with the reason) is listed as acknowledged, prints "page undated", and never fails."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml

from guidebuilder.proof.warnings import holds_money

from .conftest import REPO, run_cli

EDITION = "guide/editions/en-US.yaml"


def with_requirements(project: Path, facts: str, sources: str = "") -> None:
    """Give the fixture's en-US edition these requirement facts, printed in the intro section."""
    edition = project / EDITION
    text = edition.read_text(encoding="utf-8")
    text = text.replace("requirements:\n  - text: Be a citizen.\n    source: [s1]\n", f"requirements:\n{facts}")
    edition.write_text(text.replace("sources:\n", f"sources:\n{sources}"), encoding="utf-8")
    intro = project / "guide" / "sections" / "01-intro.md"
    text = intro.read_text(encoding="utf-8")
    intro.write_text(
        text.replace("    topic: agency\n", "    topic: agency\n  - type: facts\n    topic: requirements\n")
    )


def line_of(project: Path, needle: str) -> int:
    """The 1-based line of the first line of the edition file that contains needle."""
    lines = (project / EDITION).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def built_html(runner, project: Path) -> str:
    result = run_cli(runner, "build", "en-US", "-f", "html", "-C", str(project))
    assert result.exit_code == 0, result.output
    return (project / "dist" / "en-US" / "fixture-guide-en-US.html").read_text(encoding="utf-8")


def test_a_fact_without_as_of_shows_its_sources_date(runner, project: Path):
    with_requirements(
        project,
        "  - text: Be at least 21 years old.\n    source: [s1, s2]\n"
        "  - text: Pass a test within 5 days.\n    source: [s3]\n"
        "  - text: Hold 2 references.\n    source: [s1]\n    as_of: 2019\n",
        "  s3:\n    url: https://www.example.gov/test\n    title: Test page\n    accessed: 2025-03-04\n",
    )
    html = built_html(runner, project)
    assert 'Be at least 21 years old. <span class="as-of">(as of June\u00a02025)</span>' in html  # s2 published
    accessed = 'Pass a test within 5 days. <span class="as-of">(as of March\u00a04,\u00a02025)</span>'
    assert accessed in html  # s3 accessed
    assert 'Hold 2 references. <span class="as-of">(as of 2019)</span>' in html  # its own as_of first
    result = run_cli(runner, "check", "--strict", "-C", str(project))
    assert result.exit_code == 0, result.stderr


def test_a_number_without_any_date_warns_and_fails_strict(runner, project: Path):
    with_requirements(
        project,
        "  - text: Be a citizen.\n    source: [s1]\n"
        "  - text: Be at least 21 years old.\n    source: [s1]\n"
        "  - text: Wait up to 18 months.\n    source: [s1]\n    as_of: 2024\n",
    )
    line = line_of(project, "at least 21")
    expected = (
        f"{EDITION}:{line}: requirements.1.text: warning: a number without a date: give the fact an as_of, "
        "or its source a published or accessed date"
    )
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0
    assert expected in result.stderr.splitlines()
    assert result.stderr.count("a number without a date") == 1  # no digit, or a date: no warning
    assert "1 warnings" in result.stdout
    html = built_html(runner, project)
    assert "Be at least 21 years old.<sup" in html  # printed, but undated: what the warning is about
    strict = run_cli(runner, "check", "--strict", "-C", str(project))
    assert strict.exit_code == 1
    assert f"{EDITION}:{line}: requirements.1.text: warning: a number without a date" in strict.stderr
    assert "1 error found" in strict.stderr


def test_a_stale_pay_figure_warns_and_fails_strict(runner, project: Path):
    edition = project / EDITION
    edition.write_text(edition.read_text(encoding="utf-8").replace("as_of: 2025-06", "as_of: 2020-01"))
    line = line_of(project, "as_of: 2020-01")
    expected = f"{EDITION}:{line}: pay.0.as_of: warning: figure dated 2020-01 is 72 months old (policy: 24)"
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0
    assert expected in result.stderr.splitlines()
    strict = run_cli(runner, "check", "--strict", "-C", str(project))
    assert strict.exit_code == 1
    assert expected in strict.stderr.splitlines()
    assert "ok:" not in strict.stdout


UNDATED = "    undated: The page shows no date of publication or update.\n"


def test_a_number_from_an_undated_page_is_acknowledged_and_passes_strict(runner, project: Path):
    with_requirements(
        project,
        "  - text: Be at least 21 years old.\n    source: [s3]\n",
        f"  s3:\n    url: https://www.example.gov/age\n    title: Age page\n{UNDATED}",
    )
    line = line_of(project, "at least 21")
    expected = (
        f"{EDITION}:{line}: requirements.0.text: acknowledged: a number from undated pages "
        "(source s3 undated: The page shows no date of publication or update.)"
    )
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0, result.stderr
    assert expected in result.stderr.splitlines()
    assert "a number without a date" not in result.stderr
    assert result.stdout.strip().endswith("0 warnings, 1 acknowledged")
    strict = run_cli(runner, "check", "--strict", "-C", str(project))
    assert strict.exit_code == 0, strict.stderr
    assert expected in strict.stderr.splitlines()  # still listed, never an error
    cached = run_cli(runner, "check", "--strict", "-C", str(project))  # replayed from the check cache
    assert (cached.exit_code, cached.stderr, cached.stdout) == (0, strict.stderr, strict.stdout)


def test_an_undated_number_without_the_acknowledgement_still_fails_strict(runner, project: Path):
    with_requirements(
        project,
        "  - text: Be at least 21 years old.\n    source: [s3]\n  - text: Wait 18 months.\n    source: [s3, s4]\n",
        f"  s3:\n    url: https://www.example.gov/age\n    title: Age page\n{UNDATED}"
        "  s4:\n    url: https://www.example.gov/wait\n    title: Wait page\n",
    )
    line = line_of(project, "Wait 18 months")
    strict = run_cli(runner, "check", "--strict", "-C", str(project))
    assert strict.exit_code == 1
    lines = strict.stderr.splitlines()
    assert f"{EDITION}:{line}: requirements.1.text: warning: a number without a date" in "\n".join(lines)
    assert any(": requirements.0.text: acknowledged: " in shown for shown in lines)
    assert lines[-1] == "1 error found"


def test_an_undated_fact_says_so_where_its_date_would_be(runner, project: Path):
    with_requirements(
        project,
        "  - text: Be at least 21 years old.\n    source: [s3]\n"
        "  - text: Pass a test within 5 days.\n    source: [s3, s1]\n"
        "  - text: Hold 2 references.\n    source: [s3]\n    as_of: 2019\n",
        f"  s3:\n    url: https://www.example.gov/age\n    title: Age page\n    accessed: 2025-03-04\n{UNDATED}",
    )
    html = built_html(runner, project)
    assert 'Be at least 21 years old. <span class="as-of undated">(page undated)</span><sup' in html
    assert "Pass a test within 5 days.<sup" in html  # s1 is not marked undated: no date, a plain warning
    assert 'Hold 2 references. <span class="as-of">(as of 2019)</span>' in html  # its own as_of first
    assert '<span class="src-title">Age page</span> (page undated).' in html  # in the numbered sources too
    assert "March 4, 2025" not in html  # the day it was read does not date what the page says


def test_a_source_cannot_be_both_published_and_undated(runner, project: Path):
    edition = project / EDITION
    edition.write_text(
        edition.read_text(encoding="utf-8").replace("    published: 2025-06\n", "    published: 2025-06\n" + UNDATED)
    )
    line = line_of(project, "undated:")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{EDITION}:{line}: sources.s2.undated: a source is either published (dated) or undated, not both",
        "1 error found",
    ]


@pytest.mark.parametrize(
    ("edition", "fact", "label"),
    [("de-DE", "training", "(Seite ohne Datum)"), ("fr-CA", "requirements", "(page non datée)")],
)
def test_the_undated_label_is_in_the_edition_language(runner, tmp_path: Path, edition: str, fact: str, label: str):
    project = tmp_path / "real"
    shutil.copytree(REPO / "guide", project / "guide")
    shutil.copytree(REPO / "layouts", project / "layouts")
    path = project / "guide" / "editions" / f"{edition}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data[fact][0]
    for key in first["source"]:
        data["sources"][key].pop("published", None)
        data["sources"][key]["undated"] = "Die Seite nennt kein Datum." if edition == "de-DE" else "Aucune date."
    first.pop("as_of", None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_cli(runner, "build", edition, "-f", "web", "-f", "epub", "-C", str(project), "--quiet")
    assert result.exit_code == 0, result.stderr
    web = (project / "dist" / edition / "index.html").read_text(encoding="utf-8")
    assert f'<span class="as-of undated">{label}</span>' in web
    epub = zipfile.ZipFile(next((project / "dist" / edition).glob("*.epub")))
    texts = [epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml")]
    assert any(f'<span class="as-of undated">{label}</span>' in text for text in texts)


MONEY_FACTS = "  - text: Overtime can add up to $45,000 a year.\n    source: [s1]\n    as_of: 2020\n"


def test_a_stale_money_figure_outside_pay_warns_at_its_text(runner, project: Path):
    with_requirements(
        project,
        "  - text: Be at least 21 years old.\n    source: [s1]\n    as_of: 2019\n"
        "  - text: Bring 3.500 Euro for the uniform.\n    source: [s2]\n",  # dated by s2: 2025-06, current
    )
    edition = project / EDITION
    text = edition.read_text(encoding="utf-8").replace("apply:\n", f"work:\n{MONEY_FACTS}apply:\n", 1)
    text = text.replace("    - text: Apply online.\n", "    - text: Pay the £120 fee.\n      as_of: 2021-02\n")
    edition.write_text(text, encoding="utf-8")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0, result.stderr
    stale = [line for line in result.stderr.splitlines() if "old (policy" in line]
    assert stale == [
        f"{EDITION}:{line_of(project, '$45,000')}: work.0.text: warning: money figure dated 2020 is 72 months old "
        "(policy: 24)",
        f"{EDITION}:{line_of(project, '£120')}: apply.steps.0.text: warning: money figure dated 2021-02 is 59 months "
        "old (policy: 24)",
    ]  # not the age dated 2019 (no money), not the current euro amount
    assert run_cli(runner, "check", "--strict", "-C", str(project)).exit_code == 1


def test_a_money_figure_from_an_undated_page_is_not_acknowledged(runner, project: Path):
    with_requirements(
        project,
        "  - text: Recruits get 525 $ a week.\n    source: [s3]\n",
        f"  s3:\n    url: https://www.example.gov/pay-week\n    title: Weekly pay\n{UNDATED}",
    )
    result = run_cli(runner, "check", "-C", str(project))
    line = line_of(project, "525 $")
    assert (
        f"{EDITION}:{line}: requirements.0.text: warning: a money figure from undated pages: give the fact an as_of, "
        "or remove the figure"
    ) in result.stderr.splitlines()
    assert "acknowledged" not in result.stderr


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("earn up to $45,000 in overtime", True),
        ("une allocation de 525\u00a0$ par semaine", True),
        ("59\u202f966 $ par année", True),
        ("ab 2.500 Euro im Monat", True),
        ("ein Zuschlag von 59.966 € im Jahr", True),
        ("A$75,000 a year", True),
        ("from C$ 1,200", True),
        ("a fee of USD 50", True),
        ("£28,000 to £29,400", True),
        ("45 000 dollars", True),
        ("Shifts can be up to 12 hours long.", False),
        ("an incentive of 15–25% a year for the first 3 years", False),
        ("GS-12 after 3 years", False),
        ("Euro area rules apply to 27 countries", False),
    ],
)
def test_money_amounts_are_recognised(text: str, money: bool):
    assert holds_money(text) is money


def figures_note(project: Path, extra_pay: str = "") -> str | None:
    """The inside cover's note on the fixture en-US edition's pay figures, with extra figures added."""
    from datetime import date

    from guidebuilder.content.guide import load_guide
    from guidebuilder.editions.resolve import resolve

    edition = project / EDITION
    edition.write_text(edition.read_text(encoding="utf-8").replace("apply:\n", f"{extra_pay}apply:\n", 1))
    return resolve(load_guide(project / "guide"), "en-US", date(2026, 1, 1)).figures_note


FIGURE = "  - label: {label}\n    amount: 1\n    period: year\n    as_of: {as_of}\n    source: [s2]\n"


def test_figures_of_one_date_say_that_date(project: Path):
    assert figures_note(project, FIGURE.format(label="Same", as_of="2025-06")) == "Figures as of June\u00a02025"
    assert figures_note(project, FIGURE.format(label="Later", as_of="2025-11")) == "Figures as of 2025"


def test_one_figure_is_named_by_its_label(project: Path):
    """An edition whose only figure is, say, a training allowance must not seem to print pay."""
    assert figures_note(project) == "Starting pay, as of June\u00a02025"


def test_figures_of_several_years_say_when_they_date_from_never_that_the_oldest_is_current(project: Path):
    note = figures_note(project, FIGURE.format(label="Old", as_of="2018-04"))
    assert note == "Figures dated 2018\u20132025; each shows its own date"
    assert "as of" not in note
