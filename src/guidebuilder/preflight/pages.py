"""Checks on the laid-out pages: WeasyPrint's page boxes, walked by attribute in the layout worker
(this module does not import WeasyPrint: layout.py hands it the document)."""

from __future__ import annotations

from dataclasses import dataclass

from ..internals import page_box
from .findings import Finding, shorten
from .profile import Profile

PT = 0.75  # points per CSS pixel
REGION_CLASSES = {"section", "back-matter"}  # an article per section, the sources and resources pages
HEADING_TAGS = {"h1", "h2", "h3", "h4", "caption"}
WHITE = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Placed:
    """A box on a page, the boxes it sits in (outermost first), its kind and the colour it is printed on."""

    box: object
    ancestors: tuple
    kind: str  # the WeasyPrint box class name, e.g. 'TextBox'
    behind: tuple[float, float, float]  # the nearest opaque background of its ancestors, else white


def kind_of(box: object) -> str:
    """The WeasyPrint box class name, e.g. 'TextBox'."""
    return type(box).__name__


def classes(box: object) -> set[str]:
    """The class names of a box's element."""
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def box_pt(box: object) -> tuple[float, float, float, float]:
    """A box's border box in points."""
    return (
        round(box.border_box_x() * PT, 1),
        round(box.border_box_y() * PT, 1),
        round(box.border_width() * PT, 1),
        round(box.border_height() * PT, 1),
    )


def walk(page: object, colours: Colours) -> list[Placed]:
    """Every box in the page's flow (not the running heads and page numbers), in document order, in one
    pass that also carries each box's background down to what it holds."""
    placed: list[Placed] = []
    stack = [(page, (), WHITE)]
    while stack:
        box, ancestors, behind = stack.pop()
        placed.append(Placed(box, ancestors, kind_of(box), behind))
        children = getattr(box, "children", None)
        if children:
            inner, under = (*ancestors, box), colours.srgb(box.style["background_color"]) or behind
            stack.extend((child, inner, under) for child in reversed(children) if kind_of(child) != "MarginBox")
    return placed


def is_text(placed: Placed) -> bool:
    """A text box with visible characters, not a list marker."""
    box = placed.box
    return placed.kind == "TextBox" and bool(box.text.strip()) and not box.element_tag.endswith("::marker")


def element_text(element: object) -> str:
    """The text of an HTML element."""
    return "".join(element.itertext())


