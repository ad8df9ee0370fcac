"""The translators' workflow over a loaded guide: how much is translated, PO export (msgmerge-like),
word-level diffs of changed source, a new language."""

from __future__ import annotations

from pathlib import Path

from ..content.arguments import language_code
from ..content.guide import Guide, SourceText
from ..content.po import Entry, Unit, merge, write_po
from ..content.translations import Catalog, po_path, source_units
from ..errors import Problem, UsageError


def translation_warnings(guide: Guide) -> list[Problem]:
    """Per language: how much is translated, and each fuzzy or untranslated unit at its source line."""
    found = []
    units = source_units(guide.sections, guide.meta, guide.origins)
    contexts = {u.context for u in units}
    for language, catalog in sorted(guide.catalogs.items()):
        for context in catalog.entries.keys() - contexts:
            entry = catalog.entries[context]
            found.append(
                Problem(
                    catalog.path,
                    entry.line,
                    context,
                    "warning: no longer in the source; `translations export` moves it to the obsolete entries",
                )
            )
        states = [catalog.state(u) for u in units]
        if all(s == "translated" for s in states):
            continue
        found.append(Problem(catalog.path, 0, "", f"warning: {status_line(language, states)}"))
        for unit, state in zip(units, states, strict=True):
            if state != "translated":
                where = f"{catalog.path}:{catalog.line(unit)}" if catalog.line(unit) else catalog.path
                message = f"warning: {language}: {state} ({where}); the edition prints the source text"
                found.append(Problem(unit.path, unit.line, unit.context, message))
    return found


def status_line(language: str, states: list[str]) -> str:
    """`fr: 96% translated, 3 fuzzy, 2 untranslated`."""
    done = states.count("translated")
    percent = int(100 * done / len(states)) if states else 100
    return (
        f"{language}: {percent}% translated, {states.count('fuzzy')} fuzzy, {states.count('untranslated')} untranslated"
    )


def export(guide: Guide | SourceText, language: str) -> tuple[Path, list[str]]:
    """Write (or update, like msgmerge) the language's PO file for the current source; its units' states."""
    _translatable(guide, language)
    units = source_units(guide.sections, guide.meta, guide.origins)
    path = po_path(guide.root, language)
    old = dict(guide.catalogs[language].entries) if language in guide.catalogs else {}
    entries = merge(units, old)
    current = {u.context for u in units}
    kept = {(e.source, e.string) for e in entries if e.string}
    obsolete = [e for c, e in old.items() if c not in current and e.string and (e.source, e.string) not in kept]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_po(path, language, units, entries, obsolete)
    catalog = Catalog(language, str(path), {e.context: e for e in entries})
    return path, [catalog.state(u) for u in units]


def fuzzy_changes(guide: Guide | SourceText, language: str) -> list[tuple[Unit, str, str]]:
    """Each fuzzy unit with the source it was translated from and the current source."""
    catalog = guide.catalogs.get(language_code(language))
    if catalog is None:
        return []
    changes = []
    for unit in source_units(guide.sections, guide.meta, guide.origins):
        entry = catalog.entries.get(unit.context)
        if entry is not None and catalog.state(unit) == "fuzzy":
            before = entry.previous or (entry.source if entry.source != unit.text else "")
            changes.append((unit, before, unit.text))
    return changes


def word_diff(before: str, after: str) -> str:
    """A word-level change: [-removed-] {+added+}."""
    import difflib

    old, new = before.split(), after.split()
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(old[i1:i2])
            continue
        if i2 > i1:
            out.append("[-" + " ".join(old[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(new[j1:j2]) + "+}")
    return " ".join(out)


def new_language(guide: Guide | SourceText, language: str) -> list[Path]:
    """A PO file with every unit untranslated, and a copy of the English interface strings marked TODO."""
    _translatable(guide, language)
    path = po_path(guide.root, language)
    if path.exists():
        raise UsageError(f"{path} already exists; update it with `guidebuilder translations export {language}`")
    units = source_units(guide.sections, guide.meta, guide.origins)
    write_po(path, language, units, [Entry(u.context, u.text) for u in units])
    made = [path]
    strings = guide.root / "strings" / f"{language}.yaml"
    if not strings.exists():
        source = (guide.root / "strings" / f"{guide.meta.language}.yaml").read_text(encoding="utf-8")
        strings.write_text(_to_do_strings(source), encoding="utf-8")
        made.append(strings)
    return made


def _translatable(guide: Guide | SourceText, language: str) -> None:
    """A usage error unless language is a language code other than the source's."""
    if language_code(language) == guide.meta.language:
        raise UsageError(f"'{language}' is the language of the source (guide.yaml language)")


def _to_do_strings(source: str) -> str:
    """The source's interface strings, each value prefixed TODO so check lists every one still to translate."""
    import yaml

    values = {key: f"TODO {value}" for key, value in yaml.safe_load(source).items()}
    note = "# Interface strings to translate: replace each value, removing the TODO marker.\n"
    return note + yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=1000)
