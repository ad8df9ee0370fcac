"""The README and docs/ name only what exists: every `guidebuilder` command and option (against its --help), every
file or folder (src/, guide/, layouts/, tests/, docs/, bench/, tools/, and bare file names in code), every make
target (against the Makefile)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guidebuilder.cli.app import app

from .conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
READERS = ("authors", "translators", "print", "site", "developers")

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
SPAN = re.compile(r"`([^`\n]+)`")
# `guidebuilder` or `.venv/bin/guidebuilder` as a command, not src/guidebuilder/ or guidebuilder.module.
COMMAND = re.compile(r"(?<![\w.-])(?:\.venv/bin/)?guidebuilder(?![\w./-])([^#`\n]*)")
PATH = re.compile(r"(?<![\w./~$-])((?:src|guide|layouts|tests|docs|bench|tools)/[^\s`'\",;:()|]*)")
FILE_NAME = re.compile(r"^[\w.-]+(?:/[\w.-]+)*\.(?:py|j2|css|yaml|md|txt|po|java|icc|sh|toml)$")
MAKE = re.compile(r"(?<![\w-])make +([a-z][\w-]*)")
PLACEHOLDER = re.compile(r"<[^>]+>|\bNN\b")
COMMENT = re.compile(r"(?:^|\s)#.*$", re.M)


def _code(text: str) -> list[str]:
    """The code of a Markdown text: every fenced block (without its comments) and every inline span."""
    return [COMMENT.sub("", block) for block in FENCE.findall(text)] + SPAN.findall(FENCE.sub("", text))


def _doc_ids() -> list[str]:
    return [str(path.relative_to(REPO)) for path in DOCS]


@cache
def _help(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], prog_name="guidebuilder")
    assert result.exit_code == 0, f"guidebuilder {' '.join(command)} --help: {result.output}"
    return result.output


def _commands(help_text: str) -> set[str]:
    """The subcommands a --help lists."""
    listed = help_text.split("Commands:", 1)[1] if "Commands:" in help_text else ""
    return {line.split()[0] for line in listed.splitlines() if line.startswith("  ") and line.split()}


def _options(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", help_text))


def check_command(words: list[str]) -> list[str]:
    """What is wrong with one documented command line (its words after `guidebuilder`)."""
    words = [w.strip("[]") for w in words]
    command: list[str] = []
    problems = []
    for word in words:
        if not word or word.startswith("-"):
            continue
        if word in _commands(_help(*command)):
            command.append(word)
        elif not command and not _commands(_help(*command)) & {word}:
            if re.fullmatch(r"[a-z][a-z-]+", word):
                problems.append(f"unknown command 'guidebuilder {word}'")
            break
        else:
            break  # an argument: the command is complete
    known = _options(_help(*command))
    for word in words:
        if word.startswith("-"):
            for option in re.split(r"[/|=]", word)[0:1] + [p for p in word.split("/")[1:] if p.startswith("-")]:
                if option and option not in known:
                    problems.append(f"'guidebuilder {' '.join(command)}' has no option {option}")
    return problems


@pytest.mark.parametrize("doc", DOCS, ids=_doc_ids())
def test_every_guidebuilder_command_and_option_exists(doc: Path):
    found, problems = 0, []
    for code in _code(doc.read_text(encoding="utf-8")):
        for match in COMMAND.finditer(code):
            found += 1
            problems += check_command(match[1].split())
    assert found or doc.name in ("translators.md",) or doc.parent.name == "docs"
    assert problems == [], doc.name


def _exists(name: str) -> bool:
    """A path (placeholders such as <lang> or NN match any name) exists in the repository."""
    pattern = PLACEHOLDER.sub("*", name.rstrip("/").removesuffix("."))
    return any(REPO.glob(pattern)) if "*" in pattern else (REPO / pattern).exists()


@cache
def _repository_files() -> tuple[str, ...]:
    roots = ("src", "guide", "layouts", "tests", "docs", "bench", "tools")
    files = [p for root in roots for p in (REPO / root).rglob("*")] + list(REPO.glob("*"))
    return tuple(str(p.relative_to(REPO)) for p in files if p.is_file())


@pytest.mark.parametrize("doc", DOCS, ids=_doc_ids())
def test_every_file_named_exists(doc: Path):
    text = doc.read_text(encoding="utf-8")
    paths = {match.rstrip(".") for match in PATH.findall(text)}
    missing = sorted(path for path in paths if not _exists(path))
    names = {span for span in SPAN.findall(text) if FILE_NAME.match(span) and not PATH.match(span)}
    files = _repository_files()
    missing += sorted(n for n in names if not any(f == n or f.endswith("/" + n) for f in files))
    assert paths, doc.name
    assert missing == [], doc.name


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w.-]*):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("doc", DOCS, ids=_doc_ids())
def test_every_make_target_exists(doc: Path):
    targets = {target for code in _code(doc.read_text(encoding="utf-8")) for target in MAKE.findall(code)}
    assert targets - _make_targets() == set(), doc.name


def test_the_readme_is_short_and_sends_each_reader_to_a_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 10_000
    for command in ("make", "make test"):
        assert f"\n{command} " in readme
    for reader in READERS:
        assert f"`docs/{reader}.md`" in readme
    assert sorted(p.stem for p in (REPO / "docs").glob("*.md")) == sorted(READERS)


def test_the_checks_catch_what_does_not_exist():
    assert check_command(["build", "--format", "pdf", "--nowhere"]) == ["'guidebuilder build' has no option --nowhere"]
    assert check_command(["translations", "export", "fr", "--strict"]) == [
        "'guidebuilder translations export' has no option --strict"
    ]
    assert check_command(["publish", "en-GB"]) == ["unknown command 'guidebuilder publish'"]
    assert check_command(["preview", "[EDITION]", "[--open/--no-open]", "[--port", "8000]"]) == []
    assert not _exists("src/guidebuilder/build.py")  # moved to pipeline/ with the stage packages
    assert _exists("guide/translations/<lang>.po") and _exists("guide/sections/NN-<id>.md")
    assert "bench" in _make_targets() and "publish" not in _make_targets()