class PageChecks:
    """The page checks of one laid-out document."""

    def __init__(self, pages: list, profile: Profile):
        self.pages = [page_box(page) for page in pages]
        self.profile = profile
        self.colours = Colours()
        self.boxes = [walk(page, self.colours) for page in self.pages]
        self.texts = [[p for p in placed if is_text(p)] for placed in self.boxes]
        self.regions = [self._regions(placed) for placed in self.boxes]
        self.paragraphs = [self._paragraph_lines(placed) for placed in self.boxes]

    def run(self) -> list[Finding]:
        """Every page check's findings."""
        findings: list[Finding] = []
        for index in range(len(self.pages)):
            checks = (
                self.stranded,
                self.heading_at_foot,
                self.widows_orphans,
                self.overflow,
                self.text_size,
                self.hairline,
            )
            for check in checks:
                findings += check(index)
            findings += self.contrast(index)
        return findings

    def _regions(self, placed: list[Placed]) -> list[object]:
        """The section or back-matter elements on a page, in order."""
        found: list[object] = []
        for item in placed:
            if classes(item.box) & REGION_CLASSES and item.box.element not in found:
                found.append(item.box.element)
        return found

    def _content_area(self, index: int) -> tuple[float, float, float, float]:
        page = self.pages[index]
        return page.content_box_x(), page.content_box_y(), page.width, page.height

    def _lines(self, index: int) -> list[Placed]:
        return [p for p in self.boxes[index] if p.kind == "LineBox" and not p.box.element_tag.endswith("::marker")]

    def stranded(self, index: int) -> list[Finding]:
        """A page holding only part of a section that began earlier, mostly empty: the section's tail, or a piece
        whose next block went whole to the next page (a list of links, a table)."""
        regions = self.regions[index]
        if index == 0 or len(regions) != 1 or regions[0] not in self.regions[index - 1]:
            return []
        goes_on = index + 1 < len(self.pages) and regions[0] in self.regions[index + 1]
        lines = self._lines(index)
        if not lines:
            return []
        _, top, _, height = self._content_area(index)
        bottom = max(p.box.position_y + p.box.height for p in lines)
        fill = (bottom - top) / height
        if fill >= self.profile.min_fill:
            return []
        heading = regions[0].find(".//h2")
        title = shorten(element_text(heading) if heading is not None else regions[0].get("id", ""))
        first = lines[0].box
        box = (
            round(first.position_x * PT, 1),
            round(top * PT, 1),
            round(self.pages[index].width * PT, 1),
            round((bottom - top) * PT, 1),
        )
        message = f'{len(lines)} lines of "{title}" alone on the page ({fill:.0%} full)'
        if goes_on:
            message += f"; the section goes on at p.{index + 2}"
        return [Finding("stranded", message, index + 1, box)]

    def _leaves(self, index: int) -> list[Placed]:
        """What is printed in the flow: lines, images and empty boxes with a size (rules)."""
        return [
            p
            for p in self.boxes[index]
            if (p.kind == "LineBox" and not p.box.element_tag.endswith("::marker"))
            or "Replaced" in p.kind
            or (p.kind == "BlockBox" and not p.box.children and p.box.border_height() > 0)
        ]

    def heading_at_foot(self, index: int) -> list[Finding]:
        """A heading or block title as the last line of a page that is followed by more."""
        leaves = self._leaves(index)
        if not leaves or index + 1 == len(self.pages) or leaves[-1].kind != "LineBox":
            return []
        last = leaves[-1]
        for ancestor in reversed(last.ancestors):
            element = getattr(ancestor, "element", None)
            if element is None:
                continue
            if element.tag in HEADING_TAGS or "block-title" in classes(ancestor):
                text = shorten(element_text(element))
                message = f'"{text}" is the last thing on the page; what it introduces is on p.{index + 2}'
                return [Finding("heading-at-foot", message, index + 1, box_pt(ancestor))]
            if kind_of(ancestor) in {"BlockBox", "TableBox"} and element.tag not in {"span", "a"}:
                break
        return []

    @staticmethod
    def _paragraph_lines(boxes: list[Placed]) -> dict[object, tuple[object, int]]:
        """Each paragraph (a block holding lines of text) on a page: its box and its number of lines there. A line
        made only of cards or images (inline blocks: a row of official links) is no line of a paragraph."""
        found: dict[object, tuple[object, int]] = {}
        for placed in boxes:
            children = getattr(placed.box, "children", None) or ()
            lines = sum(1 for child in children if kind_of(child) == "LineBox" and _holds_text(child))
            if lines and getattr(placed.box, "element", None) is not None:
                box, count = found.get(placed.box.element, (placed.box, 0))
                found[placed.box.element] = (box, count + lines)
        return found

    def widows_orphans(self, index: int) -> list[Finding]:
        """A paragraph split across this page and the next with fewer lines on either side than its CSS
        orphans/widows or the profile's minimum, whichever is more."""
        if index + 1 == len(self.pages):
            return []
        here, there = self.paragraphs[index], self.paragraphs[index + 1]
        findings = []
        for element in here.keys() & there.keys():
            (box, first), (next_box, last) = here[element], there[element]
            text = shorten(element_text(element), 30)
            orphans = max(box.style["orphans"], self.profile.min_split_lines)
            widows = max(next_box.style["widows"], self.profile.min_split_lines)
            if first < orphans:
                message = f'{first} line(s) of "{text}" at the page foot (at least {orphans})'
                findings.append(Finding("orphan", message, index + 1, box_pt(box)))
            if last < widows:
                message = f'{last} line(s) of "{text}" at the top of the page (at least {widows})'
                findings.append(Finding("widow", message, index + 2, box_pt(next_box)))
        return sorted(findings, key=lambda f: (f.page, f.box))

    def overflow(self, index: int) -> list[Finding]:
        """Text or images above or below the page's text area (into a margin, over the running heads), or beside
        it, or beyond the block that holds them."""
        return self._beyond_text_area(index) + self._beyond_holder(index)

    def _beyond_text_area(self, index: int) -> list[Finding]:
        """Lines and images above or below the text area, one finding per element. Lines, not their texts:
        a text's glyph box may rise above its line (a large heading's), which is no fault."""
        _, top, _, height = self._content_area(index)
        bottom, tolerance = top + height, self.profile.overflow_tolerance_pt / PT
        findings: list[Finding] = []
        reported: set[int] = set()
        for placed in self.boxes[index]:
            box = placed.box
            if not (placed.kind == "LineBox" or "Replaced" in placed.kind) or box.style["position"] == "absolute":
                continue
            y, foot = box.border_box_y(), box.border_box_y() + box.border_height()
            if (y < top - tolerance or foot > bottom + tolerance) and id(box.element) not in reported:
                reported.add(id(box.element))
                where, beyond = ("above", top - y) if y < top - tolerance else ("below", foot - bottom)
                what = shorten(element_text(box.element)) if placed.kind == "LineBox" else "an image"
                message = f'"{what}" runs {beyond * PT:.1f} pt {where} the text area'
                findings.append(Finding("overflow", message, index + 1, box_pt(box)))
        return findings

    def _beyond_holder(self, index: int) -> list[Finding]:
        """Texts and images beyond the text area's sides or the block that holds them."""
        left, _, width, _ = self._content_area(index)
        right = left + width
        tolerance = self.profile.overflow_tolerance_pt / PT
        findings: list[Finding] = []
        for placed in self.boxes[index]:
            box = placed.box
            if not ("Replaced" in placed.kind or is_text(placed)) or box.style["position"] == "absolute":
                continue
            holder = next(
                (a for a in reversed(placed.ancestors) if kind_of(a) != "LineBox" and "Inline" not in kind_of(a)), None
            )
            x, end = box.border_box_x(), box.border_box_x() + box.border_width()
            limit_left, limit_right = left, right
            if holder is not None and kind_of(holder) != "PageBox":
                limit_left = max(left, holder.border_box_x())
                limit_right = min(right, holder.border_box_x() + holder.border_width())
            if x < limit_left - tolerance or end > limit_right + tolerance:
                beyond = max(limit_left - x, end - limit_right) * PT
                what = shorten(box.text) if kind_of(box) == "TextBox" else "an image"
                findings.append(
                    Finding("overflow", f'"{what}" runs {beyond:.1f} pt beyond its box', index + 1, box_pt(box))
                )
        return findings

    def text_size(self, index: int) -> list[Finding]:
        """Text smaller than the minimum, reported once per page with the smallest example."""
        small = [p.box for p in self.texts[index] if p.box.style["font_size"] * PT < self.profile.min_text_pt - 0.01]
        if not small:
            return []
        smallest = min(small, key=lambda b: b.style["font_size"])
        size = smallest.style["font_size"] * PT
        message = (
            f"{len(small)} text runs below {self.profile.min_text_pt:g} pt, the smallest {size:.1f} pt "
            f'("{shorten(smallest.text, 20)}")'
        )
        return [Finding("text-size", message, index + 1, box_pt(smallest))]

    def hairline(self, index: int) -> list[Finding]:
        """Borders thinner than the minimum rule weight."""
        for placed in self.boxes[index]:
            box = placed.box
            widths = [getattr(box, f"border_{side}_width", 0) or 0 for side in ("top", "right", "bottom", "left")]
            thin = [w * PT for w in widths if 0 < w * PT < self.profile.min_rule_pt - 0.001]
            if thin:
                message = f"a {min(thin):.2f} pt rule (minimum {self.profile.min_rule_pt:g} pt)"
                return [Finding("hairline", message, index + 1, box_pt(box))]
        return []

    def contrast(self, index: int) -> list[Finding]:
        """Text whose colour is too close to the background it is printed on."""
        findings: list[Finding] = []
        seen: set[tuple] = set()
        for placed in self.texts[index]:
            fg, bg = self.colours.srgb(placed.box.style["color"]), placed.behind
            if fg is None or (fg, bg) in seen:
                continue
            ratio = contrast_ratio(fg, bg)
            if ratio < self.profile.min_contrast:
                seen.add((fg, bg))
                message = (
                    f'"{shorten(placed.box.text, 30)}": {hex_of(fg)} on {hex_of(bg)} is {ratio:.2f}:1 '
                    f"(minimum {self.profile.min_contrast:g}:1)"
                )
                findings.append(Finding("contrast", message, index + 1, box_pt(placed.box)))
        return findings


