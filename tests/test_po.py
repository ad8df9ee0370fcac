"""Translations as PO files: the migration kept every word, staleness is per unit, tools can read the files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from guidebuilder.content.guide import load_guide
from guidebuilder.content.po import PLACEHOLDER, read_po
from guidebuilder.content.translations import source_units
from guidebuilder.i18n.translators import export, new_language

from .conftest import run_cli
from .edition_texts import edition_texts

REPO = Path(__file__).resolve().parent.parent
BEFORE = REPO / "tests" / "fixtures" / "translated_texts.json"
LANGUAGES = ("fr", "de")


@pytest.fixture
def guide_copy(tmp_path: Path) -> Path:
    """A writable copy of the real guide and layouts."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "guide", root / "guide")
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


def po_text(root: Path, language: str) -> str:
    return (root / "guide" / "translations" / f"{language}.po").read_text(encoding="utf-8")


@pytest.mark.parametrize("edition", ["fr-CA", "de-DE"])
def test_editions_print_what_they_printed_before_the_migration(edition):
    before = json.loads(BEFORE.read_text(encoding="utf-8"))[edition]
    after = json.loads(json.dumps(edition_texts(load_guide(REPO / "guide"), edition)))
    intended = "a change to the French or German text? run `make golden` and review the diff"
    assert after["meta"] == before["meta"], intended
    for got, want in zip(after["sections"], before["sections"], strict=True):
        assert got == want, f"{got['id']}: {intended}"
    assert after["lines"] == before["lines"], intended


def test_every_unit_is_translated_and_keeps_the_source_text_as_msgid():
    guide = load_guide(REPO / "guide")
    units = source_units(guide.sections, guide.meta, guide.origins)
    assert len(units) > 100
    for language in LANGUAGES:
        entries = guide.catalogs[language].entries
        assert [e.context for e in entries.values()] == [u.context for u in units]
        assert all(entries[u.context].source == u.text and entries[u.context].translated for u in units)


def test_references_point_at_the_source_line():
    guide = load_guide(REPO / "guide")
    units = {u.context: u for u in source_units(guide.sections, guide.meta, guide.origins)}
    training = (REPO / "guide" / "sections" / "03-training.md").read_text(encoding="utf-8").split("\n")
    item = units["training/blocks/0/items/2"]
    assert (item.path, training[item.line - 1].strip()) == ("guide/sections/03-training.md", f"- {item.text}")
    body = units["training/body/1"]
    assert training[body.line - 1] == body.text
    assert f'#: guide/sections/03-training.md:{body.line}\nmsgctxt "training/body/1"' in po_text(REPO, "fr")


def test_one_changed_sentence_makes_exactly_that_unit_fuzzy(guide_copy: Path):
    source = guide_copy / "guide" / "sections" / "03-training.md"
    old = "It covers customs law, inspection techniques and security."
    new = "It covers customs law, inspection methods and security."
    source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    before = {lang: read_po(po_text(guide_copy, lang)) for lang in LANGUAGES}
    guide = load_guide(guide_copy / "guide")
    for language in LANGUAGES:
        _, states = export(guide, language)
        assert states.count("fuzzy") == 1 and states.count("untranslated") == 0
        after = read_po(po_text(guide_copy, language))
        changed = [c for c in after if replace(after[c], line=0) != replace(before[language][c], line=0)]
        assert changed == ["training/blocks/0/items/1"]
        entry = after["training/blocks/0/items/1"]
        assert (entry.fuzzy, entry.previous, entry.source) == (True, old, new)
        assert entry.string == before[language]["training/blocks/0/items/1"].string
        assert f'#, fuzzy\n#| msgid "{old}"' in po_text(guide_copy, language)
    runner_result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "guidebuilder"), "translations", "diff", "fr", "-C", str(guide_copy)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "It covers customs law, inspection [-techniques-] {+methods+} and security." in runner_result.stdout


