"""A readable account of one edition: its data and what conditional content it keeps."""

from __future__ import annotations

import json
from collections import Counter

from ..content import arguments
from ..content.guide import Guide
from ..content.models import Section
from ..editions.book import Book
from ..editions.glance import MIN_BARS, MIN_STAGES, ROWS
from ..editions.resolve import decide, placeholder_context
from ..editions.selection import select_editions
from ..project import Project
from .validate import validate


def explain(project: Project, edition_id: str) -> str:
    """The resolved edition data and every condition's outcome, as text."""

    arguments.edition_id(edition_id)
    checked = validate(project)
    guide = checked.guide
    select_editions(guide, [edition_id])
    edition = guide.editions[edition_id]
    lines = [
        f"edition {edition.id}: country {edition.country}, language {edition.language}, "
        f"paper {edition.paper}, currency {edition.currency}",
        "",
        "placeholders:",
    ]
    context = placeholder_context(guide, edition)
    lines += [f"  {key} = {json.dumps(value, ensure_ascii=False, default=str)}" for key, value in context.items()]
    lines += ["", "facts:"]
    for topic in ("requirements", "training", "pay", "work", "specialisations"):
        lines.append(f"  {topic}: {len(getattr(edition, topic))}")
    lines.append(
        f"  apply steps: {len(edition.apply.steps)}, links: {len(edition.links)}, sources: {len(edition.sources)}"
    )
    lines += ["", "sections:"]
    for section in guide.sections_for(edition.language):
        lines += _explain_section(section, edition, edition.overrides.get(section.id) is not None)
    lines += ["", *_explain_glance(checked.books[edition_id])]
    lines += ["", *_explain_spelling(guide, checked.books[edition_id])]
    return "\n".join(lines)


def _explain_glance(book: Book) -> list[str]:
    """Which quick facts and charts the edition's marked facts give, and what is left out for want of a mark."""
    glance = book.glance
    if glance is None:
        return ["at a glance: no page (no fact is marked with glance, stage, grade or entry)"]
    shown = [row.key for row in glance.rows]
    lines = ["at a glance:", f"  rows: {', '.join(f'{r.key} ({len(r.items)})' for r in glance.rows)}"]
    missing = [key for key in ROWS if key not in shown]
    lines.append(f"  left out, no fact marked: {', '.join(missing) if missing else 'none'}")
    graded = [p.grade for p in book.edition.pay if p.grade]
    bars = f"{len(graded)} bars ({', '.join(graded)})"
    no_bars = f"none: {len(graded)} graded figure(s), a chart needs {MIN_BARS}"
    lines.append(f"  pay chart: {bars if glance.pay else no_bars}")
    staged = [f for f in (*book.edition.apply.steps, *book.edition.training) if f.stage]
    timed = sum(1 for f in staged if f.duration)
    path = f"{len(staged)} stages, {timed} with a duration"
    no_path = f"none: {len(staged)} stage(s), a chart needs {MIN_STAGES}"
    lines.append(f"  path-in chart: {path if glance.path else no_path}")
    return lines


def _explain_spelling(guide: Guide, book: Book) -> list[str]:
    """The edition's spelling variety and every word it respelled: old -> new, count, where."""
    edition = book.edition
    variety = guide.variety(edition)
    if guide.spelling_table(edition) is None:
        return [f"spelling: {variety}, as written (no respelling)"]
    lines = [
        f"spelling: {variety}, from guide/spelling/{variety}.yaml (the source is written in {guide.meta.spelling})"
    ]
    counts = Counter((r.old, r.new) for r in book.respellings)
    for (old, new), count in sorted(counts.items(), key=lambda item: item[0][0].lower()):
        places = sorted({(r.path, r.line) for r in book.respellings if (r.old, r.new) == (old, new)})
        lines.append(f"  {old} -> {new} ({count}): {', '.join(f'{path}:{line}' for path, line in places)}")
    if not counts:
        lines.append("  no word respelled")
    return lines


def _explain_section(section: Section, edition, overridden: bool) -> list[str]:  # noqa: ANN001
    keep, why = decide(section, edition)
    mark = "in " if keep else "out"
    note = " (overridden by the edition)" if overridden else ""
    lines = [f"  {mark} {section.id}: {why}{note}"]
    for index, block in enumerate(section.blocks):
        if block.only_in or block.not_in:
            keep_block, why_block = decide(block, edition)
            lines.append(f"      {'in ' if keep_block else 'out'} block {index} ({block.type}): {why_block}")
    return lines