def _holds_text(line: object) -> bool:
    """True for a line box with text of its own (not only inline blocks or images)."""
    return any(
        (kind_of(child) == "TextBox" and child.text.strip()) or (kind_of(child) == "InlineBox" and _holds_text(child))
        for child in line.children
    )


def srgb(color: object) -> tuple[float, float, float] | None:
    """An opaque colour's sRGB components (0-1); None for transparent or non-sRGB colours."""
    if color is None or getattr(color, "alpha", 0) < 0.5:
        return None
    try:
        converted = color.to("srgb")
    except (AttributeError, ValueError, TypeError):
        return None
    return tuple(round(min(1.0, max(0.0, c)), 4) for c in converted.coordinates)


class Colours:
    """srgb() of the colours of one document's computed styles, each converted once (styles share them)."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[object, tuple[float, float, float] | None]] = {}

    def srgb(self, color: object) -> tuple[float, float, float] | None:
        """srgb(color), remembered (with the colour, so that its id stays its own)."""
        known = self.known.get(id(color))
        if known is None:
            known = self.known[id(color)] = (color, srgb(color))
        return known[1]


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two colours."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hex_of(rgb: tuple[float, float, float]) -> str:
    """#rrggbb of sRGB components."""
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def check_pages(pages: list, profile: Profile) -> list[Finding]:
    """The page findings of a laid-out document."""
    return PageChecks(pages, profile).run()
