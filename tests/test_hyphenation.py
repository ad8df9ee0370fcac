"""No wrong word break in any edition's PDF: every word hyphenated at a line end is a word of the edition's
Hunspell dictionary (or the project's word list), broken where the edition's hyphenation rules allow, and never
a name. The rules: pyphen's patterns chosen per language in layouts/hyphenation/, its exceptions and names."""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache

import pytest

from guidebuilder.editions.book import Book
from guidebuilder.project import Project
from guidebuilder.proof.spellcheck import dictionary_name
from guidebuilder.proof.validate import validate
from guidebuilder.writers.hyphenation import Hyphenation, install
from guidebuilder.writers.hyphenation_file import hyphenation_for

from .conftest import REPO, run_cli

EDITIONS = ("de-DE", "en-AU", "en-CA", "en-GB", "en-US", "fr-CA")
LIMIT = (6, 3, 3)  # hyphenate-limit-chars of layouts/booklet/booklet.css: word, before, after
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character; a hyphen written in the text is U+002D
BROKEN = re.compile(rf"(\w+){HYPHEN}$")
CONTINUED = re.compile(r"^([^\W\d_A-Z]\w*)")  # a line that goes on with a lower-case letter

# The wrong breaks seen in the built PDFs before the fix (issue #22), by edition.
SEEN = [
    ("de-DE", "Absch-lüsse"),
    ("de-DE", "Dien-stort"),
    ("de-DE", "Liechten-steins"),
    ("en-GB", "Belgi-um"),
    ("en-GB", "medic-al"),
    ("en-GB", "communic-ation"),
    ("en-GB", "opportunit-ies"),
    ("en-CA", "qualific-ation"),
    ("en-AU", "immig-ration"),
    ("en-AU", "qualific-ation"),
    ("fr-CA", "Cana-da"),
    ("en-US", "Novem-ber"),
]


@lru_cache(maxsize=1)
def books() -> dict[str, Book]:
    return validate(Project.at(REPO)).books


@lru_cache(maxsize=8)
def rules(edition: str) -> Hyphenation:
    return hyphenation_for(books()[edition], Project.at(REPO).search_path)


def allowed(edition: str, word: str) -> list[int]:
    """Where WeasyPrint may break word in this edition: pyphen looked up by the document's language, as it does."""
    import pyphen

    install(rules(edition))
    total, left, right = LIMIT
    if len(word) < total:
        return []
    return [int(p) for p in pyphen.Pyphen(lang=edition, left=left, right=right).positions(word)]


def breaks(pdf) -> list[tuple[str, str]]:
    """Every word WeasyPrint hyphenated at a line end: (part before the break, part after)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.replace("\f", "\n").splitlines()]
    found = []
    for index, line in enumerate(lines):
        end = BROKEN.search(line)
        if end is None:
            continue
        # the next line going on in lower case (past a page number and running head at a page break)
        after = next((m[1] for rest in lines[index + 1 : index + 8] if (m := CONTINUED.match(rest))), None)
        found.append((end[1], after or ""))
    return found


def is_name(edition: str, word: str) -> bool:
    """A name never to break: capitalised in English and French; else a capitalised word of the agency's names, a
    country's name or the word list, or a word the hyphenation file lists as never broken (with an ending)."""
    capital = word[:1].isupper()
    if capital and not edition.startswith("de"):
        return True
    stems = {word.lower(), re.sub(r"(?:['’]?s|e?n)$", "", word.lower())}
    return bool(stems & set(rules(edition).never)) or (capital and bool(stems & set(books()[edition].names)))


@pytest.mark.parametrize(("edition", "seen"), SEEN)
def test_the_wrong_breaks_seen_are_refused(edition: str, seen: str):
    before, after = seen.split("-")
    assert len(before) not in allowed(edition, before + after)


@pytest.mark.parametrize(
    ("edition", "word", "expected"),
    [
        ("en-GB", "communication", [3, 5, 7, 9]),  # com-mu-ni-ca-tion, as British dictionaries break it too
        ("en-AU", "qualification", [4, 5, 7, 9]),  # qual-i-fi-ca-tion
        ("en-CA", "medical", [3, 4]),  # med-i-cal
        ("de-DE", "Abschlüsse", []),  # Ab-schlüs-se, and at least 3 letters either side: never
        ("de-DE", "Dienstorten", [6, 8]),  # at the joint of the compound, not Dien-stort
        ("de-DE", "Zollverwaltung", []),  # the agency's name
        ("en-GB", "Canada’s", []),  # a name with its possessive
        ("fr-CA", "Canada", []),
        ("de-DE", "Liechtensteins", []),  # a country's name in German, genitive
    ],
)
def test_the_rules_of_each_language(edition: str, word: str, expected: list[int]):
    assert allowed(edition, word) == expected


@pytest.fixture(scope="module")
def spellers():
    enchant = pytest.importorskip("enchant")
    guide = validate(Project.at(REPO)).guide
    found = {}
    for edition in EDITIONS:
        name = dictionary_name(guide, guide.variety(guide.editions[edition]))
        if not enchant.dict_exists(name):
            pytest.skip(f"no Hunspell dictionary {name}")
        found[edition] = (enchant.Dict(name), guide.words.get(guide.editions[edition].language, frozenset()))
    return found


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_wrong_break_in_the_pdf(real_outputs, spellers, edition: str):
    found = breaks(real_outputs[edition, "pdf"].path)
    assert len(found) > 10, found  # the text is hyphenated at all: the check below has something to check
    speller, listed = spellers[edition]
    wrong = []
    for before, after in found:
        word = before + after
        if not after:
            wrong.append(f"{before}- (no continuation found)")
        elif not (speller.check(word) or word in listed):
            wrong.append(f"{before}-{after}: '{word}' is not a word of the dictionary")
        elif is_name(edition, word):
            wrong.append(f"{before}-{after}: a name is never broken")
        elif len(before) not in allowed(edition, word):
            wrong.append(f"{before}-{after}: the rules break '{word}' only at {allowed(edition, word)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_printed_url_never_ends_a_line_at_its_own_hyphen(real_outputs, edition: str):
    """A reader cannot tell a URL's hyphen from the layout's: printed URLs break after a slash, or before a hyphen
    or a dot in a long part (writers/templates.url_text), and every cited URL is printed whole."""
    pdf = real_outputs[edition, "pdf"].path
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    ends = [line.strip() for line in text.splitlines() if re.search(r"(https?://|www\.)\S*-$", line.strip())]
    assert ends == []
    flat = re.sub(r"\s+", "", text)
    cited = {source.url for source in books()[edition].sources}
    assert cited and [url for url in cited if url not in flat] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("patterns: xx_YY\n", "patterns: 'xx_YY' is not a pyphen dictionary"),
        ("patterns: en_US\nexceptions: [well-known, 'two words']\n", "exceptions: expected a list of words"),
        ("patterns: en_US\nnever: [Can-ada]\n", "never lists whole words"),
        ("patterns: en_US\nbreaks: []\n", "expected the keys patterns, exceptions, never and capitalised"),
        ("patterns: [en_US\n", "cannot read the hyphenation file"),
    ],
)
def test_a_bad_hyphenation_file_is_a_clear_error(runner, project, text: str, message: str):
    path = project / "layouts" / "hyphenation" / "en.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli(runner, "build", "en-US", "-f", "pdf", "-C", str(project))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: {message}"), result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not (project / "dist" / "en-US").exists()
