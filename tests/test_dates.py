"""Every printed number carries a date: its own as_of or its source's; `check` warns about numbers
without one and about stale pay figures, and `--strict` fails on both."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli

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
    assert 'Be at least 21 years old. <span class="as-of">(as of June 2025)</span>' in html  # s2 published
    assert 'Pass a test within 5 days. <span class="as-of">(as of March 4, 2025)</span>' in html  # s3 accessed
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
