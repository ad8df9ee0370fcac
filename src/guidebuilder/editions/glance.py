"""At a glance: the edition's quick facts and the data of its charts, drawn only from its sourced facts.

A quick fact, a bar or a stage exists only where a fact says so (a `glance` row, a pay `grade` or
`entry`, a `stage`): a value the edition has no sourced fact for is left out, never filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..content.models import Duration, Edition, Fact, Glance, Pay, UiStrings
from . import locale as fmt

MIN_BARS = 2  # one bar compares nothing: its figure stays in the quick facts and the pay section
MIN_STAGES = 2
ROWS = ("pay", "nationality", "age", "education", "training", "hiring", "service", "apply")


@dataclass(frozen=True)
class GlanceItem:
    """One value of a quick fact, with its source numbers and date."""

    text: str
    refs: tuple[int, ...] = ()
    as_of: str | None = None
    url: str | None = None  # the value is this address (where to apply)
    undated: bool = False  # dated only by pages that show no date: "page undated" prints where as_of would


@dataclass(frozen=True)
class GlanceRow:
    """One quick fact: its label and its values."""

    key: str
    label: str
    items: tuple[GlanceItem, ...]


@dataclass(frozen=True)
class PayBar:
    """One pay figure on the pay chart: its grade, amounts (for the bar) and their formatted text."""

    grade: str
    low: Decimal
    high: Decimal | None
    amount: str
    as_of: str
    refs: tuple[int, ...]
    undated: bool = False  # a pay figure always has its own date


@dataclass(frozen=True)
class PayChart:
    """Pay figures of one period side by side, each a bar from zero."""

    period: str
    bars: tuple[PayBar, ...]
    summary: str = ""  # the chart's data in a sentence: its alt text

    @property
    def refs(self) -> tuple[int, ...]:
        """The numbers of every source of the chart."""
        return tuple(sorted({n for bar in self.bars for n in bar.refs}))

    @property
    def one_date(self) -> str | None:
        """The date every figure shares, or None when they differ (each bar then shows its own)."""
        dates = {bar.as_of for bar in self.bars}
        return next(iter(dates)) if len(dates) == 1 else None


@dataclass(frozen=True)
class Stage:
    """One stage of the path in: an application step or a training stage, and how long it takes."""

    phase: str  # "apply" or "training"
    label: str
    duration: str | None
    refs: tuple[int, ...]
    as_of: str | None
    undated: bool = False


@dataclass(frozen=True)
class PathChart:
    """The stages of the path in, in the order the edition lists them: application steps, then training."""

    stages: tuple[Stage, ...]
    summary: str = ""

    @property
    def refs(self) -> tuple[int, ...]:
        """The numbers of every source of the chart."""
        return tuple(sorted({n for stage in self.stages for n in stage.refs}))

    def phase(self, name: str) -> tuple[Stage, ...]:
        """The stages of one phase."""
        return tuple(stage for stage in self.stages if stage.phase == name)


@dataclass(frozen=True)
class AtAGlance:
    """The quick facts and the charts of one edition."""

    rows: tuple[GlanceRow, ...]
    pay: PayChart | None
    path: PathChart | None


@dataclass(frozen=True)
class Formatter:
    """What turns an edition's facts into printed quick facts: its texts, sources, dates and strings."""

    edition: Edition
    strings: UiStrings
    plain: Callable[[str, tuple[Any, ...]], str]  # a short text resolved at its location in the edition file
    refs: Callable[[tuple[str, ...]], tuple[int, ...]]

    @property
    def tag(self) -> str:
        return self.edition.id

    def dated(self, fact: Fact) -> str | None:
        """A fact's printed date."""
        date = self.edition.fact_date(fact)
        return fmt.as_of(date, self.tag) if date else None

    def duration(self, value: Duration) -> str:
        """A duration as the source gives it: 89 days, about 30 days, up to 18 months, 12–18 months."""
        text = fmt.span(value.amount, value.amount_max, f"duration-{value.unit}", self.tag, self.strings.number_range)
        if value.amount is None:
            text = self.strings.up_to.format(value=text)
        return self.strings.approx.format(value=text) if value.about else text

    def money(self, pay: Pay) -> str:
        return fmt.money_range(pay.amount, pay.amount_max, self.edition.currency, self.tag)

    def period(self, pay: Pay) -> str:
        return getattr(self.strings, f"per_{pay.period}")


def at_a_glance(form: Formatter) -> AtAGlance | None:
    """The edition's quick facts, pay chart and path-in chart; None when no fact is marked for them."""
    items: dict[str, list[GlanceItem]] = {key: [] for key in ROWS}
    items["pay"] = [_pay_item(form, index, pay) for index, pay in enumerate(form.edition.pay) if pay.entry]
    for loc, fact in _facts(form.edition):
        if fact.glance is not None:
            for key, text in _glance_values(form, fact, fact.glance, loc + ("glance",)):
                undated = bool(form.edition.undated_sources(fact))
                items[key].append(GlanceItem(text, form.refs(fact.source), form.dated(fact), undated=undated))
    items["apply"] = [GlanceItem(form.edition.apply.url, url=form.edition.apply.url)]
    rows = tuple(GlanceRow(key, _label(form.strings, key), tuple(items[key])) for key in ROWS if items[key])
    glance = AtAGlance(rows, _pay_chart(form), _path_chart(form))
    return glance if len(rows) > 1 or glance.pay or glance.path else None  # where to apply alone: no page


