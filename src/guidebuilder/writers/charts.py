"""The charts of the at-a-glance pages as drawings: every shape and text placed here, drawn by a template.

Drawn with the layouts' own SVG template rather than a charting library: the charts need text in the
document's fonts, colours a print file can paint in CMYK and output that is the same byte for byte,
which the layout template gives at no cost. Text is measured with the bundled Noto Sans (Pillow's
FreeType), so labels wrap and values stand clear of each other instead of overflowing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..editions.glance import PathChart, PayChart, Stage
from .templates import find_file

FONTS = {False: "fonts/NotoSans-Regular.ttf", True: "fonts/NotoSans-Bold.ttf"}
# Where a chart is drawn: its width in user units (pt in a PDF, scaled with the page on screen), its type size
# and the share of width a fallback font may need beyond Noto Sans (screens without it draw with their own).
FRAMES = {
    "A5": (328.0, 8.0, 0.0),
    "half-letter": (305.0, 8.0, 0.0),
    "A5-column": (158.0, 7.5, 0.0),  # one of two charts side by side
    "half-letter-column": (146.0, 7.5, 0.0),
    "screen": (300.0, 14.0, 0.12),
    "poster": (330.0, 13.0, 0.0),
}


@dataclass(frozen=True)
class Text:
    """A line of text: its baseline starts (or ends, anchor 'end') at x."""

    x: float
    y: float
    text: str
    size: float
    tone: str = "ink"
    bold: bool = False
    anchor: str = "start"


@dataclass(frozen=True)
class Box:
    """A filled rectangle (a bar) or a circle (r > 0: centred on x, y)."""

    x: float
    y: float
    width: float = 0.0
    height: float = 0.0
    tone: str = "accent"
    r: float = 0.0
    light: bool = False  # the lighter part of a bar: the top of a range


@dataclass(frozen=True)
class Rule:
    """A straight line."""

    x1: float
    y1: float
    x2: float
    y2: float
    tone: str = "rule"
    width: float = 1.0


@dataclass
class Drawing:
    """A chart as shapes and text in a width × height frame."""

    width: float
    height: float = 0.0
    texts: list[Text] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


@dataclass(frozen=True)
class Measure:
    """Text widths in the bundled sans, with the slack a fallback font may need."""

    fonts: tuple[Path, Path]
    slack: float

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """The advance width of text at size."""
        return _font(self.fonts[bold]).getlength(text) / 100 * size * (1 + self.slack)

    def wrap(self, text: str, size: float, room: float, bold: bool = False) -> list[str]:
        """Text broken at spaces into lines no wider than room (a single word longer than room stays whole)."""
        lines: list[str] = []
        for word in text.split():
            joined = f"{lines[-1]} {word}" if lines else word
            if lines and self.width(joined, size, bold) <= room:
                lines[-1] = joined
            else:
                lines.append(word)
        return lines


@lru_cache(maxsize=4)
def _font(path: Path):  # noqa: ANN202
    from PIL import ImageFont

    return ImageFont.truetype(str(path), 100)


class ChartMaker:
    """Draws the charts of a book for one frame (paper size or screen), fonts found on the layouts' search path."""

    def __init__(self, search_path: Sequence[Path]):
        self.search_path = tuple(search_path)

    def measure(self, slack: float) -> Measure:
        return Measure((find_file(self.search_path, FONTS[False]), find_file(self.search_path, FONTS[True])), slack)

    def pay(self, chart: PayChart, frame: str) -> Drawing:
        """The pay chart in a frame."""
        width, size, slack = FRAMES[frame]
        return pay_drawing(chart, width, size, self.measure(slack))

    def path(self, chart: PathChart, frame: str, phase_labels: dict[str, str]) -> Drawing:
        """The path-in chart in a frame."""
        width, size, slack = FRAMES[frame]
        return path_drawing(chart, width, size, self.measure(slack), phase_labels)


def pay_drawing(chart: PayChart, width: float, size: float, measure: Measure) -> Drawing:
    """One bar per figure from a common zero, longest = full width; grade and amount above each bar."""
    drawing = Drawing(width)
    top = max(bar.high or bar.low for bar in chart.bars)
    line, bar_height, gap = size * 1.3, size * 1.1, size * 0.9
    y = 0.0
    for bar in chart.bars:
        value = bar.amount if chart.one_date else f"{bar.amount} ({bar.as_of})"
        label_room = measure.width(bar.grade, size, True) + size + measure.width(value, size)
        y += line
        drawing.texts.append(Text(0, y - size * 0.3, bar.grade, size, bold=True))
        if label_room > width:  # no room for both on one line: the amount goes below the grade
            y += line
        drawing.texts.append(Text(width, y - size * 0.3, value, size, anchor="end"))
        y += size * 0.25
        low = _scale(bar.low, top, width)
        drawing.boxes.append(Box(0, y, low, bar_height))
        if bar.high is not None and bar.high > bar.low:
            drawing.boxes.append(Box(low, y, _scale(bar.high, top, width) - low, bar_height, light=True))
        y += bar_height + gap
    drawing.height = round(y - gap + size * 0.4, 2)
    return drawing


def _scale(amount: Decimal, top: Decimal, width: float) -> float:
    return round(float(amount / top) * width, 2)


def path_drawing(chart: PathChart, width: float, size: float, measure: Measure, labels: dict[str, str]) -> Drawing:
    """The stages top to bottom on one line: a dot each, its name beside it, how long it takes below the name."""
    drawing = Drawing(width)
    radius, line = size * 0.45, size * 1.3
    text_x = radius * 2 + size * 0.9
    room = width - text_x
    y, centres = 0.0, []
    for phase in ("apply", "training"):
        stages = chart.phase(phase)
        if not stages:
            continue
        y += line
        drawing.texts.append(Text(text_x, y - size * 0.3, labels[phase], size * 0.85, "muted", bold=True))
        for stage in stages:
            y, centre = _stage(drawing, stage, y, size, line, text_x, room, measure)
            centres.append(centre)
        y += size * 0.4
    drawing.rules.append(Rule(radius, centres[0], radius, centres[-1], "accent", size * 0.15))
    drawing.boxes.extend(Box(radius, centre, r=radius) for centre in centres)
    drawing.height = round(y + size * 0.2, 2)
    return drawing


def _stage(
    drawing: Drawing, stage: Stage, y: float, size: float, line: float, x: float, room: float, measure: Measure
) -> tuple[float, float]:
    """One stage's name (wrapped) and duration below y; the new y and the centre of its dot."""
    top = y + size * 0.35
    for text in measure.wrap(stage.label, size, room):
        y += line
        drawing.texts.append(Text(x, y - size * 0.3, text, size))
    if stage.duration:
        for text in measure.wrap(stage.duration, size, room, bold=True):
            y += line
            drawing.texts.append(Text(x, y - size * 0.3, text, size, "accent", bold=True))
    return y + size * 0.35, round(top + line * 0.5, 2)
