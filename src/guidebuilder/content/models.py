"""The content model: guide metadata, sections, blocks, editions, interface strings."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field, NonNegativeInt, PositiveInt, ValidationInfo, field_validator, model_validator

from .types import (
    AsOf,
    Color,
    CountryCode,
    CurrencyCode,
    EditionTag,
    LanguageCode,
    Model,
    PastDate,
    SiteUrl,
    Slug,
    Text,
    Url,
    check_template,
    located,
)

VarietyTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}-[A-Z]{2}(?:-[a-z0-9]{5,8})?$")]
Term = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\W\d_][\w' .’-]*\*?$")]

Word = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\W\d_]+$")]

Items = Annotated[tuple[Text, ...], Field(min_length=1)]
# A vocabulary word's key: what {{ vocabulary.KEY }} names in the text.
VocabularyKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Selector = Annotated[str, Field(min_length=2, max_length=35)]


class Conditional(Model):
    """Something shown only in some editions: `only_in` / `not_in` list edition ids or countries."""

    only_in: tuple[Selector, ...] = ()
    not_in: tuple[Selector, ...] = ()


class Source(Model):
    """A page a section relies on."""

    url: Url
    title: Text
    accessed: PastDate | None = None


class KeyPoints(Conditional):
    """The few things to remember from a section."""

    type: Literal["key_points"]
    title: Text | None = None
    items: Items


class Checklist(Conditional):
    """Things a reader can tick off."""

    type: Literal["checklist"]
    title: Text
    items: Items


class Callout(Conditional):
    """A boxed note, tip or warning."""

    type: Literal["callout"]
    kind: Literal["note", "tip", "warning"] = "note"
    title: Text | None = None
    text: Text


class Figure(Conditional):
    """An image from the project with its alt text."""

    type: Literal["figure"]
    src: Text
    alt: Text
    caption: Text | None = None


class Table(Conditional):
    """A table with a header row."""

    type: Literal["table"]
    caption: Text
    header: Annotated[tuple[Text, ...], Field(min_length=1, max_length=6)]
    rows: Annotated[tuple[tuple[str, ...], ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _rows_fit_header(self) -> Table:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise located(f"row {index + 1} has {len(row)} cells, the header has {len(self.header)}", "rows", index)
        return self


class Sources(Conditional):
    """Further reading with access dates."""

    type: Literal["sources"]
    items: Annotated[tuple[Source, ...], Field(min_length=1)]


FactTopic = Literal[
    "agency",
    "requirements",
    "training",
    "pay",
    "work",
    "specialisations",
    "apply",
    "links",
]


class Facts(Conditional):
    """The edition's sourced facts on one topic, laid out by the template."""

    type: Literal["facts"]
    topic: FactTopic
    title: Text | None = None


Block = Annotated[
    Union[KeyPoints, Checklist, Callout, Figure, Table, Sources, Facts],
    Field(discriminator="type"),
]


class Section(Conditional):
    """One section of the guide: front matter plus a Markdown body."""

    id: Slug
    title: Text
    summary: Annotated[Text, Field(max_length=240)]
    body: Text
    blocks: tuple[Block, ...] = ()


class GuideText(Model):
    """The guide's own texts in another language, from its PO file."""

    title: Text
    subtitle: Text
    lead: Text
    keywords: tuple[Text, ...] = ()


class SectionOverride(Model):
    """Per-edition replacement of section fields."""

    title: Text | None = None
    summary: Annotated[Text, Field(max_length=240)] | None = None
    body: Text | None = None
    blocks: tuple[Block, ...] | None = None


class SourceRef(Model):
    """A page an edition's facts come from; `undated` says why a page that shows no date is still cited."""

    url: Url
    title: Text
    accessed: PastDate | None = None
    published: AsOf | None = None
    undated: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _dated_or_undated(self) -> SourceRef:
        if self.undated is not None and self.published is not None:
            raise located("a source is either published (dated) or undated, not both", "undated")
        return self


Refs = Annotated[tuple[Slug, ...], Field(min_length=1)]


Count = Annotated[Decimal, Field(gt=0, le=1000)]
Short = Annotated[Text, Field(max_length=90)]


