"""Start a new edition file: every field `check` asks for, each value still to fill in marked TODO.

Copied from a --from edition: only its layout setting (accent colour) and its structure (which fact
lists it has and how many entries, which optional fields it fills). Its facts (agency, officer,
requirements, pay, links, sources...) are true for its country only: each becomes a TODO, with the
original shown in a comment for reference. Derived from the tag through CLDR: country, language,
currency and paper size. Nothing else is guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import get_territory_currencies

from ..content.arguments import edition_tag
from ..content.loader import TODO, Reader, to_do_values
from ..content.models import Edition
from ..content.vocabulary import FILE as VOCABULARY_FILE
from ..content.vocabulary import used_keys
from ..content.yamlpos import parse_yaml
from ..errors import BuildError, ContentError, UsageError
from .locale import country_name, language_name

# CLDR supplemental paperSize: the territories where US Letter is the norm (half-letter booklets).
LETTER_TERRITORIES = frozenset({"BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"})
DEFAULT_ACCENT = "#1f5673"
FACT_LISTS = ("requirements", "training", "work", "specialisations")
HINTS = {
    "requirements": "one entry requirement (nationality, age, health, education...)",
    "training": "one fact about the training (where, how long)",
    "work": "one fact about where and how officers work",
    "specialisations": "one specialist role",
    "steps": "one step of the application",
}


@dataclass(frozen=True)
class NewEdition:
    """The file new_edition wrote, how many values are still to fill in, and what else is needed."""

    path: Path
    to_fill: int
    notes: tuple[str, ...]


def new_edition(guide_dir: Path, tag: str, from_id: str | None = None) -> NewEdition:
    """Write guide/editions/<tag>.yaml with TODO values; refuse a malformed tag, an existing file
    or an unknown --from edition."""
    language, country = edition_tag(tag)
    if not guide_dir.is_dir():
        raise UsageError(f"no guide folder at {guide_dir}")
    path = guide_dir / "editions" / f"{tag}.yaml"
    if path.exists():
        raise UsageError(f"{_shown(guide_dir, path)} already exists; edit it, or choose another tag")
    model = _load_from(guide_dir, from_id) if from_id else None
    words = _words(guide_dir, language)
    text = render(tag, language, country, model, from_id, _varieties(guide_dir, tag, language), words)
    _create(path, text, _shown(guide_dir, path))
    to_fill = len(list(to_do_values(parse_yaml(text).data)))
    return NewEdition(path, to_fill, tuple(_language_notes(guide_dir, language)))


def _create(path: Path, text: str, shown: str) -> None:
    """Write a new file, never replacing one (not even one made meanwhile)."""
    try:
        path.parent.mkdir(exist_ok=True)  # editions/ inside guide/, which must be there
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError as exc:
        if Path(exc.filename or "") == path:
            raise UsageError(f"{shown} already exists; edit it, or choose another tag") from None
        raise BuildError(f"cannot write {shown}: {exc.strerror}") from None
    except OSError as exc:
        raise BuildError(f"cannot write {shown}: {exc.strerror}") from None


def _load_from(guide_dir: Path, from_id: str) -> Edition:
    """The edition to copy the layout and structure of; unknown or invalid is an error."""
    known = sorted(p.stem for p in (guide_dir / "editions").glob("*.yaml"))
    if from_id not in known:
        raise UsageError(f"unknown edition '{from_id}' for --from; known editions: {', '.join(known)}")
    path = guide_dir / "editions" / f"{from_id}.yaml"
    reader = Reader(guide_dir)
    _, model = reader.yaml_model(path, Edition)
    if model is None:
        raise ContentError(reader.problems)
    return model


def _language_notes(guide_dir: Path, language: str) -> Iterable[str]:
    """What else an edition in this language needs: interface strings, translated sections."""
    name = language_name(language, "en")
    if not (guide_dir / "strings" / f"{language}.yaml").is_file():
        yield (
            f"{name} ('{language}') has no interface strings yet: copy guide/strings/en.yaml to "
            f"guide/strings/{language}.yaml and translate every value"
        )
    guide = Reader(guide_dir).yaml_file(guide_dir / "guide.yaml") if (guide_dir / "guide.yaml").is_file() else None
    source_language = guide.doc.data.get("language", "en") if guide else "en"  # check reports a broken file
    if language != source_language and not (guide_dir / "translations" / f"{language}.po").is_file():
        yield (
            f"{name} ('{language}') has no translation of the guide yet: run `guidebuilder new-language {language}` "
            f"and translate guide/translations/{language}.po (README: Languages and translations)"
        )


def _shown(guide_dir: Path, path: Path) -> str:
    return path.relative_to(guide_dir.parent).as_posix() if path.is_relative_to(guide_dir.parent) else str(path)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _todo(hint: str) -> str:
    return _q(f"{TODO}: {hint}")


class _Lines:
    """The file's lines, with a reference comment showing the --from edition's value where it has one."""

    def __init__(self, from_id: str | None):
        self.from_id = from_id
        self.lines: list[str] = []

    def add(self, line: str = "", was: object = None) -> None:
        if was is not None and self.from_id:
            indent = len(line) - len(line.lstrip(" "))
            self.lines.append(" " * indent + f"# {self.from_id}: {' '.join(str(was).split())}")
        self.lines.append(line)


def _varieties(guide_dir: Path, tag: str, language: str) -> tuple[str, ...]:
    """The spelling varieties to choose from when an edition in the source language has no table of its own."""
    guide = (
        parse_yaml((guide_dir / "guide.yaml").read_text(encoding="utf-8")).data
        if (guide_dir / "guide.yaml").is_file()
        else {}
    )
    guide = guide if isinstance(guide, dict) else {}
    source = guide.get("spelling", "en-US")
    tables = sorted(p.stem for p in (guide_dir / "spelling").glob("*.yaml"))
    if language != guide.get("language", "en") or tag == source or tag in tables:
        return ()
    return (source, *tables)


def _words(guide_dir: Path, language: str) -> dict[str, str]:
    """The vocabulary words an edition in this language prints, each with its meaning: those the source sections
    use (printed where a unit is untranslated, too) and those the language's translation uses."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((guide_dir / "sections").glob("*.md"))]
    po = guide_dir / "translations" / f"{language}.po"
    if po.is_file():
        texts.append(po.read_text(encoding="utf-8"))
    declared = _declared(guide_dir)
    used = dict.fromkeys(key for text in texts for key in used_keys(text))
    ordered = [key for key in declared if key in used] + [key for key in used if key not in declared]
    return {key: declared.get(key, "the wording of this word in this edition") for key in ordered}


