"""Per-edition vocabulary: each edition prints the shared text in its own country's words; a word no file
declares, a word an edition gives but nobody declared, and a word an edition prints but does not give are
errors at their file and line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from guidebuilder.content.guide import load_guide
from guidebuilder.editions.resolve import resolve
from guidebuilder.project import Project
from guidebuilder.writers.render import booklet_html

from .conftest import run_cli

DECLARED = """\
words:
  workplaces:
    meaning: where officers usually work, as a list of plural nouns
  pension:
    meaning: the pension officers build up, with its article
"""
WORDS = {
    "en-US": {"workplaces": "land border crossings, airports and seaports", "pension": "retirement benefits"},
    "en-GB": {"workplaces": "seaports and airports", "pension": "a pension with {{ agency.name }}"},
}


def give_words(project: Path, words: dict[str, dict[str, str]] = WORDS) -> None:
    """Declare the words and write each edition's own, right after its accent line."""
    guide = project / "guide"
    (guide / "vocabulary.yaml").write_text(DECLARED, encoding="utf-8")
    for edition, given in words.items():
        path = guide / "editions" / f"{edition}.yaml"
        block = "vocabulary:\n" + "".join(f'  {key}: "{value}"\n' for key, value in given.items())
        text = path.read_text(encoding="utf-8")
        accent = re.search(r"^accent: .*\n", text, re.M)
        path.write_text(text[: accent.end()] + block + text[accent.end() :], encoding="utf-8")


def write_body(project: Path, body: str) -> Path:
    """Replace the body of the fixture's pay section; its path."""
    path = project / "guide" / "sections" / "02-pay.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rindex("---\n") + 4] + body + "\n", encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def html_of(project: Path, edition: str) -> str:
    proj = Project.at(project)
    return booklet_html(resolve(load_guide(proj.guide_dir), edition, date(2026, 1, 1)), proj.search_path)


def test_each_edition_prints_its_own_words(project: Path):
    give_words(project)
    write_body(
        project, "Officers work at {{ vocabulary.workplaces }}. Paid leave and {{ vocabulary.pension }} come too."
    )
    american, british = html_of(project, "en-US"), html_of(project, "en-GB")
    assert "Officers work at land border crossings, airports and seaports." in american
    assert "Paid leave and retirement benefits come too." in american
    assert "Officers work at seaports and airports." in british
    assert "Paid leave and a pension with Example Border Service come too." in british  # data inside a word
    assert "border crossings" not in british and "vocabulary" not in british


def test_a_word_nobody_declared_is_an_error_at_its_line(runner, project: Path):
    give_words(project)
    path = write_body(project, "First line.\n\nOfficers work at {{ vocabulary.workplace }}.")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    line = line_of(path, "vocabulary.workplace")
    assert (
        f"guide/sections/02-pay.md:{line}: body: unknown vocabulary word 'workplace' in "
        "'{{ vocabulary.workplace }}'; guide/vocabulary.yaml declares: pension, workplaces"
    ) in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_an_edition_giving_an_undeclared_word_is_an_error_at_its_line(runner, project: Path):
    give_words(project, {**WORDS, "en-GB": {**WORDS["en-GB"], "colour": "red"}})
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    line = line_of(project / "guide" / "editions" / "en-GB.yaml", "colour:")
    assert (
        f"guide/editions/en-GB.yaml:{line}: vocabulary.colour: unknown vocabulary word 'colour'; "
        "declared: pension, workplaces"
    ) in result.stderr, result.stderr


def test_an_edition_missing_a_word_it_prints_is_an_error_naming_it(runner, project: Path):
    give_words(project, {"en-US": WORDS["en-US"], "en-GB": {"pension": "a pension"}})
    path = write_body(project, "Officers work at {{ vocabulary.workplaces }}.")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    line = line_of(path, "vocabulary.workplaces")
    assert re.search(
        rf"^guide/sections/02-pay\.md:{line}: body: '\{{\{{ vocabulary\.workplaces \}}\}}' has no value in this "
        r"edition: add `workplaces:` under `vocabulary:` in the edition file .*\(edition en-GB\)$",
        result.stderr,
        re.M,
    ), result.stderr
    assert "en-US" not in result.stderr


def test_a_word_cannot_print_another_word(runner, project: Path):
    give_words(
        project, {"en-US": {**WORDS["en-US"], "pension": "{{ vocabulary.workplaces }}"}, "en-GB": WORDS["en-GB"]}
    )
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    line = line_of(project / "guide" / "editions" / "en-US.yaml", "pension:")
    assert (
        f"guide/editions/en-US.yaml:{line}: vocabulary.pension: a vocabulary word cannot print another vocabulary word"
    ) in result.stderr, result.stderr


def test_a_word_printing_data_the_edition_lacks_is_an_error_at_its_line(runner, project: Path):
    give_words(project, {"en-US": WORDS["en-US"], "en-GB": {**WORDS["en-GB"], "pension": "{{ agency.parent }}"}})
    write_body(project, "Paid leave and {{ vocabulary.pension }}.")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    line = line_of(project / "guide" / "editions" / "en-GB.yaml", "pension:")
    expected = (
        f"guide/editions/en-GB.yaml:{line}: vocabulary.pension: placeholder '{{{{ agency.parent }}}}' has no value"
    )
    assert expected in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 2, result.stderr  # reported once, at the word, not at each use


def test_a_guide_without_vocabulary_still_builds(project: Path):
    assert not (project / "guide" / "vocabulary.yaml").exists()
    assert "Pay differs by country." in html_of(project, "en-US")


def test_new_edition_asks_for_each_word_its_language_prints(runner, project: Path):
    give_words(project)
    write_body(project, "Officers work at {{ vocabulary.workplaces }}.")
    made = run_cli(runner, "new-edition", "en-NZ", "--from", "en-GB", "-C", str(project))
    assert made.exit_code == 0, made.output
    text = (project / "guide" / "editions" / "en-NZ.yaml").read_text(encoding="utf-8")
    assert '  # en-GB: seaports and airports\n  workplaces: "TODO: where officers usually work' in text
    assert "pension:" not in text  # declared, but no text of this language prints it
    result = run_cli(runner, "check", "-C", str(project))
    line = line_of(project / "guide" / "editions" / "en-NZ.yaml", "workplaces:")
    assert f"guide/editions/en-NZ.yaml:{line}: vocabulary.workplaces: still to fill in" in result.stderr