class Duration(Model):
    """How long a stage takes, as its source gives it: `amount`, a range to `amount_max`, or up to `amount_max`."""

    amount: Count | None = None
    amount_max: Count | None = None
    unit: Literal["minute", "hour", "day", "week", "month", "year"]
    about: bool = False  # the source says about, around, roughly

    @model_validator(mode="after")
    def _amount_given(self) -> Duration:
        if self.amount is None and self.amount_max is None:
            raise located("give amount, amount_max (up to) or both")
        if self.amount is not None and self.amount_max is not None and self.amount_max <= self.amount:
            raise located("amount_max must be above amount", "amount_max")
        return self


class AgeLimit(Model):
    """An age rule in whole years: at least `min`, below `under` (before that birthday), or both; `exceptions` when
    the source names people the limit does not bind (veterans, say), so the quick fact does not turn them away."""

    min: Annotated[int, Field(ge=14, le=70)] | None = None
    under: Annotated[int, Field(ge=15, le=80)] | None = None
    exceptions: bool = False

    @model_validator(mode="after")
    def _limit_given(self) -> AgeLimit:
        if self.min is None and self.under is None:
            raise located("give min, under or both")
        if self.min is not None and self.under is not None and self.under <= self.min:
            raise located("under must be above min", "under")
        return self


class ServiceSize(Model):
    """How big the service is: a count of what the source counts (staff, offices, service points)."""

    count: Annotated[int, Field(gt=0, le=10_000_000)]
    what: Annotated[Text, Field(max_length=40)]
    about: bool = False


class Glance(Model):
    """What a fact answers among the edition's quick facts, in a few words or numbers from the fact itself."""

    nationality: Short | None = None
    age: AgeLimit | None = None
    education: Short | None = None
    training: Short | None = None  # where or what; the row leads with the fact's duration when it has one
    hiring: Short | None = None  # what takes the fact's duration (selection, the whole process)
    service: ServiceSize | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Glance:
        if not self.model_dump(exclude_none=True):
            raise located("name at least one quick fact: " + ", ".join(type(self).model_fields))
        return self


class Fact(Model):
    """One printed fact with its sources; optionally a stage of the path in and the quick facts it answers."""

    text: Text
    source: Refs
    as_of: AsOf | None = None
    stage: Annotated[Text, Field(max_length=40)] | None = None  # its name on the path-in chart
    duration: Duration | None = None
    glance: Glance | None = None

    @model_validator(mode="after")
    def _duration_printed(self) -> Fact:
        timed = self.stage or (self.glance and (self.glance.training or self.glance.hiring))
        if self.duration is not None and not timed:
            raise located("a duration is printed with a stage or a glance training or hiring row: add one", "duration")
        if self.glance and self.glance.hiring and self.duration is None:
            raise located("hiring needs the fact's duration (how long it takes)", "glance", "hiring")
        return self


class Pay(Model):
    """A pay figure: amount or range, currency, period, date and source."""

    label: Text
    amount: Annotated[Decimal, Field(ge=0, le=10_000_000)]
    amount_max: Annotated[Decimal, Field(ge=0, le=10_000_000)] | None = None
    period: Literal["year", "month", "week", "hour"]
    as_of: AsOf
    source: Refs
    note: Text | None = None
    grade: Annotated[Text, Field(max_length=24)] | None = None  # its bar on the pay chart, e.g. GS-5, APS 3
    entry: bool = False  # pay at entry: the starting pay of the quick facts

    @model_validator(mode="after")
    def _range_ordered(self) -> Pay:
        if self.amount_max is not None and self.amount_max < self.amount:
            raise located("amount_max is below amount", "amount_max")
        return self


class Agency(Model):
    """The agency that hires officers."""

    name: Text
    short: Text | None = None
    parent: Text | None = None
    url: Url
    source: Refs


class Officer(Model):
    """The job title and grade at entry."""

    title: Text
    grade: Text | None = None
    source: Refs


class Apply(Model):
    """How to apply: where and the steps."""

    url: Url
    summary: Text | None = None
    steps: tuple[Fact, ...] = ()
    in_order: bool = True  # false when the steps are alternatives (one per career track): a list, not numbered


class Link(Model):
    """An official page printed with a QR code."""

    title: Text
    url: Url


