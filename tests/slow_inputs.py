"""Hostile text for the slow-input test and the bench: 200 kB runs without spaces, planted in each kind of text
path of a copy of the fixture project: a body line (block Markdown), a block item (inline Markdown), a section
title (plain text with the typographer's quotes) and an edition's fact (checked for money and dates too). Table
cells and PO translations go through the same functions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

SIZE = 200_000  # characters of each run
# Runs a careless regular expression takes quadratic time over: each would restart at every character.
PAYLOADS = {
    "lt": "<",
    "underscore-a": "_a",
    "link-open": "[a](",
    "char-ref": "&#x",
    "bracket": "[",
    "backtick": "`",
    "word": "a",
}


def run_of(unit: str, size: int = SIZE) -> str:
    """unit repeated to size characters."""
    return unit * (size // len(unit))


def plant(root: Path, unit: str, size: int = SIZE) -> None:
    """Put a run of unit in every text path of the project at root (a copy of the fixture project)."""
    run = run_of(unit, size)
    guide = root / "guide"
    _append(guide / "sections/01-intro.md", f"\n\n{run}\n")  # one line of its own at the end of a section file
    _edit(guide / "sections/02-pay.md", "Check the dates.", json.dumps(run))  # a checklist item
    _edit(guide / "sections/03-local.md", "title: Local Notes", f"title: {json.dumps(run)}")
    _edit(guide / "editions/en-US.yaml", "  - text: Be a citizen.", f"  - text: {json.dumps(run)}")  # a fact


def hostile_project(into: Path, fixture: Path, layouts: Path, unit: str, size: int = SIZE) -> Path:
    """A copy of the fixture project with a run of unit in every text path."""
    root = into / "project"
    shutil.copytree(fixture, root)
    shutil.copytree(layouts, root / "layouts")
    plant(root, unit, size)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + text, encoding="utf-8")
