"""PO files are read as strictly as `msgfmt --check`: each hostile file is an error at its line, every error in one
run, and msgfmt's verdict on the same file is checked beside ours (a few of our rules go further than msgfmt's)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from guidebuilder.content.poread import parse_po

from .conftest import REPO, run_cli

PO = "guide/translations/fr.po"

# The first unit of the real French file: its msgctxt and msgid lines, and its msgstr line.
_FIRST = re.search(r'(msgctxt "role/title"\nmsgid ".*"\n)(msgstr ".*")\n', (REPO / PO).read_text(encoding="utf-8"))
TITLE_ENTRY, TITLE = _FIRST[1], _FIRST[2]
TITLE_ID = TITLE_ENTRY.split("\n")[1]


@pytest.fixture
def guide_copy(tmp_path: Path) -> Path:
    """A writable copy of the real guide and layouts."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "guide", root / "guide")
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


def line_of(text: str, needle: str) -> int:
    """The number of the first line holding needle."""
    return text[: text.index(needle)].count("\n") + 1


def msgfmt_accepts(path: Path) -> bool:
    """gettext's own verdict on a PO file."""
    assert shutil.which("msgfmt"), "install gettext (Makefile TEST_DEBS)"
    result = subprocess.run(["msgfmt", "--check-format", "-c", "-o", "/dev/null", str(path)], capture_output=True)
    return result.returncode == 0