class Edition(Model):
    """One regional edition: country, language, paper and the country's sourced facts."""

    id: EditionTag
    country: CountryCode
    language: LanguageCode
    paper: Literal["A5", "half-letter"]
    currency: CurrencyCode
    accent: Color = "#1f5673"
    vocabulary: dict[VocabularyKey, Annotated[Text, Field(max_length=200)]] = {}
    agency: Agency
    officer: Officer
    requirements: tuple[Fact, ...] = ()
    training: tuple[Fact, ...] = ()
    pay: tuple[Pay, ...] = ()
    pay_page: Link | None = None  # the official page with current rates: printed where no figure can be
    work: tuple[Fact, ...] = ()
    specialisations: tuple[Fact, ...] = ()
    apply: Apply
    links: Annotated[tuple[Link, ...], Field(min_length=1)]
    careers_url: Url
    sources: dict[Slug, SourceRef]
    overrides: dict[Slug, SectionOverride] = {}
    spelling: VarietyTag | None = None

    def fact_date(self, fact: Fact) -> AsOf | None:
        """A fact's date: its own as_of, else the newest published date of its sources, else the newest accessed
        (of pages not marked undated: the day a page was read does not date what it says); else None."""
        if fact.as_of is not None:
            return fact.as_of
        refs = [self.sources[key] for key in fact.source if key in self.sources]
        published = [ref.published for ref in refs if ref.published is not None]
        if published:
            return max(published, key=AsOf.earliest)
        accessed = [ref.accessed for ref in refs if ref.accessed is not None and ref.undated is None]
        return AsOf.model_validate(max(accessed).isoformat()) if accessed else None

    def undated_sources(self, fact: Fact) -> tuple[str, ...]:
        """The keys of a fact's sources when the fact has no as_of and every one of them is marked undated."""
        if fact.as_of is not None:
            return ()
        refs = [self.sources.get(key) for key in fact.source]
        if refs and all(ref is not None and ref.undated is not None for ref in refs):
            return fact.source
        return ()

    def dated_facts(self) -> Iterator[tuple[tuple[str | int, ...], Fact]]:
        """Every fact that can carry a date, with its location in the edition file."""
        for topic in ("requirements", "training", "work", "specialisations"):
            for index, fact in enumerate(getattr(self, topic)):
                yield (topic, index), fact
        for index, step in enumerate(self.apply.steps):
            yield ("apply", "steps", index), step

    @model_validator(mode="after")
    def _stages_on_the_path(self) -> Edition:
        for topic in ("requirements", "work", "specialisations"):
            for index, fact in enumerate(getattr(self, topic)):
                if fact.stage is not None:
                    raise located("a stage of the path in is a training fact or an apply step", topic, index, "stage")
        unordered = "apply steps that are not in order are no path: no stage"
        for index, step in enumerate(self.apply.steps if not self.apply.in_order else ()):
            if step.stage is not None:
                raise located(unordered, "apply", "steps", index, "stage")
        return self

    @model_validator(mode="after")
    def _grades_share_a_period(self) -> Edition:
        graded = [(index, pay) for index, pay in enumerate(self.pay) if pay.grade is not None]
        for index, pay in graded[1:]:
            if pay.period != graded[0][1].period:
                message = f"the pay chart compares one period: pay {graded[0][0]} is per {graded[0][1].period}"
                raise located(message, "pay", index, "grade")
        return self

    @model_validator(mode="after")
    def _tag_matches(self) -> Edition:
        language, _, region = self.id.rpartition("-")
        if not self.id.startswith(self.language + "-") or region != self.country:
            message = f"id '{self.id}' does not match language '{self.language}' and country '{self.country}'"
            raise located(message, "id")
        return self


class Licence(Model):
    """The licence the guide is published under."""

    name: Text
    url: Url


class GuideMeta(Model):
    """Guide-level metadata from guide/guide.yaml."""

    title: Text
    subtitle: Text
    lead: Text
    slug: Slug
    publisher: Text | None = None
    licence: Licence
    version: Text
    keywords: tuple[Text, ...] = ()
    default_edition: EditionTag
    language: LanguageCode = "en"
    spelling: VarietyTag = "en-US"
    sections: Annotated[tuple[Slug, ...], Field(min_length=1)]
    stale_after_months: PositiveInt = 24
    notes_pages_min: NonNegativeInt = 0
    site_url: SiteUrl | None = None  # where dist/ is published; QR codes and links point there only when set


