"""Translations: sections and guide texts in other languages, complete and traceable to their source."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Problem
from .loader import Origin, Reader, load_section_files
from .models import Edition, GuideMeta, GuideText, Section, TranslatedSection
from .types import check_language

if TYPE_CHECKING:
    from .guide import Guide


def source_hash(path: Path) -> str:
    """The version stamp a translation records: the first 12 hex digits of the source file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def load_translations(
    reader: Reader, root: Path, origins: dict[str, Origin]
) -> tuple[dict[str, dict[str, Section]], dict[str, GuideText]]:
    """Every translations/<lang>/ folder: its sections and its guide.yaml texts."""
    sections: dict[str, dict[str, Section]] = {}
    texts: dict[str, GuideText] = {}
    folder = root / "translations"
    for lang_dir in sorted(p for p in folder.glob("*") if p.is_dir()):
        language = lang_dir.name
        try:
            check_language(language)
        except ValueError as exc:
            reader.problem(lang_dir, 0, "", f"folder name must be a language code: {exc}")
            continue
        sections[language] = load_section_files(reader, lang_dir, TranslatedSection, f"section:{language}", origins)
        guide_file = lang_dir / "guide.yaml"
        if guide_file.is_file():
            origin, text = reader.yaml_model(guide_file, GuideText)
            if text is not None:
                texts[language] = text
                origins[f"guide:{language}"] = origin
    return sections, texts


def check_translations(
    reader: Reader,
    root: Path,
    meta: GuideMeta,
    sections: dict[str, Section],
    editions: dict[str, Edition],
    translations: dict[str, dict[str, Section]],
    texts: dict[str, GuideText],
    origins: dict[str, Origin],
) -> None:
    """Every language an edition uses has every section and the guide texts; no stray translations."""
    needed: dict[str, list[str]] = {}
    for edition in editions.values():
        if edition.language != meta.language:
            needed.setdefault(edition.language, []).append(edition.id)
    for language, edition_ids in sorted(needed.items()):
        folder = reader.name(root / "translations" / language)
        who = f"needed by {', '.join(edition_ids)}"
        translated = translations.get(language, {})
        failed = any(p.path.startswith(folder + "/") for p in reader.problems)
        for sid in meta.sections:
            if sid in sections and sid not in translated and not failed:
                reader.problem(folder, 0, "", f"missing translation of section '{sid}' ({who})")
        if language not in texts and not (root / "translations" / language / "guide.yaml").is_file():
            reader.problem(folder, 0, "", f"missing guide.yaml with the guide's title, subtitle and lead ({who})")
    for language, translated in translations.items():
        for sid in sorted(translated.keys() - sections.keys()):
            origin = origins[f"section:{language}:{sid}"]
            reader.problem(origin.path, origin.line(("id",)), "id", f"translation of unknown section '{sid}'")


def stale_translations(guide: Guide) -> list[Problem]:
    """Warnings for translations made from an older version of their source."""
    found = []
    for language, translated in guide.translations.items():
        for sid, section in translated.items():
            source_origin = guide.section_origin(sid)
            current = source_hash(guide.root.parent / source_origin.path)
            if section.source_hash != current:
                origin = guide.section_origin(sid, language)
                found.append(_stale(origin, source_origin.path, section.source_hash, current))
        text = guide.texts.get(language)
        if text is not None:
            current = source_hash(guide.root / "guide.yaml")
            if text.source_hash != current:
                origin = guide.origins[f"guide:{language}"]
                found.append(_stale(origin, guide.origins["guide"].path, text.source_hash, current))
    return found


def _stale(origin: Origin, source: str, recorded: str, current: str) -> Problem:
    return Problem(
        origin.path,
        origin.line(("source_hash",)),
        "source_hash",
        f"warning: translation made from an older {source} ({recorded}, now {current}); "
        f'update it, then set source_hash: "{current}"',
    )