def test_a_renamed_section_keeps_its_translations(runner, guide_copy: Path):
    guide_yaml = guide_copy / "guide" / "guide.yaml"
    guide_yaml.write_text(guide_yaml.read_text(encoding="utf-8").replace("  - challenges\n", "  - hurdles\n"))
    section = next((guide_copy / "guide" / "sections").glob("*challenges*.md"))
    section.write_text(section.read_text(encoding="utf-8").replace("id: challenges\n", "id: hurdles\n", 1))
    before = {lang: read_po(po_text(guide_copy, lang)) for lang in LANGUAGES}
    moved = sorted(c for c in before["fr"] if c.startswith("challenges/"))
    assert len(moved) > 3
    for language in LANGUAGES:
        _, states = export(load_guide(guide_copy / "guide"), language)
        assert set(states) == {"translated"}
        after = read_po(po_text(guide_copy, language))
        for context in moved:
            renamed = after["hurdles/" + context.partition("/")[2]]
            assert (renamed.string, renamed.fuzzy) == (before[language][context].string, False)
        assert not any(c.startswith("challenges/") for c in after)
        assert '#~ msgctxt "challenges/' not in po_text(guide_copy, language)
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert result.exit_code == 0, result.stderr[-2000:]
    assert not re.search(r"untranslated|fuzzy|no longer in the source", result.stderr)


def test_fuzzy_and_new_units_print_the_source_and_warn(runner, guide_copy: Path):
    source = guide_copy / "guide" / "sections" / "03-training.md"
    text = source.read_text(encoding="utf-8").replace("techniques and security.", "methods and security.")
    source.write_text(text + "\nA brand new paragraph.\n", encoding="utf-8")
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert result.exit_code == 0, result.output
    assert "guide/translations/fr.po: warning: fr: 98% translated, 1 fuzzy, 1 untranslated" in result.stderr
    assert re.search(
        r"^guide/sections/03-training\.md:9: training/blocks/0/items/1: warning: de: fuzzy "
        r"\(guide/translations/de\.po:\d+\)",
        result.stderr,
        re.M,
    )
    assert "training/body/2: warning: fr: untranslated" in result.stderr
    texts = edition_texts(load_guide(guide_copy / "guide"), "fr-CA")
    training = next(s for s in texts["sections"] if s["id"] == "training")
    assert "A brand new paragraph." in training["body"]
    assert "It covers customs law, inspection methods and security." in training["blocks"][0]["items"]
    strict = run_cli(runner, "check", "--strict", "-C", str(guide_copy))
    assert strict.exit_code == 1
    assert "training/blocks/0/items/1: warning: fr: fuzzy" in strict.stderr


LONG_OLD = "With evolving trade dynamics and security threats, customs officers face complex challenges"
LONG_NEW = "With shifting trade dynamics and security threats, customs officers face complex challenges"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs gettext's msgfmt")
def test_a_changed_paragraph_is_one_fuzzy_warning_per_language_never_misspellings(runner, guide_copy: Path):
    source = guide_copy / "guide" / "sections" / "06-challenges.md"
    source.write_text(source.read_text(encoding="utf-8").replace(LONG_OLD, LONG_NEW), encoding="utf-8")
    for when in ("before export", "after export"):
        result = run_cli(runner, "check", "--no-cache", "-C", str(guide_copy))
        assert result.exit_code == 0, result.stderr[-2000:]
        about = [line for line in result.stderr.splitlines() if "challenges/body/0" in line or "spelling" in line]
        assert len(about) == 2, (when, about)  # the English printed in fr-CA and de-DE is no French or German typo
        for language in LANGUAGES:
            assert re.search(
                rf"^guide/sections/06-challenges\.md:12: challenges/body/0: warning: {language}: fuzzy "
                rf"\(guide/translations/{language}\.po:\d+\); the edition prints the source text$",
                result.stderr,
                re.M,
            ), result.stderr
        if when == "before export":
            for language in LANGUAGES:
                export(load_guide(guide_copy / "guide"), language)
    for language in LANGUAGES:  # the previous source stays whole, on one line gettext tools read
        text = po_text(guide_copy, language)
        previous = next(line for line in text.splitlines() if line.startswith("#| msgid"))
        assert previous.startswith(f'#| msgid "{LONG_OLD}') and previous.endswith(
            'crucial to effectiveness in this role."'
        )
        assert read_po(text)["challenges/body/0"].previous.startswith(LONG_OLD)
        path = guide_copy / "guide" / "translations" / f"{language}.po"
        checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    diff = run_cli(runner, "translations", "diff", "fr", "-C", str(guide_copy))
    assert "With [-evolving-] {+shifting+} trade dynamics" in diff.stdout
    assert diff.stdout.rstrip().endswith("crucial to effectiveness in this role.")


