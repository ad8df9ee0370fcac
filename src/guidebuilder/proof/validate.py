"""Validate: read every file, resolve every edition, gather the warnings; nothing is written.
Kept apart from the build so that `check` never imports what only a build needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..content.guide import Guide, load_guide
from ..editions.book import Book
from ..editions.resolve import resolve_all
from ..errors import Findings
from ..i18n.translators import translation_warnings
from ..project import Project, build_date
from .glossary import glossary_problems
from .spellcheck import spelling_problems
from .warnings import acknowledged_numbers, stale_figures, undated_numbers


@dataclass(frozen=True)
class Validated:
    """The outcome of checking everything: the guide, every edition resolved, what was found."""

    guide: Guide
    books: dict[str, Book]
    findings: Findings
    today: date


def examine(project: Project, proofread: bool = False) -> Validated:
    """Read every file and resolve every edition, gathering problems and warnings; only unreadable or invalid
    files raise (ContentError). proofread adds the spelling and glossary findings (warnings) of `check`."""
    guide = load_guide(project.guide_dir)
    today = build_date(project)
    books, problems = resolve_all(guide, today)
    warnings = stale_figures(guide, today) + undated_numbers(guide) + translation_warnings(guide)
    if proofread and not problems:
        warnings = sorted(warnings + spelling_problems(guide, books) + glossary_problems(guide, books))
    findings = Findings(tuple(problems), tuple(warnings), tuple(acknowledged_numbers(guide)))
    return Validated(guide, books, findings, today)


def validate(project: Project, strict: bool = False, proofread: bool = False) -> Validated:
    """Validate every file and resolve every edition; ContentError lists every problem."""
    result = examine(project, proofread)
    result.findings.raise_for(strict)
    return result
