"""One-off (run once at the commit that added it): turn guide/translations/<lang>/*.md + guide.yaml into
guide/translations/<lang>.po, pairing each source unit with the same unit of the old translated copy."""

from __future__ import annotations

import sys
from pathlib import Path

from guidebuilder.guide import load_guide
from guidebuilder.po import Entry, body_pieces, guide_units, model_texts, section_units, write_po


def translated_texts(section, sid: str, source_units: int) -> dict[str, str]:
    """The texts of an old translated section by msgctxt; extra body chunks join the last body unit."""
    texts = {f"{sid}/title": section.title, f"{sid}/summary": section.summary}
    for index, block in enumerate(section.blocks):
        for loc, text in model_texts(block, ("blocks", index)):
            texts["/".join(map(str, (sid, *loc)))] = text
    pieces = body_pieces(section.body)[:-1]
    chunks = [text for _, text, _ in pieces]
    literals = [literal for literal, _, _ in pieces]
    if len(chunks) > source_units:  # a paragraph translated as paragraph + list: one unit, kept whole
        tail = chunks[source_units - 1] + "".join(lit + text for lit, text in zip(literals[source_units:], chunks[source_units:]))
        chunks = chunks[: source_units - 1] + [tail]
    for index, text in enumerate(chunks):
        texts[f"{sid}/body/{index}"] = text
    return texts


def main(root: Path) -> None:
    guide = load_guide(root / "guide")
    for language, translated in guide.translations.items():
        units, texts = [], {}
        for section in guide.sections:
            section_list = list(section_units(section, guide.section_origin(section.id)))
            body_count = sum(1 for u in section_list if "/body/" in u.context)
            units += section_list
            texts.update(translated_texts(translated[section.id], section.id, body_count))
        units += list(guide_units(guide.meta, guide.origins["guide"]))
        text = guide.texts[language]
        texts.update({f"guide.yaml/{n}": getattr(text, n) for n in ("title", "subtitle", "lead")})
        texts["guide.yaml/keywords"] = ", ".join(text.keywords)
        missing = [u.context for u in units if u.context not in texts]
        extra = set(texts) - {u.context for u in units}
        if missing or extra:
            sys.exit(f"{language}: cannot pair units: missing {missing}, extra {sorted(extra)}")
        entries = [Entry(u.context, u.text, texts[u.context]) for u in units]
        write_po(root / "guide" / "translations" / f"{language}.po", language, units, entries)
        print(f"{language}: {len(entries)} units")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