def cut_inside_a_string(text: str) -> tuple[str, int, str]:
    middle = re.compile(r'^msgstr "[^"\n]{30}', re.M).search(text, len(text) // 2).start() + 20  # inside the string
    return text[:middle], text[:middle].count("\n") + 1, "string not closed"


def cut_after_a_msgid(text: str) -> tuple[str, int, str]:
    start = text.index("\nmsgctxt", len(text) // 2) + 1
    end = text.index("\n", text.index("\nmsgid", start) + 1) + 1
    entry_line = line_of(text, text[start:end])
    return text[:end], text[:end].count("\n") + 1, f"the file ends inside the entry of line {entry_line}"


# Each case: how the file is spoiled -> (the spoiled text, the line and words of the error); and whether msgfmt,
# too, refuses it. We refuse more: a charset other than UTF-8 (msgfmt would convert it: mojibake if the bytes
# are UTF-8), one msgctxt with two msgids (units are found by msgctxt) and escapes Babel does not write.
CASES: dict[str, tuple[Callable[[str], tuple[str, int, str]], bool]] = {
    "charset-latin1": (
        lambda t: (
            t.replace("charset=utf-8", "charset=iso-8859-1"),
            line_of(t, "Content-Type"),
            "the header declares charset=iso-8859-1, but the file must be UTF-8",
        ),
        True,
    ),
    "duplicate-entry": (
        lambda t: (
            t + f'\n{TITLE_ENTRY}msgstr "Un autre titre"\n',
            t.count("\n") + 2,
            f"duplicate entry for msgctxt 'role/title': the first is at line {line_of(t, TITLE_ENTRY)}",
        ),
        False,
    ),
    "same-msgctxt-other-msgid": (
        lambda t: (
            t + '\nmsgctxt "role/title"\nmsgid "Another text"\nmsgstr "Un autre texte"\n',
            t.count("\n") + 2,
            "msgctxt 'role/title' is used twice",
        ),
        True,
    ),
    "unterminated-string": (
        lambda t: (t.replace(TITLE, TITLE[:-1]), line_of(t, TITLE), "string not closed"),
        False,
    ),
    "cut-inside-a-string": (cut_inside_a_string, False),
    "cut-after-a-msgid": (cut_after_a_msgid, False),
    "msgstr-before-msgid": (
        lambda t: (
            t.replace(TITLE_ENTRY + TITLE, f'msgctxt "role/title"\n{TITLE}\n{TITLE_ID}'),
            line_of(t, TITLE_ENTRY) + 1,
            "'msgstr' out of order: expected msgid",
        ),
        False,
    ),
    "unknown-keyword": (
        lambda t: (t.replace(TITLE, TITLE + "\ntranslation: Titre"), line_of(t, TITLE) + 1, "unknown keyword"),
        False,
    ),
    "text-after-the-string": (
        lambda t: (t.replace(TITLE, TITLE + " ok"), line_of(t, TITLE), "unexpected text after the string"),
        False,
    ),
    "comment-inside-an-entry": (
        lambda t: (t.replace(TITLE, "# note\n" + TITLE), line_of(t, TITLE), "comment inside an entry"),
        False,
    ),
    "unknown-escape": (
        lambda t: (t.replace(TITLE, TITLE.replace('"', '"\\q', 1)), line_of(t, TITLE), "unknown escape sequence"),
        False,
    ),
    "no-header": (
        lambda t: (t[t.index("\n\n") + 2 :], 1, 'no header entry (msgid ""'),
        False,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_po_file_is_an_error_at_its_line(runner, guide_copy: Path, case: str) -> None:
    path = guide_copy / "guide" / "translations" / "fr.po"
    spoil, msgfmt_too = CASES[case]
    text, line, words = spoil(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    result = run_cli(runner, "check", "--no-cache", "-C", str(guide_copy))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output + result.stderr
    assert f"guide/translations/fr.po:{line}: {words}" in result.stderr, result.stderr
    assert msgfmt_accepts(path) is msgfmt_too


def test_every_error_of_a_po_file_in_one_run(runner, guide_copy: Path) -> None:
    path = guide_copy / "guide" / "translations" / "fr.po"
    original = path.read_text(encoding="utf-8")
    text = original.replace("charset=utf-8", "charset=iso-8859-1").replace(TITLE, TITLE[:-1])
    path.write_text(text + f'\n{TITLE_ENTRY}msgstr "Un autre titre"\n', encoding="utf-8")
    result = run_cli(runner, "check", "--no-cache", "-C", str(guide_copy))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("guide/translations/fr.po:")]
    assert errors == [
        f"guide/translations/fr.po:{line_of(original, 'Content-Type')}: the header declares charset=iso-8859-1, "
        "but the file must be UTF-8: write charset=UTF-8",
        f"guide/translations/fr.po:{line_of(original, TITLE)}: string not closed: "
        "it needs a '\"' at the end of the line",
        f"guide/translations/fr.po:{original.count(chr(10)) + 2}: duplicate entry for msgctxt 'role/title': "
        f"the first is at line {line_of(original, TITLE_ENTRY)}",
    ]


def test_a_hostile_po_file_stops_the_build_and_writes_nothing(runner, guide_copy: Path) -> None:
    path = guide_copy / "guide" / "translations" / "fr.po"
    path.write_text(path.read_text(encoding="utf-8").replace(TITLE, TITLE[:-1]), encoding="utf-8")
    result = run_cli(runner, "build", "fr-CA", "--format", "web", "-C", str(guide_copy))
    assert result.exit_code == 1
    assert "guide/translations/fr.po:" in result.stderr and "string not closed" in result.stderr
    assert not (guide_copy / "dist").exists()


def test_the_real_po_files_read_without_an_error() -> None:
    for language in ("fr", "de"):
        parsed = parse_po((REPO / "guide" / "translations" / f"{language}.po").read_text(encoding="utf-8"))
        assert parsed.errors == () and len(parsed.entries) > 100


def test_what_msgfmt_accepts_is_read_alike() -> None:
    """Entries without blank lines between them, strings split over lines and on one line, CRLF line ends."""
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        'msgctxt "a/"\n"title"\nmsgid "Title"\nmsgstr "Ti" "tre"\n'
        '#, fuzzy\n#| msgid "Old"\nmsgctxt "a/summary"\nmsgid "Sum"\nmsgstr ""\n"R\\u00e9sum\\"\\n"\n'
    ).replace("\\u00e9", "é")
    for variant in (text, text.replace("\n", "\r\n")):
        parsed = parse_po(variant)
        assert parsed.errors == ()
        title, summary = parsed.entries["a/title"], parsed.entries["a/summary"]
        assert (title.source, title.string, title.line, title.fuzzy) == ("Title", "Titre", 7, False)
        assert (summary.string, summary.fuzzy, summary.previous, summary.line) == ('Résum"\n', True, "Old", 13)