def test_a_translation_may_add_a_vocabulary_word_but_no_other_placeholder(runner, guide_copy: Path):
    path = guide_copy / "guide" / "translations" / "de.po"
    title = read_po(path.read_text(encoding="utf-8"))["training/title"]
    added = f"{title.string} ({{{{ vocabulary.job_ad }}}})"
    path.write_text(path.read_text(encoding="utf-8").replace(f'msgstr "{title.string}"', f'msgstr "{added}"'))
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert result.exit_code == 0, result.stderr[-2000:]
    training = next(
        s for s in edition_texts(load_guide(guide_copy / "guide"), "de-DE")["sections"] if s["id"] == "training"
    )
    assert training["title"].endswith("(Stellenausschreibung)")
    path.write_text(path.read_text(encoding="utf-8").replace(added, f"{title.string} ({{{{ agency.parent }}}})"))
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert result.exit_code == 1
    assert (
        f"guide/translations/de.po:{title.line}: training/title: the translation adds {{{{ agency.parent }}}}; "
        "it may add only vocabulary words ({{ vocabulary.KEY }})"
    ) in result.stderr, result.stderr


def test_placeholders_and_markdown_survive():
    guide = load_guide(REPO / "guide")
    units = source_units(guide.sections, guide.meta, guide.origins)
    with_placeholders = [u for u in units if u.placeholders]
    assert with_placeholders
    for language in LANGUAGES:
        entries = guide.catalogs[language].entries
        for unit in with_placeholders:
            kept = set(PLACEHOLDER.findall(entries[unit.context].string))
            assert set(unit.placeholders) <= kept  # a translation may add vocabulary words, nothing else
            assert all(p.startswith("{{ vocabulary.") for p in kept - set(unit.placeholders))
        assert "#. Keep the placeholders as written ({{ vocabulary.edition }}" in po_text(REPO, language)
    french = guide.catalogs["fr"].entries["role/body/1"].string
    assert "\n\n- organisme qui recrute : {{ vocabulary.hiring_agency }};\n" in french  # a Markdown list in one unit


def test_a_dropped_placeholder_is_an_error_at_the_po_line(runner, guide_copy: Path):
    path = guide_copy / "guide" / "translations" / "de.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("In der Ausgabe für {{ vocabulary.edition }} stellt", "Hier stellt"), encoding="utf-8")
    line = next(e.line for e in read_po(path.read_text(encoding="utf-8")).values() if e.context == "role/body/1")
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert result.exit_code == 1
    assert f"guide/translations/de.po:{line}: role/body/1: the translation must keep the placeholders" in result.stderr


def test_findings_in_translated_text_point_at_the_po_line(runner, guide_copy: Path):
    path = guide_copy / "guide" / "translations" / "de.po"
    entries = read_po(path.read_text(encoding="utf-8"))
    entry = entries["training/title"]
    path.write_text(
        path.read_text(encoding="utf-8").replace(f'msgstr "{entry.string}"', 'msgstr "Strafverfolgung lernen"'),
        encoding="utf-8",
    )
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert f"guide/translations/de.po:{entry.line}: glossary (de): 'Strafverfolgung'" in result.stderr, result.stderr


