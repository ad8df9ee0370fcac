"""Resolve one edition of the guide: conditions, overrides, placeholders, locale formatting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from pydantic import BaseModel

from ..content.guide import Guide
from ..content.loader import Origin
from ..content.models import Conditional, Edition, Fact, Facts, Section, Source, UiStrings
from ..content.text import TextError, fill, markdown_block, markdown_inline, smarten
from ..content.vocabulary import USE, missing_message, unknown_message
from ..errors import ContentError, Problem
from . import locale as fmt
from .book import Book, BookSection, FactLine, FactSheet, LinkItem, PayLine, SourceNote, TextLine
from .glance import Formatter, at_a_glance
from .spelling import Respelling, Variety
from .typography import slash_breaks, typeset, typeset_html

LETTERS = re.compile(r"[^\W\d_]+")
UNFILLED = ("type", "kind", "src", "topic", "url", "only_in", "not_in", "accessed")


def decide(item: Conditional, edition: Edition) -> tuple[bool, str]:
    """Whether a section or block is in an edition, and why."""
    keys = (edition.id, edition.country)
    if item.not_in and any(k in item.not_in for k in keys):
        return False, f"not_in lists {', '.join(k for k in keys if k in item.not_in)}"
    if item.only_in:
        hits = [k for k in keys if k in item.only_in]
        if not hits:
            return False, f"only_in {', '.join(item.only_in)}"
        return True, f"only_in lists {', '.join(hits)}"
    return True, "no condition" if not item.not_in else f"not_in {', '.join(item.not_in)}"


def has_content(block: object, edition: Edition) -> bool:
    """False for a facts block whose topic has no facts in this edition: the layout leaves it out."""
    if not isinstance(block, Facts) or block.topic in ("agency", "apply", "links"):
        return True
    if block.topic == "pay":
        return bool(edition.pay or edition.pay_page)  # no figure: the official page with the rates is printed
    return bool(getattr(edition, block.topic))


def placeholder_context(guide: Guide, edition: Edition) -> dict[str, Any]:
    """The edition data placeholders can read, its vocabulary words filled from that data."""
    data = edition.model_dump(include={"agency", "officer", "apply", "careers_url"})
    data["agency"]["short"] = edition.agency.short or edition.agency.name
    data["country"] = {"code": edition.country, "name": fmt.country_name(edition.country, edition.id)}
    data["edition"] = {"id": edition.id, "language": edition.language}
    data["guide"] = {"title": guide.meta_for(edition.language).title, "publisher": guide.meta.publisher}
    data["vocabulary"] = {key: _filled_word(value, data) for key, value in edition.vocabulary.items()}
    return data


def _filled_word(value: str, data: dict[str, Any]) -> str:
    """A vocabulary word with its data placeholders filled ("the {{ agency.name }}"); as written when it cannot
    be (the resolver reports why at the word's line)."""
    try:
        return fill(value, data)
    except TextError:
        return value


@dataclass
class Resolver:
    """Fills and renders the text of one edition, collecting every problem."""

    guide: Guide
    edition: Edition
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.context = placeholder_context(self.guide, self.edition)
        self.language = self.edition.language
        table = self.guide.spelling_table(self.edition)
        self.variety = Variety(self.guide.variety(self.edition), table) if table else None
        self.lines: list[TextLine] = []
        self.respellings: list[Respelling] = []
        self._check_words()

    def _check_words(self) -> None:
        """Each of the edition's vocabulary words can be filled from its data."""
        origin = self.guide.edition_origin(self.edition.id)
        data = {k: v for k, v in self.context.items() if k != "vocabulary"}
        for key, value in self.edition.vocabulary.items():
            try:
                fill(value, data)
            except TextError as exc:
                self._problem(origin, ("vocabulary", key), exc)

    def text(
        self, value: str, origin: Origin, loc: tuple[Any, ...], block: bool = False, respell: bool = True
    ) -> Markup:
        """Respell, fill placeholders, render Markdown and set the locale's typography; '' on error."""
        try:
            filled = self._filled(value, origin, loc, respell)
            html = markdown_block(filled, self.language) if block else markdown_inline(filled, self.language)
            return typeset_html(html, self.edition.id)
        except TextError as exc:
            self._problem(origin, loc, exc)
            return Markup("")

    def plain(self, value: str, origin: Origin, loc: tuple[Any, ...]) -> str:
        """Respell, fill placeholders and set the typography of text that is not Markdown (titles, alt text)."""
        try:
            filled = self._filled(value, origin, loc, respell=True)
            return typeset(smarten(filled, self.language), self.edition.id)
        except TextError as exc:
            self._problem(origin, loc, exc)
            return ""

    def quoted(self, value: str) -> str:
        """A name or a cited title: the locale's typography, its own spelling kept, not spell-checked."""
        return typeset(smarten(value, self.language), self.edition.id)

    def fields(self, model: BaseModel, origin: Origin, names: Iterable[str]) -> Any:
        """A copy of model with the named plain-text fields resolved (UI strings, the guide's title and lead)."""
        return model.model_copy(update={n: self.plain(getattr(model, n), origin, (n,)) for n in names})

    def _filled(self, value: str, origin: Origin, loc: tuple[Any, ...], respell: bool) -> str:
        """The text in the edition's spelling variety with its placeholders filled; each line recorded for the
        spell check, except cited page titles (respell=False), which keep the spelling of their page."""
        if respell and self.variety is not None:
            value, made = self.variety.apply(value)
            for offset, old, new in made:
                self.respellings.append(Respelling(old, new, origin.path, self._line(origin, loc, offset)))
        self._check_vocabulary(value)
        filled = fill(value, self.context)
        for offset, line in enumerate(filled.split("\n") if respell else ()):
            if line.strip():
                language = self.guide.meta.language if origin.prints_source(self._loc(loc, offset)) else self.language
                self.lines.append(TextLine(origin.path, self._line(origin, loc, offset), line, language))
        return filled

    def _check_vocabulary(self, value: str) -> None:
        """Every vocabulary word a text prints is declared, and given by this edition."""
        for match in USE.finditer(value):
            key = match[1]
            if key in self.context["vocabulary"]:
                continue
            declared = self.guide.vocabulary
            message = missing_message(key) if key in declared else unknown_message(key, declared)
            raise TextError(message, value.count("\n", 0, match.start()))

    @staticmethod
    def _loc(loc: tuple[Any, ...], offset: int) -> tuple[Any, ...]:
        """The location of a line of a text: a body's lines each have their own."""
        return ("body", offset) if loc == ("body",) else loc

    @staticmethod
    def _line(origin: Origin, loc: tuple[Any, ...], offset: int) -> int:
        """The file line of a line of a text: in a Markdown body counted from the body's first line."""
        return origin.line(("body", offset)) if loc == ("body",) else origin.line(loc) + offset

    def _problem(self, origin: Origin, loc: tuple[Any, ...], exc: TextError) -> None:
        """Record a text problem at its line."""
        line = self._line(origin, loc, exc.line)
        self.problems.append(Problem(origin.path, line, ".".join(map(str, loc)), str(exc)))

    def value(self, value: Any, origin: Origin, loc: tuple[Any, ...], respell: bool = True) -> Any:
        """Resolve every text inside a block model, keeping its type; titles of cited pages keep their spelling."""
        if isinstance(value, BaseModel):
            respell = respell and not isinstance(value, Source)
            updates = {
                name: self.value(getattr(value, name), origin, loc + (name,), respell)
                for name in type(value).model_fields
                if name not in UNFILLED
            }
            return value.model_copy(update=updates)
        if isinstance(value, tuple):
            return tuple(self.value(item, origin, loc + (index,), respell) for index, item in enumerate(value))
        if isinstance(value, str):
            if loc[-1] == "alt":
                return self.plain(value, origin, loc)
            return self.text(value, origin, loc, respell=respell)
        return value

    def section(self, section: Section, number: int) -> BookSection:
        """A section with its override applied and its text resolved."""
        source = self.guide.section_origin(section.id, self.language)
        origins = dict.fromkeys(("title", "summary", "body", "blocks"), source)
        prefix: dict[str, tuple[Any, ...]] = {name: () for name in origins}
        override = self.edition.overrides.get(section.id)
        if override is not None:
            changes = override.model_dump(exclude_none=True)
            section = section.model_copy(update={k: getattr(override, k) for k in changes})
            for name in changes:
                origins[name] = self.guide.edition_origin(self.edition.id)
                prefix[name] = ("overrides", section.id)
        blocks = tuple(
            self.value(block, origins["blocks"], prefix["blocks"] + ("blocks", index))
            for index, block in enumerate(section.blocks)
            if decide(block, self.edition)[0] and has_content(block, self.edition)
        )
        return BookSection(
            id=section.id,
            number=number,
            title=self.plain(section.title, origins["title"], prefix["title"] + ("title",)),
            summary=self.text(section.summary, origins["summary"], prefix["summary"] + ("summary",)),
            body=self.text(section.body, origins["body"], prefix["body"] + ("body",), block=True),
            blocks=blocks,
        )


class SourceNumbers:
    """Numbers sources in order of first use."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.order: list[str] = []

    def refs(self, keys: Iterable[str]) -> tuple[int, ...]:
        """The numbers of these sources, assigning new ones as needed."""
        numbers = []
        for key in keys:
            if key not in self.order:
                self.order.append(key)
            numbers.append(self.order.index(key) + 1)
        return tuple(sorted(set(numbers)))

    def notes(self, tag: str, name: Callable[[str], str]) -> tuple[SourceNote, ...]:
        """The numbered list of every source used, titles and notes set by name()."""
        notes = []
        for number, key in enumerate(self.order, 1):
            ref = self.edition.sources[key]
            published = fmt.as_of(ref.published, tag) if ref.published else None
            note = name(ref.note) if ref.note else None
            undated = ref.undated is not None
            notes.append(SourceNote(number, key, name(ref.title), ref.url, published, note, undated))
        return tuple(notes)


def _facts(resolver: Resolver, numbers: SourceNumbers, origin: Origin) -> FactSheet:
    edition, tag = resolver.edition, resolver.edition.id

    def line(fact: Fact, loc: tuple[Any, ...]) -> FactLine:
        dated = edition.fact_date(fact)
        as_of = fmt.as_of(dated, tag) if dated else None
        undated = bool(edition.undated_sources(fact))
        return FactLine(resolver.text(fact.text, origin, loc + ("text",)), numbers.refs(fact.source), as_of, undated)

    def lines(topic: str) -> tuple[FactLine, ...]:
        return tuple(line(fact, (topic, i)) for i, fact in enumerate(getattr(edition, topic)))

    agency = edition.agency
    name = resolver.quoted
    agency_text = slash_breaks(
        escape(name(agency.name)) + (Markup(" (") + escape(name(agency.parent)) + Markup(")") if agency.parent else "")
    )
    officer_text = slash_breaks(
        escape(capitalised(name(edition.officer.title)))
        + (Markup(", ") + escape(name(edition.officer.grade)) if edition.officer.grade else "")
    )
    pay = tuple(
        PayLine(
            label=resolver.text(p.label, origin, ("pay", i, "label")),
            amount=fmt.money_range(p.amount, p.amount_max, edition.currency, tag),
            period=getattr(resolver.guide.strings[edition.language], f"per_{p.period}"),
            as_of=fmt.as_of(p.as_of, tag),
            refs=numbers.refs(p.source),
            note=resolver.text(p.note, origin, ("pay", i, "note")) if p.note else None,
        )
        for i, p in enumerate(edition.pay)
    )
    return FactSheet(
        agency=FactLine(agency_text, numbers.refs(agency.source)),
        officer=FactLine(officer_text, numbers.refs(edition.officer.source)),
        requirements=lines("requirements"),
        training=lines("training"),
        pay=pay,
        pay_page=LinkItem(name(edition.pay_page.title), edition.pay_page.url) if edition.pay_page else None,
        work=lines("work"),
        specialisations=lines("specialisations"),
        apply_url=edition.apply.url,
        apply_summary=resolver.text(edition.apply.summary, origin, ("apply", "summary"))
        if edition.apply.summary
        else None,
        apply_steps=tuple(line(step, ("apply", "steps", i)) for i, step in enumerate(edition.apply.steps)),
        apply_in_order=edition.apply.in_order,
        links=tuple(LinkItem(name(link.title), link.url) for link in edition.links),
    )


def resolve(guide: Guide, edition_id: str, build_date: date) -> Book:
    """The resolved book of one edition; ContentError lists every problem in it."""
    edition = guide.editions[edition_id]
    resolver = Resolver(guide, edition)
    numbers = SourceNumbers(edition)
    facts = _facts(resolver, numbers, guide.edition_origin(edition_id))
    kept = [s for s in guide.sections_for(edition.language) if decide(s, edition)[0]]
    sections = tuple(resolver.section(s, n) for n, s in enumerate(kept, 1))
    language = edition.language
    meta_origin = guide.origins["guide" if language == guide.meta.language else f"guide:{language}"]
    meta = resolver.fields(guide.meta_for(language), meta_origin, ("title", "subtitle", "lead"))
    strings = resolver.fields(guide.strings[language], guide.origins[f"strings:{language}"], UiStrings.model_fields)
    origin = guide.edition_origin(edition_id)
    glance = at_a_glance(Formatter(edition, strings, lambda text, loc: resolver.plain(text, origin, loc), numbers.refs))
    if resolver.problems:
        raise ContentError(resolver.problems)
    tag = edition.id
    country = fmt.country_name(edition.country, tag)
    language_name = fmt.language_name(language, tag)
    return Book(
        meta=meta,
        edition=edition,
        strings=strings,
        locale=tag,
        country_name=country,
        language_name=language_name,
        edition_label=f"{country} · {language_name}",
        build_date=build_date,
        build_date_text=fmt.long_date(build_date, tag),
        figures_note=_figures_note(edition, strings, resolver.quoted(edition.pay[0].label) if edition.pay else ""),
        officer_title=capitalised(resolver.quoted(edition.officer.title)),
        sections=sections,
        facts=facts,
        sources=numbers.notes(tag, resolver.quoted),
        text_lines=tuple(resolver.lines),
        respellings=tuple(resolver.respellings),
        editions=tuple(guide.editions),
        names=proper_names(guide, edition),
        glance=glance,
    )


def proper_names(guide: Guide, edition: Edition) -> tuple[str, ...]:
    """Names a layout never hyphenates, in lower case: the words of the agency's names, of every country's name in
    the edition's language, and the project's word list for the language (names, acronyms)."""
    agency = edition.agency
    texts = [agency.name, agency.short or "", agency.parent or "", *fmt.babel_locale(edition.id).territories.values()]
    words = {word for text in texts for word in LETTERS.findall(text) if word[:1].isupper() and len(word) > 3}
    words |= {word for word in guide.words.get(edition.language, ()) if LETTERS.fullmatch(word)}
    return tuple(sorted({word.lower() for word in words}))


def _figures_note(edition: Edition, strings: UiStrings, first_label: str) -> str | None:
    """How current the pay figures are: the date they share, or the span of their years, which says only
    when they date from (never that the oldest of them is current)."""
    dates = sorted((p.as_of for p in edition.pay), key=lambda d: d.earliest())
    if not dates:
        return None
    if len(edition.pay) == 1:  # say what the one figure is: an allowance is not the pay
        return strings.figure_as_of.format(label=first_label, date=fmt.as_of(dates[0], edition.id))
    if dates[0] == dates[-1]:
        return strings.figures_as_of.format(date=fmt.as_of(dates[0], edition.id))
    if dates[0].year == dates[-1].year:
        return strings.figures_as_of.format(date=dates[0].year)
    return strings.figures_span.format(first=dates[0].year, last=dates[-1].year)


def capitalised(title: str) -> str:
    """A title as a label or at the start of a line: its first letter in capitals, the rest as written."""
    return title[:1].upper() + title[1:]


def resolve_all(guide: Guide, build_date: date) -> tuple[dict[str, Book], list[Problem]]:
    """Every edition's book, and every problem found; one found in only some editions names them."""
    found: dict[Problem, list[str]] = {}
    books: dict[str, Book] = {}
    for edition_id in guide.editions:
        try:
            books[edition_id] = resolve(guide, edition_id, build_date)
        except ContentError as exc:
            for problem in exc.problems:
                found.setdefault(problem, []).append(edition_id)
    return books, [
        problem
        if len(ids) == len(guide.editions)
        else replace(problem, message=f"{problem.message} (edition{'s' * (len(ids) > 1)} {', '.join(ids)})")
        for problem, ids in found.items()
    ]