def _facts(edition: Edition) -> Iterator[tuple[tuple[Any, ...], Fact]]:
    """Every fact of the edition with its location in the edition file."""
    for topic in ("requirements", "training", "work", "specialisations"):
        for index, fact in enumerate(getattr(edition, topic)):
            yield (topic, index), fact
    for index, step in enumerate(edition.apply.steps):
        yield ("apply", "steps", index), step


def _label(strings: UiStrings, key: str) -> str:
    """A row's label from the strings catalogue (training and apply reuse the labels of their sections)."""
    return {"training": strings.training, "apply": strings.apply}.get(key) or getattr(strings, f"glance_{key}")


def _pay_item(form: Formatter, index: int, pay: Pay) -> GlanceItem:
    field = "grade" if pay.grade else "label"
    name = form.plain(getattr(pay, field), ("pay", index, field))
    text = form.strings.labelled.format(label=name, text=f"{form.money(pay)} {form.period(pay)}")
    return GlanceItem(text, form.refs(pay.source), fmt.as_of(pay.as_of, form.tag))


def _glance_values(form: Formatter, fact: Fact, glance: Glance, loc: tuple[Any, ...]) -> Iterator[tuple[str, str]]:
    """The quick facts one fact answers, each as printed."""
    for key in ("nationality", "education"):
        if getattr(glance, key):
            yield key, form.plain(getattr(glance, key), loc + (key,))
    if glance.age:
        limits = [(glance.age.min, form.strings.age_min), (glance.age.under, form.strings.age_under)]
        rule = ", ".join(text.format(age=fmt.number(age, form.tag)) for age, text in limits if age is not None)
        yield "age", form.strings.age_exceptions.format(rule=rule) if glance.age.exceptions else rule
    if glance.training:
        place = form.plain(glance.training, loc + ("training",))
        yield "training", f"{form.duration(fact.duration)}, {place}" if fact.duration else place
    if glance.hiring and fact.duration:
        yield "hiring", f"{form.duration(fact.duration)} ({form.plain(glance.hiring, loc + ('hiring',))})"
    if glance.service:
        size = glance.service
        what = form.plain(size.what, loc + ("service", "what"))
        count = fmt.number(size.count, form.tag)
        yield "service", f"{form.strings.approx.format(value=count) if size.about else count} {what}"


def _pay_chart(form: Formatter) -> PayChart | None:
    graded = [(index, pay) for index, pay in enumerate(form.edition.pay) if pay.grade]
    if len(graded) < MIN_BARS:
        return None
    bars = tuple(
        PayBar(
            grade=form.plain(pay.grade, ("pay", index, "grade")),
            low=pay.amount,
            high=pay.amount_max,
            amount=form.money(pay),
            as_of=fmt.as_of(pay.as_of, form.tag),
            refs=form.refs(pay.source),
        )
        for index, pay in graded
    )
    chart = PayChart(form.period(graded[0][1]), bars)
    return replace(chart, summary=_pay_summary(chart, form.strings))


def _pay_summary(chart: PayChart, strings: UiStrings) -> str:
    """The pay chart in words: every grade with its amount, and the date of the figures."""
    dated = chart.one_date is None
    values = "; ".join(
        f"{bar.grade} {bar.amount}" + (f" ({strings.as_of.format(date=bar.as_of)})" if dated else "")
        for bar in chart.bars
    )
    date = "" if dated else f" ({strings.as_of.format(date=chart.one_date)})"
    return strings.labelled.format(label=f"{strings.chart_pay}, {chart.period}", text=f"{values}{date}.")


def _path_chart(form: Formatter) -> PathChart | None:
    edition = form.edition
    placed = [("apply", ("apply", "steps", i), step) for i, step in enumerate(edition.apply.steps)]
    placed += [("training", ("training", i), fact) for i, fact in enumerate(edition.training)]
    stages = tuple(
        Stage(
            phase=phase,
            label=form.plain(fact.stage, loc + ("stage",)),
            duration=form.duration(fact.duration) if fact.duration else None,
            refs=form.refs(fact.source),
            as_of=form.dated(fact),
            undated=bool(edition.undated_sources(fact)),
        )
        for phase, loc, fact in placed
        if fact.stage
    )
    if len(stages) < MIN_STAGES:
        return None
    chart = PathChart(stages)
    return replace(chart, summary=_path_summary(chart, form.strings))


def _path_summary(chart: PathChart, strings: UiStrings) -> str:
    """The path in words: each phase's stages in order, with how long each takes where a source says."""
    phases = []
    for phase, label in (("apply", strings.apply), ("training", strings.training)):
        stages = "; ".join(f"{s.label}, {s.duration}" if s.duration else s.label for s in chart.phase(phase))
        if stages:
            phases.append(strings.labelled.format(label=label, text=f"{stages}."))
    return f"{strings.chart_path}. " + " ".join(phases)