def test_msgfmt_accepts_the_po_files(guide_copy: Path):
    assert shutil.which("msgfmt"), "install gettext (Makefile TEST_DEBS)"
    new_language(load_guide(guide_copy / "guide"), "es")
    for language in (*LANGUAGES, "es"):
        path = guide_copy / "guide" / "translations" / f"{language}.po"
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert f'"Language: {language}\\n"' in head
        assert '"Content-Type: text/plain; charset=utf-8\\n"' in head
        assert re.search(r'"Plural-Forms: nplurals=\d+; plural=', head)
        assert "#, fuzzy" not in head


def test_new_language_starts_untranslated(runner, guide_copy: Path):
    result = run_cli(runner, "new-language", "es", "-C", str(guide_copy))
    assert result.exit_code == 0, result.output
    entries = read_po(po_text(guide_copy, "es"))
    assert len(entries) > 100 and not any(e.string for e in entries.values())
    strings = (guide_copy / "guide" / "strings" / "es.yaml").read_text(encoding="utf-8")
    assert "contents: TODO Contents" in strings
    check = run_cli(runner, "check", "-C", str(guide_copy))
    assert check.exit_code == 1 and "guide/strings/es.yaml:2: contents: still to fill in" in check.stderr
    shutil.copy(guide_copy / "guide" / "strings" / "en.yaml", guide_copy / "guide" / "strings" / "es.yaml")
    status = run_cli(runner, "translations", "status", "-C", str(guide_copy))
    assert re.search(r"^es\s+\d+\s+0 \(0%\)\s+0\s+\d+$", status.stdout, re.M), status.stdout
    again = run_cli(runner, "new-language", "es", "-C", str(guide_copy))
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_an_entry_without_context_is_an_error_and_an_unknown_one_a_warning(runner, guide_copy: Path):
    path = guide_copy / "guide" / "translations" / "fr.po"
    gone = '\nmsgctxt "training/old"\nmsgid "A sentence the source no longer has."\nmsgstr "Une phrase disparue."\n'
    text = path.read_text(encoding="utf-8") + gone
    path.write_text(text + '\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert result.exit_code == 1
    stray = len(text.split("\n")) + 1
    assert f"guide/translations/fr.po:{stray}: entry without msgctxt" in result.stderr
    path.write_text(text, encoding="utf-8")
    result = run_cli(runner, "check", "-C", str(guide_copy))
    assert result.exit_code == 0, result.stderr
    assert re.search(
        r"^guide/translations/fr\.po:\d+: training/old: warning: no longer in the source", result.stderr, re.M
    )
    export(load_guide(guide_copy / "guide"), "fr")
    assert '#~ msgctxt "training/old"' in path.read_text(encoding="utf-8")


def test_new_language_works_beside_a_new_edition_still_to_fill_in(runner, guide_copy: Path):
    assert run_cli(runner, "new-edition", "es-US", "-C", str(guide_copy)).exit_code == 0
    result = run_cli(runner, "new-language", "es", "-C", str(guide_copy))
    assert result.exit_code == 0, result.output
    assert "wrote es.po" in result.stdout
    for bad in ("xx", "en"):
        refused = run_cli(runner, "new-language", bad, "-C", str(guide_copy))
        assert refused.exit_code == 2 and refused.stderr.startswith("error: "), refused.output


def test_a_po_text_read_again_gives_a_mapping_of_its_own() -> None:
    """Read once per text in a long-lived process; a caller's change to the mapping stays its own."""
    text = 'msgctxt "intro.1"\nmsgid "Hello"\nmsgstr "Bonjour"\n'
    first = read_po(text)
    first.pop("intro.1")
    second = read_po(text)
    assert second["intro.1"].string == "Bonjour" and second["intro.1"].line == 3
