"""Interface strings are format templates, checked by `check`: only the placeholders a key is filled with, bare,
each at the line of its string; build refuses the same strings before it writes anything."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guidebuilder.content.models import UiStrings

from .conftest import REPO, run_cli

STRINGS = Path("guide/strings/en.yaml")
# Where a string is filled in (templates and Python): strings.<key>.format(name=...), s.<key>.format(...), and the
# layouts' filter s.<key> | phrase(name=...)
FORMAT_CALL = re.compile(r"\b(?:strings|s)\.(\w+)(?:\.format|\s*\|\s*phrase)\(([^)]*)\)")


def set_string(project: Path, key: str, value: str) -> int:
    """Give key a new value in the fixture's English strings; the line it is on."""
    path = project / STRINGS
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    lines[number] = f"{key}: {value!r}" if "'" not in value else f'{key}: "{value}"'
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("pages_count", "{m} pages", "unknown placeholder {m}; this string takes {n}"),
        ("pages_count", "{n pages", "not a valid template (expected '}' before end of string)"),
        ("pages_count", "{n.__class__} pages", "write {n}, not {n.__class__}: no attribute, index"),
        ("pages_count", "{n[0]} pages", "write {n}, not {n[0]}"),
        ("pages_count", "{n!r} pages", "write {n}, not {n!r}"),
        ("pages_count", "{n:>30000000} pages", "write {n}, not {n:>30000000}"),
        ("pages_count", "{n:{n}} pages", "write {n}, not {n:{n}}"),
        ("pages_count", "{} pages", "unknown placeholder {}"),
        ("pages_count", "{0} pages", "unknown placeholder {0}"),
        ("pages_count", "pages", "the placeholder {n} is missing"),
        ("pages_count", "{n} pages}", "not a valid template (Single '}' encountered in format string)"),
        ("as_of", "as of {{ agency.name }} {date}", "a string filled with {date} takes no doubled brace"),
        ("booklet_title", "{title.upper} (booklet)", "write {title}, not {title.upper}"),
        ("figures_as_of", "Figures as of {n}", "unknown placeholder {n}; this string takes {date}"),
        ("contents", "Contents {n}", "this string takes no {placeholder}: its braces would print as written"),
    ],
)
def test_a_bad_template_is_an_error_at_its_line(runner, project: Path, key: str, value: str, message: str):
    line = set_string(project, key, value)
    checked = run_cli(runner, "check", "--no-cache", "-C", str(project))
    assert checked.exit_code == 1
    assert f"guide/strings/en.yaml:{line}: {key}: {message}" in checked.stderr, checked.stderr
    built = run_cli(runner, "build", "en-GB", "--format", "web", "-C", str(project))
    assert built.exit_code == 1 and "Traceback" not in built.output + built.stderr
    assert f"guide/strings/en.yaml:{line}: {key}:" in built.stderr
    assert not (project / "dist").exists()


def test_placeholders_and_edition_placeholders_where_allowed_build(runner, project: Path):
    set_string(project, "figure_as_of", "{label}, as of {date} (still {date})")
    set_string(project, "back_to_top", "Back to the top of {{ agency.name }}'s guide")
    result = run_cli(runner, "build", "en-US", "--format", "web", "-C", str(project))
    assert result.exit_code == 0, result.stderr
    page = (project / "dist" / "en-US" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Starting pay, as of (\w+\s\d{4}) \(still \1\)", page), page
    assert "Back to the top of Example Border Agency’s guide" in page


def test_every_string_that_is_filled_in_is_checked_with_the_names_it_is_given():
    sources = [*sorted((REPO / "layouts").rglob("*.j2")), *sorted((REPO / "src" / "guidebuilder").rglob("*.py"))]
    calls: dict[str, set[str]] = {}
    for path in sources:
        for key, arguments in FORMAT_CALL.findall(path.read_text(encoding="utf-8")):
            calls.setdefault(key, set()).update(re.findall(r"(\w+)\s*=", arguments))
    # Two places fill strings they hold in a variable: the booklet's PDF title, the age limits at a glance.
    booklet = (REPO / "src" / "guidebuilder" / "writers" / "booklet.py").read_text(encoding="utf-8")
    assert "labels = (book.strings.booklet_title," in booklet and "labels[0].format(title=" in booklet
    calls.setdefault("booklet_title", set()).add("title")
    glance = (REPO / "src" / "guidebuilder" / "editions" / "glance.py").read_text(encoding="utf-8")
    assert "form.strings.age_min), (glance.age.under, form.strings.age_under)]" in glance
    assert "text.format(age=" in glance
    calls.update(age_min={"age"}, age_under={"age"})
    # And one passes a string to the locale module, which fills the range of a duration.
    assert "self.strings.number_range)" in glance
    locale = (REPO / "src" / "guidebuilder" / "editions" / "locale.py").read_text(encoding="utf-8")
    assert "joined.format(low=number(low, tag), high=shown)" in locale
    calls["number_range"] = {"low", "high"}
    assert {key: set(names) for key, names in UiStrings.TEMPLATES.items()} == calls