def _declared(guide_dir: Path) -> dict[str, str]:
    """What each declared vocabulary word names (none when the file is missing or malformed: check says why)."""
    path = guide_dir / VOCABULARY_FILE
    try:
        words = parse_yaml(path.read_text(encoding="utf-8")).data.get("words") or {}
        return {key: " ".join(str(word["meaning"]).split()) for key, word in words.items()}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return {}


def render(
    tag: str,
    language: str,
    country: str,
    model: Edition | None,
    from_id: str | None,
    varieties: tuple[str, ...] = (),
    words: dict[str, str] | None = None,
) -> str:
    """The new edition file's text."""
    out = _Lines(from_id)
    _head(out, tag, language, country, model, from_id)
    _vocabulary(out, words or {}, model)
    if varieties:
        chosen = model.spelling or from_id if model and (model.spelling or from_id) in varieties else None
        hint = f"the spelling variety its readers expect: one of {', '.join(varieties)}"
        out.add(f"spelling: {chosen or _todo(hint)}  # no guide/spelling/{tag}.yaml: print in this variety")
        out.add()
    _people(out, model)
    for topic in FACT_LISTS:
        _facts(out, topic, getattr(model, topic) if model else None)
    _pay(out, model)
    _apply(out, model)
    _links(out, model)
    out.add("sources:")
    out.add("  # One entry per page you cite: facts name these keys in their source lists.")
    out.add("  src1:")
    out.add(f"    url: {_todo('the address of a page the facts come from (https://...)')}")
    out.add(f"    title: {_todo('the title of that page')}")
    out.add(f"    accessed: {_todo('the day you read it, YYYY-MM-DD (or published: the date the page gives)')}")
    return "\n".join(out.lines) + "\n"


def _head(out: _Lines, tag: str, language: str, country: str, model: Edition | None, from_id: str | None) -> None:
    origin = f", its layout and structure copied from {from_id}" if from_id else ""
    out.add(f"# {country_name(country, 'en')} edition ({tag}), started with guidebuilder new-edition{origin}.")
    out.add("# Every value marked TODO is still to fill in: `guidebuilder check` lists each with its line.")
    if from_id:
        out.add(f"# The {from_id} lines in comments are that country's facts, shown for reference only:")
        out.add("# they are not true for this edition. Delete them as you go.")
    if model and model.overrides:
        out.add(f"# {from_id} overrides sections ({', '.join(model.overrides)}) with its own text: not copied;")
        out.add("# add overrides: for this edition only where its readers need different text.")
    out.add("# Print only facts a page states: every fact names its sources (keys under sources:) and a")
    out.add("# date (its as_of, or its source's published or accessed date). Lists of facts are optional:")
    out.add("# delete one you have no sourced facts for, and the layout leaves it out.")
    out.add(f"id: {tag}")
    out.add(f"country: {country}")
    out.add(f"language: {language}")
    paper = "half-letter" if country in LETTER_TERRITORIES else "A5"
    out.add(f"paper: {paper}  # the paper size {country_name(country, 'en')} uses (CLDR): A5 or half-letter")
    currencies = get_territory_currencies(country)
    currency = currencies[0] if currencies else f"{TODO}"
    out.add(f"currency: {currency}  # the currency of {country_name(country, 'en')} (CLDR), for pay figures")
    accent = model.accent if model else DEFAULT_ACCENT
    out.add(f'accent: "{accent}"  # cover and headings; at least 4.5:1 contrast on white')
    out.add()


