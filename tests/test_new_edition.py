"""`guidebuilder new-edition`: a file with every field check asks for, each to-do reported with its line;
refusals; nothing of another country's facts copied as true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from guidebuilder.editions.scaffold import new_edition
from guidebuilder.errors import UsageError

from .conftest import run_cli

TODO_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<field>[\w.]+): still to fill in$")
FILLED = {
    "amount": "100",
    "amount_max": "200",
    "period": "year",
    "as_of": "2024",
    "accessed": "2025-01-01",
    "source": "[src1]",
    "spelling": "en-GB",
}


def to_do_lines(path: Path) -> dict[int, str]:
    """The lines of the file that hold a value marked TODO (comments left out), by number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {n: line for n, line in enumerate(lines, 1) if "TODO" in line.split("#")[0]}


def test_check_lists_every_field_to_fill_in_with_its_line(runner, project: Path):
    made = run_cli(runner, "new-edition", "en-NZ", "-C", str(project))
    assert made.exit_code == 0, made.output
    path = project / "guide" / "editions" / "en-NZ.yaml"
    todos = to_do_lines(path)
    assert f"en-NZ.yaml: {len(todos)} values marked TODO to fill in" in made.stdout
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    errors = result.stderr.splitlines()[:-1]
    assert result.stderr.splitlines()[-1] == f"{len(todos)} errors found"
    reported = {}
    for error in errors:
        match = TODO_LINE.match(error)
        assert match, f"not a to-do line: {error}"
        assert match["path"] == "guide/editions/en-NZ.yaml"
        reported[int(match["line"])] = match["field"]
    assert set(reported) == set(todos)  # one line per value to fill in, and nothing else
    for number, field in reported.items():  # each names the field written on its line
        key = next(part for part in reversed(field.split(".")) if not part.isdigit())
        assert todos[number].lstrip(" -").startswith(f"{key}:"), (number, field, todos[number])
    assert {"agency.name", "officer.source.0", "pay.0.amount", "links.0.url", "careers_url"} <= set(reported.values())


