"""A readable account of one edition: its data and what conditional content it keeps."""

from __future__ import annotations

import json

from .build import check
from .models import Section
from .project import Project
from .resolve import decide, placeholder_context


def explain(project: Project, edition_id: str) -> str:
    """The resolved edition data and every condition's outcome, as text."""
    from .build import select_editions

    guide, _ = check(project)
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
    return "\n".join(lines)


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