def _vocabulary(out: _Lines, words: dict[str, str], model: Edition | None) -> None:
    """The words the shared text prints in each country's own way, each still to fill in."""
    if not words:
        return
    out.add("# How this edition says what differs by country, in its language (guide/vocabulary.yaml).")
    out.add("vocabulary:")
    for key, meaning in words.items():
        out.add(f"  {key}: {_todo(meaning)}", model and model.vocabulary.get(key))
    out.add()


def _people(out: _Lines, model: Edition | None) -> None:
    agency, officer = (model.agency, model.officer) if model else (None, None)
    out.add("agency:")
    out.add(f"  name: {_todo('the agency that hires officers, as it names itself')}", agency and agency.name)
    if agency and agency.short:
        out.add(f"  short: {_todo('its short name or abbreviation')}", agency.short)
    if agency and agency.parent:
        out.add(f"  parent: {_todo('the ministry or department it belongs to')}", agency.parent)
    out.add(f"  url: {_todo('its official page (https://...)')}", agency and agency.url)
    out.add(f"  source: [{TODO}]")
    out.add("officer:")
    out.add(f"  title: {_todo('the job title at entry')}", officer and officer.title)
    if officer and officer.grade:
        out.add(f"  grade: {_todo('the grade at entry')}", officer.grade)
    out.add(f"  source: [{TODO}]")
    out.add()


def _facts(out: _Lines, topic: str, facts: tuple | None) -> None:
    if facts is not None and not facts:
        return  # the --from edition has none: neither has this one, until someone finds a source
    out.add(f"{topic}:")
    for fact in facts or (None,):
        out.add(f"  - text: {_todo(HINTS[topic])}", fact and fact.text)
        out.add(f"    source: [{TODO}]")
        if fact is None or fact.as_of:
            out.add(f"    as_of: {_todo('YYYY, YYYY-MM or YYYY-MM-DD, or delete it when its source is dated')}")
    out.add()


def _pay(out: _Lines, model: Edition | None) -> None:
    pay = model.pay if model else (None,)
    _pay_page(out, model)
    if not pay:
        return
    out.add("pay:")
    for figure in pay:
        out.add(f"  - label: {_todo('who is paid this, e.g. the entry grade')}", figure and figure.label)
        out.add(f"    amount: {_todo('the amount, a number')}", figure and figure.amount)
        if figure is None or figure.amount_max is not None:
            top = _todo("the top of the range, or delete this line")
            out.add(f"    amount_max: {top}", figure and figure.amount_max)
        out.add(f"    period: {_todo('year, month, week or hour')}", figure and figure.period)
        out.add(f"    as_of: {_todo('the date the figure applies to: YYYY, YYYY-MM or YYYY-MM-DD')}")
        out.add(f"    source: [{TODO}]")
    out.add()


def _pay_page(out: _Lines, model: Edition | None) -> None:
    page = model.pay_page if model else None
    out.add("# The official page with the current rates, printed where the edition has no pay figure.")
    out.add("pay_page:")
    out.add(f"  title: {_todo('the name of the official pay page')}", page and page.title)
    out.add(f"  url: {_todo('its address (https://...)')}", page and page.url)
    out.add()


def _apply(out: _Lines, model: Edition | None) -> None:
    apply = model.apply if model else None
    out.add("apply:")
    out.add(f"  url: {_todo('where to apply (https://...)')}", apply and apply.url)
    if apply is None or apply.summary:
        out.add(f"  summary: {_todo('one sentence on how to apply, or delete this line')}", apply and apply.summary)
    steps = apply.steps if apply else None
    if steps is None or steps:
        out.add("  steps:")
        for step in steps or (None,):
            out.add(f"    - text: {_todo(HINTS['steps'])}", step and step.text)
            out.add(f"      source: [{TODO}]")
    out.add()


def _links(out: _Lines, model: Edition | None) -> None:
    out.add("# Official pages printed with a QR code.")
    out.add("links:")
    for link in model.links if model else (None,):
        out.add(f"  - title: {_todo('the name of an official page')}", link and link.title)
        out.add(f"    url: {_todo('its address (https://...)')}", link and link.url)
    careers = _todo("the official careers page, printed on the back cover")
    out.add(f"careers_url: {careers}", model and model.careers_url)
    out.add()