class UiStrings(Model):
    """Interface strings of the layouts for one language."""

    # The strings the layouts and the resolver fill with str.format (or the `phrase` filter), and the names each is
    # given; every other string is printed as written. tests/test_interface_strings.py checks this table against
    # every such call.
    TEMPLATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "figures_as_of": ("date",),
        "figure_as_of": ("label", "date"),
        "figures_span": ("first", "last"),
        "as_of": ("date",),
        "accessed": ("date",),
        "booklet_title": ("title",),
        "pages_count": ("n",),
        "labelled": ("label", "text"),
        "age_min": ("age",),
        "age_under": ("age",),
        "age_exceptions": ("rule",),
        "approx": ("value",),
        "up_to": ("value",),
        "number_range": ("low", "high"),
        "version_label": ("version",),
    }

    contents: Text
    about_title: Text
    about_text: Text
    edition: Text
    figures_as_of: Text
    figure_as_of: Text
    version_label: Text
    number_range: Text
    figures_span: Text
    disclaimer: Text
    licence: Text
    key_points: Text
    sources: Text
    source: Text
    as_of: Text
    resources: Text
    resources_intro: Text
    notes: Text
    page: Text
    per_year: Text
    per_month: Text
    per_week: Text
    per_hour: Text
    agency: Text
    officer_title: Text
    grade: Text
    requirements: Text
    training: Text
    pay: Text
    pay_none: Text
    pay_rates: Text
    work: Text
    specialisations: Text
    apply: Text
    apply_at: Text
    links: Text
    accessed: Text
    scan_to_open: Text
    back_cover_text: Text
    published_by: Text
    cover_art: Text
    landmarks: Text
    accessibility_summary: Text
    booklet_title: Text
    booklet_subject: Text
    skip_to_content: Text
    read_online: Text
    downloads: Text
    downloads_intro: Text
    format_pdf: Text
    format_epub: Text
    format_booklet: Text
    format_print: Text
    pages_count: Text
    other_editions: Text
    read_on_phone: Text
    scan_to_read: Text
    back_to_top: Text
    page_undated: Text  # printed where a fact's date would be when its pages show no date
    labelled: Text
    glance_title: Text
    glance_intro: Text
    glance_pay: Text
    glance_nationality: Text
    glance_age: Text
    glance_education: Text
    glance_hiring: Text
    glance_service: Text
    age_min: Text
    age_under: Text
    age_exceptions: Text
    approx: Text
    up_to: Text
    chart_pay: Text
    chart_path: Text
    chart_data: Text
    chart_stage: Text
    chart_duration: Text
    duration_unknown: Text

    @field_validator("*")
    @classmethod
    def _placeholders(cls, value: str, info: ValidationInfo) -> str:
        check_template(value, cls.TEMPLATES.get(info.field_name, ()))
        return value


class SpellingTable(Model):
    """One spelling variety: the source's spellings replaced, whole words, case kept (guide/spelling/<variety>.yaml)."""

    dictionary: Annotated[str, Field(pattern=r"^[a-z]{2,3}(?:_[A-Z]{2})?$")] | None = None
    pairs: dict[Word, Word] = {}
    protect: tuple[Text, ...] = ()

    @field_validator("pairs")
    @classmethod
    def _lower_case_keys(cls, pairs: dict[str, str]) -> dict[str, str]:
        for key in pairs:
            if key != key.lower():
                raise located(f"'{key}' must be written in lower case (case is kept when replacing)", key)
        return pairs


class GlossaryTerm(Model):
    """A preferred term and the ones to avoid; a trailing * also matches longer words (compounds)."""

    use: Term
    avoid: Annotated[tuple[Term, ...], Field(min_length=1)]
    meaning: Text | None = None


class VocabularyWord(Model):
    """One word or phrase that differs by country: what it names, for the authors of each edition."""

    meaning: Text


class Vocabulary(Model):
    """The words each edition says in its own way (guide/vocabulary.yaml), printed as {{ vocabulary.KEY }}."""

    words: dict[VocabularyKey, VocabularyWord]


class Glossary(Model):
    """The terminology of one language (guide/glossary/<lang>.yaml)."""

    terms: Annotated[tuple[GlossaryTerm, ...], Field(min_length=1)]
