"""Every printed string of an edition's resolved book, for comparing editions before and after a change."""

from __future__ import annotations

from datetime import date
from typing import Any

from guidebuilder.content.guide import Guide
from guidebuilder.editions.resolve import resolve

BUILD_DATE = date(2026, 1, 15)


def edition_texts(guide: Guide, edition_id: str) -> dict[str, Any]:
    """The guide texts, each section's title, summary, body and blocks, and every spell-checked line."""
    book = resolve(guide, edition_id, BUILD_DATE)
    meta = book.meta
    return {
        "meta": [meta.title, meta.subtitle, meta.lead, list(meta.keywords)],
        "sections": [
            {
                "id": s.id,
                "title": str(s.title),
                "summary": str(s.summary),
                "body": str(s.body),
                "blocks": [_plain(b.model_dump()) for b in s.blocks],
            }
            for s in book.sections
        ],
        "lines": sorted({line.text for line in book.text_lines}),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, (int, float, bool)) else str(value)