def test_filling_in_every_to_do_gives_a_valid_edition(runner, project: Path):
    assert run_cli(runner, "new-edition", "en-NZ", "-C", str(project)).exit_code == 0
    path = project / "guide" / "editions" / "en-NZ.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in to_do_lines(path):
        key, _, _ = lines[number - 1].lstrip(" -").partition(":")
        default = "https://www.example.org/page" if "url" in key else "An example fact."
        lines[number - 1] = re.sub(r'(\[TODO\]|"TODO[^"]*")', FILLED.get(key, f'"{default}"'), lines[number - 1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(runner, "check", "--strict", "-C", str(project))
    assert result.exit_code == 0, result.stderr
    assert "3 editions" in result.stdout


def test_from_copies_layout_and_structure_but_no_facts(runner, project: Path):
    editions = project / "guide" / "editions"
    result = run_cli(runner, "new-edition", "en-NZ", "--from", "en-US", "-C", str(project))
    assert result.exit_code == 0, result.output
    source = yaml.safe_load((editions / "en-US.yaml").read_text(encoding="utf-8"))
    made = yaml.safe_load((editions / "en-NZ.yaml").read_text(encoding="utf-8"))
    assert (made["id"], made["country"], made["language"], made["currency"]) == ("en-NZ", "NZ", "en", "NZD")
    assert made["paper"] == "A5"  # New Zealand's paper, not the half-letter of en-US
    assert made["accent"] == source["accent"]  # a layout setting: copied
    lists = ("requirements", "pay", "links")
    assert [len(made[k]) for k in lists] == [len(source[k]) for k in lists]
    assert "amount_max" in made["pay"][0] and "short" in made["agency"]  # the optional fields en-US fills
    assert "training" not in made  # en-US has none: neither has the copy

    def texts(data: object) -> set[str]:
        if isinstance(data, dict):
            return set().union(*(texts(v) for v in data.values()))
        if isinstance(data, list):
            return set().union(set(), *(texts(v) for v in data))
        return {str(data)}

    facts = texts({k: v for k, v in source.items() if k not in ("id", "country", "language", "paper", "currency")})
    copied = texts(made) & facts
    assert copied == {source["accent"]}, copied  # no agency, fact, figure, link or source of en-US
    assert "# en-US: Example Border Agency" in (editions / "en-NZ.yaml").read_text(encoding="utf-8")
    check = run_cli(runner, "check", "-C", str(project))
    assert check.exit_code == 1
    assert all(TODO_LINE.match(line) for line in check.stderr.splitlines()[:-1])


def test_a_language_without_strings_or_translations_is_named(runner, project: Path):
    result = run_cli(runner, "new-edition", "es-MX", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "note: Spanish ('es') has no interface strings yet: copy guide/strings/en.yaml to guide/strings/es.yaml" in (
        result.stdout
    )
    assert (
        "note: Spanish ('es') has no translation of the guide yet: run `guidebuilder new-language es`" in result.stdout
    )
    made = yaml.safe_load((project / "guide" / "editions" / "es-MX.yaml").read_text(encoding="utf-8"))
    assert (made["paper"], made["currency"]) == ("half-letter", "MXN")
    assert "note:" not in run_cli(runner, "new-edition", "en-NZ", "-C", str(project)).stdout


def test_an_existing_edition_is_refused_and_left_alone(runner, project: Path):
    path = project / "guide" / "editions" / "en-GB.yaml"
    before = path.read_bytes()
    result = run_cli(runner, "new-edition", "en-GB", "-C", str(project))
    assert result.exit_code == 2
    assert result.stderr == "error: guide/editions/en-GB.yaml already exists; edit it, or choose another tag\n"
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("en", "'en' is not a BCP 47 tag of the form language-REGION, e.g. en-NZ or de-AT"),
        ("en-nz", "'en-nz' is not a BCP 47 tag of the form language-REGION"),
        ("en_NZ", "'en_NZ' is not a BCP 47 tag of the form language-REGION"),
        ("EN-NZ", "'EN-NZ' is not a BCP 47 tag of the form language-REGION"),
        ("../en-NZ", "'../en-NZ' is not a BCP 47 tag of the form language-REGION"),
        ("qq-NZ", "'qq-NZ': 'qq' is not an ISO 639 language code"),
        ("en-XQ", "'en-XQ': 'XQ' is not an ISO 3166-1 alpha-2 country code"),
    ],
)
def test_a_malformed_tag_is_refused(runner, project: Path, tag: str, message: str):
    before = sorted((project / "guide" / "editions").iterdir())
    result = run_cli(runner, "new-edition", tag, "-C", str(project))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {message}")
    assert sorted((project / "guide" / "editions").iterdir()) == before


@pytest.mark.parametrize("source", ["en-IE", "../editions/en-GB", "en-GB.yaml"])
def test_an_unknown_from_edition_is_refused(runner, project: Path, source: str):
    result = run_cli(runner, "new-edition", "en-NZ", "--from", source, "-C", str(project))
    assert result.exit_code == 2
    assert result.stderr == f"error: unknown edition '{source}' for --from; known editions: en-GB, en-US\n"
    assert not (project / "guide" / "editions" / "en-NZ.yaml").exists()


def test_a_file_that_cannot_be_written_is_an_error_without_traceback(runner, project: Path):
    editions = project / "guide" / "editions"
    for path in editions.iterdir():
        path.unlink()
    editions.rmdir()
    editions.write_text("a file where the folder should be\n")
    result = run_cli(runner, "new-edition", "en-NZ", "-C", str(project))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write guide/editions/en-NZ.yaml: ")
    assert "Traceback" not in result.output


def test_the_library_refuses_the_same_things(project: Path):
    guide = project / "guide"
    for tag, source in (("en-GB", None), ("en", None), ("en-NZ", "en-IE")):
        with pytest.raises(UsageError):
            new_edition(guide, tag, source)
    made = new_edition(guide, "en-NZ", "en-GB")
    assert made.path == guide / "editions" / "en-NZ.yaml" and made.to_fill == len(to_do_lines(made.path))
    assert made.notes == ()
