"""At a glance: quick facts and charts drawn from the sourced facts, and nothing else.

The fixture guide gets quick facts, two graded pay figures (one a range) and two stages of the path in;
its outputs are built once for the module. The real guide's outputs (conftest's real_outputs) are read for
every edition: whatever its facts mark is what its pages and charts show.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from babel.numbers import format_currency
from pypdf import PdfReader

from guidebuilder.content.guide import load_guide
from guidebuilder.editions.resolve import resolve
from guidebuilder.pipeline.build import build
from guidebuilder.preflight.pdfcheck import device_rgb
from guidebuilder.project import Project
from guidebuilder.writers.charts import FRAMES, ChartMaker, Drawing
from guidebuilder.writers.pdf import cmyk

from .browser import axe_violations, browser, layout_overflow, open_page
from .conftest import FIXED_EPOCH, FIXTURE, REPO, run_cli

SVG = "{http://www.w3.org/2000/svg}"
BUILD_DATE = date(2026, 1, 1)

CITIZEN = "  - text: Be a citizen.\n    source: [s1]\n"
MARKED = {
    CITIZEN: CITIZEN + "    glance: {nationality: citizen of the country, age: {min: 18}}\n",
    "\npay:\n": "\ntraining:\n"
    "  - text: Training lasts 12 weeks at the academy.\n"
    "    source: [s2]\n"
    "    stage: Academy\n"
    "    duration: {amount: 12, unit: week}\n"
    "    glance: {training: at the academy}\n"
    "pay:\n",
    "    source: [s2]\napply:\n": "    source: [s2]\n"
    "  - label: Grade A, step 1\n"
    "    amount: 40000\n"
    "    period: year\n"
    "    as_of: 2025-06\n"
    "    source: [s2]\n"
    "    grade: A-1\n"
    "    entry: true\n"
    "  - label: Grade B, step 1 to 10\n"
    "    amount: 52000\n"
    "    amount_max: 61000\n"
    "    period: year\n"
    "    as_of: 2025-06\n"
    "    source: [s2]\n"
    "    grade: B-1\n"
    "apply:\n",
    "    - text: Apply online.\n      source: [s1]\n": "    - text: Apply online.\n      source: [s1]\n"
    "      stage: Online application\n"
    "      duration: {amount_max: 3, unit: month}\n",
}


def mark(root: Path, changes: dict[str, str] = MARKED) -> Path:
    """The fixture's en-US edition with its facts marked for the quick facts and charts (or other changes)."""
    path = root / "guide" / "editions" / "en-US.yaml" if root.is_dir() else root
    text = path.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture guide, its en-US facts marked, built in every format that shows them."""
    root = tmp_path_factory.mktemp("glance") / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    mark(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        build(Project.at(root, root / "dist"), ["en-US"], ["pdf", "print", "epub", "web", "poster"])
    return root


def outputs(root: Path) -> dict[str, Path]:
    folder = root / "dist" / "en-US"
    return {
        "pdf": folder / "fixture-guide-en-US.pdf",
        "print": folder / "fixture-guide-en-US-print.pdf",
        "epub": folder / "fixture-guide-en-US.epub",
        "web": folder / "index.html",
        "poster": folder / "fixture-guide-en-US-poster.pdf",
    }


# ---------- the facts behind the quick facts and charts ----------


def test_quick_facts_are_the_marked_facts_with_their_sources_and_dates(marked):
    book = resolve(load_guide(marked / "guide"), "en-US", BUILD_DATE)
    rows = {row.key: row for row in book.glance.rows}
    assert list(rows) == ["pay", "nationality", "age", "training", "apply"], "rows the facts give, in order"
    pay_source = next(s.number for s in book.sources if s.key == "s2")
    pay = [(i.text, i.refs, i.as_of) for i in rows["pay"].items]
    assert pay == [("A-1: $40,000 a year", (pay_source,), "June\u00a02025")], "only the figure marked as pay at entry"
    assert rows["nationality"].items[0].text == "citizen of the country"
    assert rows["age"].items[0].text == "18 or older"
    assert rows["training"].items[0].text == "12 weeks, at the academy"
    assert rows["apply"].items[0].url == "https://www.example.gov/apply"
    assert [b.grade for b in book.glance.pay.bars] == ["A-1", "B-1"]
    assert [(s.phase, s.label, s.duration) for s in book.glance.path.stages] == [
        ("apply", "Online application", "up to 3 months"),
        ("training", "Academy", "12 weeks"),
    ]
    assert book.glance.pay.summary == "Pay by grade, a year: A-1 $40,000; B-1 $52,000–$61,000 (as of June\u00a02025)."


def test_an_age_limit_with_exceptions_says_so(project: Path):
    """A limit the source waives for some (veterans, say) must not turn them away in the quick facts."""
    mark(project)
    mark(project, {"age: {min: 18}}": "age: {min: 18, under: 40, exceptions: true}}"})
    book = resolve(load_guide(project / "guide"), "en-US", BUILD_DATE)
    age = next(row for row in book.glance.rows if row.key == "age")
    assert age.items[0].text == "18 or older, under 40, with exceptions"


def test_a_fact_not_marked_leaves_its_row_bar_or_stage_out(project: Path):
    mark(project)
    mark(project, {"    glance: {nationality: citizen of the country, age: {min: 18}}\n": ""})
    mark(project, {"    grade: B-1\n": ""})
    mark(project, {"      stage: Online application\n      duration: {amount_max: 3, unit: month}\n": ""})
    book = resolve(load_guide(project / "guide"), "en-US", BUILD_DATE)
    assert [row.key for row in book.glance.rows] == ["pay", "training", "apply"]
    assert book.glance.pay is None, "one bar compares nothing: no pay chart"
    assert book.glance.path is None, "one stage is no path"
    mark(project, {"    glance: {training: at the academy}\n": "", "    entry: true\n": ""})
    mark(project, {"    stage: Academy\n    duration: {amount: 12, unit: week}\n": ""})
    assert resolve(load_guide(project / "guide"), "en-US", BUILD_DATE).glance is None, "no quick facts, no page"


def test_explain_says_which_quick_facts_and_charts_the_marks_give(runner, marked):
    result = run_cli(runner, "explain", "en-US", "-C", str(marked))
    assert result.exit_code == 0, result.stderr
    assert "  rows: pay (1), nationality (1), age (1), training (1), apply (1)" in result.stdout
    assert "  left out, no fact marked: education, hiring, service" in result.stdout
    assert "  pay chart: 2 bars (A-1, B-1)" in result.stdout
    assert "  path-in chart: 2 stages, 2 with a duration" in result.stdout


def test_apply_steps_not_in_order_print_as_a_plain_list():
    """Steps that are alternatives (de-DE: one per career track) are not numbered: a reader would take them for a
    sequence. en-US's steps are one."""
    from guidebuilder.writers.render import booklet_html

    guide = load_guide(REPO / "guide")
    assert not guide.editions["de-DE"].apply.in_order and guide.editions["en-US"].apply.in_order
    html = {e: booklet_html(resolve(guide, e, BUILD_DATE), Project.at(REPO).search_path, 0) for e in ("de-DE", "en-US")}
    apply = {e: page.split('topic-apply">', 1)[1].split("</section>", 1)[0] for e, page in html.items()}
    assert '<ol class="steps">' in apply["en-US"]
    assert '<ol class="steps">' not in apply["de-DE"] and '<ul class="facts">' in apply["de-DE"]


def test_the_fixture_without_marks_prints_no_glance_page(project: Path):
    html = (REPO / "tests" / "golden" / "en-US.html").read_text(encoding="utf-8")
    assert 'id="glance"' not in html, "an edition with no marked fact gets no at-a-glance page"


@pytest.mark.parametrize(
    ("old", "new", "at", "field", "message"),
    [
        (
            "stage: Academy",
            "stage: An academy stage whose name runs on far too long",
            "stage: An academy",
            "training.0.stage",
            "at most 40 characters, got 48",
        ),
        (
            "unit: week}",
            "unit: fortnight}",
            "unit: fortnight",
            "training.0.duration.unit",
            "Input should be 'minute', 'hour', 'day', 'week', 'month' or 'year'",
        ),
        (
            "{amount_max: 3, unit: month}",
            "{amount: 3, amount_max: 2, unit: month}",
            "amount_max: 2",
            "apply.steps.0.duration.amount_max",
            "amount_max must be above amount",
        ),
        (
            "age: {min: 18}",
            "age: {min: 18, under: 16}",
            "under: 16",
            "requirements.0.glance.age.under",
            "under must be above min",
        ),
        (
            "glance: {nationality: citizen of the country, age: {min: 18}}",
            "glance: {hiring: the whole process}",
            "hiring: the whole",
            "requirements.0.glance.hiring",
            "hiring needs the fact's duration",
        ),
        (
            "      stage: Online application\n",
            "",
            "{amount_max: 3, unit: month}",
            "apply.steps.0.duration",
            "a duration is printed with a stage",
        ),
        (
            "glance: {training: at the academy}",
            "glance: {}",
            "glance: {}",
            "training.0.glance",
            "name at least one quick fact",
        ),
        (
            "duration: {amount: 12, unit: week}",
            "duration: {unit: week}",
            "duration: {unit: week}",
            "training.0.duration",
            "give amount, amount_max (up to) or both",
        ),
        (
            "    glance: {nationality",
            "    stage: Citizenship\n    glance: {nationality",
            "stage: Citizenship",
            "requirements.0.stage",
            "a stage of the path in is a training fact or an apply step",
        ),
        (
            "  url: https://www.example.gov/apply\n",
            "  url: https://www.example.gov/apply\n  in_order: false\n",
            "stage: Online application",
            "apply.steps.0.stage",
            "apply steps that are not in order are no path: no stage",
        ),
        (
            "    grade: B-1\n",
            "    grade: B-1\n  - label: Hourly\n    amount: 20\n    period: hour\n    as_of: 2025-06\n"
            "    source: [s2]\n    grade: C-1\n",
            "grade: C-1",
            "pay.3.grade",
            "the pay chart compares one period",
        ),
    ],
)
def test_marks_are_validated_at_their_line(runner, project: Path, old, new, at, field, message):
    path = mark(mark(project), {old: new})
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if at in text)
    result = run_cli(runner, "check", "--no-cache", "-C", str(project))
    assert result.exit_code == 1
    found = [e for e in result.stderr.splitlines() if e.startswith(f"guide/editions/en-US.yaml:{line}: {field}: ")]
    assert found and message in found[0], result.stderr


# ---------- the charts say what the facts say ----------


def svg_charts(markup: str) -> list[ElementTree.Element]:
    """Every chart SVG in an HTML or XHTML document."""
    found = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg".*?</svg>', markup, re.S)
    return [ElementTree.fromstring(svg) for svg in found]


def texts(svg: ElementTree.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text")]


def bars(svg: ElementTree.Element) -> list[tuple[float, float, bool]]:
    """The chart's bars: x, width and whether it is the light part (the top of a range)."""
    return [(float(r.get("x")), float(r.get("width")), "chart-light" in r.get("class")) for r in svg.iter(f"{SVG}rect")]


def expected_pay(edition) -> list[tuple[str, Decimal, Decimal | None]]:
    """The graded pay figures of an edition, straight from its file."""
    return [(p.grade, p.amount, p.amount_max) for p in edition.pay if p.grade]


def money(amount: Decimal, edition) -> str:
    """An amount as Babel writes it for the edition, whole amounts without decimals."""
    text = format_currency(amount, edition.currency, locale=edition.id.replace("-", "_"), currency_digits=False)
    return re.sub(r"[.,]00(?=\D|$)", "", text)


def check_pay_chart(svg: ElementTree.Element, edition) -> None:
    """The chart's grades and amounts are the edition's, and each bar is as long as its amount says."""
    figures = expected_pay(edition)
    words = texts(svg)
    width = float(svg.get("viewBox").split()[2])
    top = max(high or low for _, low, high in figures)
    solid = [b for b in bars(svg) if not b[2]]
    light = [b for b in bars(svg) if b[2]]
    assert len(solid) == len(figures) and len(light) == sum(1 for *_, high in figures if high)
    for (grade, low, high), (x, bar_width, _) in zip(figures, solid, strict=True):
        assert grade in words
        assert any(money(low, edition) in w for w in words), (money(low, edition), words)
        if high:
            assert any(money(high, edition) in w for w in words)
        assert x == 0 and bar_width == pytest.approx(float(low / top) * width, abs=0.02), (grade, bar_width)
    for (_, low, high), (x, bar_width, _) in zip([f for f in figures if f[2]], light, strict=True):
        assert x == pytest.approx(float(low / top) * width, abs=0.02)
        assert x + bar_width == pytest.approx(float(high / top) * width, abs=0.03)


def check_path_chart(svg: ElementTree.Element, book) -> None:
    """Each stage the edition marks is on the chart, in its order, with its duration."""
    words = " ".join(texts(svg))
    position = 0
    for stage in book.glance.path.stages:
        found = words.find(stage.label.split()[0], position)
        assert found >= 0, (stage.label, words)
        position = found
        if stage.duration:
            assert stage.duration.split()[-1] in words


def check_accessible(svg: ElementTree.Element, summary: str, document: str) -> None:
    """role=img named by its title and described by the data in words; the data again as a table."""
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None and desc.text == summary
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    figure = document[document.index(desc.text) :]
    table = figure[figure.index('<table class="visually-hidden">') : figure.index("</table>")]
    assert table.count("<tr>") >= 2


def test_pay_and_path_charts_on_screen_equal_the_facts(marked):
    guide = load_guide(marked / "guide")
    book = resolve(guide, "en-US", BUILD_DATE)
    paths = outputs(marked)
    with zipfile.ZipFile(paths["epub"]) as epub:
        glance = epub.read("EPUB/text/glance.xhtml").decode()
    documents = {"web": paths["web"].read_text(encoding="utf-8"), "epub": glance}
    for medium, document in documents.items():
        pay, path = svg_charts(document)
        check_pay_chart(pay, guide.editions["en-US"])
        check_path_chart(path, book)
        check_accessible(pay, book.glance.pay.summary, document)
        check_accessible(path, book.glance.path.summary, document)
        assert "$40,000" in document[document.index('<table class="visually-hidden">') :], medium


def figure_alts(pdf: Path) -> list[str]:
    """The alt text of every Figure in a PDF's structure tree."""
    found = []

    def walk(element: object) -> None:
        element = element.get_object()
        if not isinstance(element, dict):
            return
        if element.get("/S") == "/Figure":
            found.append(str(element.get("/Alt", "")))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return found


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_charts_are_figures_stating_their_data_in_real_text(marked):
    book = resolve(load_guide(marked / "guide"), "en-US", BUILD_DATE)
    pdf = outputs(marked)["pdf"]
    alts = figure_alts(pdf)
    assert book.glance.pay.summary in alts and book.glance.path.summary in alts, alts
    assert all(alts), "every Figure has alt text"
    glance = next(n for n in range(1, 8) if "At a glance" in page_text(pdf, n))
    text = " ".join(page_text(pdf, glance).split())
    for words in ("$40,000", "$52,000", "$61,000", "A-1", "B-1", "Online application", "up to 3 months", "12 weeks"):
        assert words in text, (words, text)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(" yes yes yes " in line for line in fonts.splitlines()[2:]), "every font embedded, with ToUnicode"


def test_print_pdf_paints_the_charts_in_cmyk(marked):
    pdf = outputs(marked)["print"]
    glance = next(n for n in range(1, 8) if "At a glance" in page_text(pdf, n))
    assert [str(f) for f in device_rgb(pdf) if f"p.{glance} " in str(f)] == [], "no DeviceRGB on the glance page"
    content = PdfReader(pdf).pages[glance - 1].get_contents().get_data().decode("latin-1")
    painted = set(re.findall(r"/DeviceCMYK cs\n([\d.]+ [\d.]+ [\d.]+ [\d.]+) scn", content))
    accent = cmyk("#1f4e79", REPO / "layouts" / "color" / "FOGRA39L-guidebuilder.icc")
    inks = [round(float(v.rstrip("%")) / 100, 3) for v in accent.removeprefix("device-cmyk(").rstrip(")").split()]
    assert " ".join(f"{v:g}" for v in inks) in painted, (accent, painted)  # the bars, in the accent's CMYK


def test_poster_shows_the_first_quick_facts_with_date_and_site(marked):
    reader = PdfReader(outputs(marked)["poster"])
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "A-1: $40,000 a year" in text and "June 2025 · example.gov" in text, text
    assert "citizen of the country" in text


def test_web_charts_fit_320_pixels_pass_axe_and_follow_dark_mode(marked):
    page_path = outputs(marked)["web"]
    fills = {}
    with browser() as chromium:
        for scheme in ("light", "dark"):
            page, offsite = open_page(chromium, page_path, 320, color_scheme=scheme)
            overflow = layout_overflow(page)
            assert overflow["scroll"] <= 320 and not overflow["wide"], overflow
            svg = page.evaluate(
                "(() => { const b = document.querySelector('.chart-svg').getBoundingClientRect(); "
                "return [b.left, b.right]; })()"
            )
            assert svg[0] >= 0 and svg[1] <= 320, svg
            assert not axe_violations(page) and not offsite
            fills[scheme] = page.evaluate(
                "['rect.chart-accent', 'text.chart-ink'].map(s => getComputedStyle(document.querySelector(s)).fill)"
            )
            page.context.close()
    assert fills["light"][0] != fills["dark"][0] and fills["light"][1] != fills["dark"][1], fills


# ---------- every real edition ----------


REAL = load_guide(REPO / "guide")


@pytest.mark.parametrize("edition", sorted(REAL.editions))
def test_every_edition_shows_its_marked_facts_and_true_charts(real_outputs, edition):
    book = resolve(REAL, edition, BUILD_DATE)
    web = real_outputs[edition, "web"].path.read_text(encoding="utf-8")
    charts = svg_charts(web)
    if book.glance is None:
        assert 'id="glance"' not in web and not charts
        return
    for row in book.glance.rows:
        for item in row.items:
            assert (item.url or item.text).replace("&", "&amp;").replace("’", "’") in web, item
    expected = [c for c in (book.glance.pay, book.glance.path) if c]
    assert len(charts) == len(expected)
    if book.glance.pay:
        check_pay_chart(charts[0], REAL.editions[edition])
    if book.glance.path:
        check_path_chart(charts[-1], book)
    alts = figure_alts(real_outputs[edition, "pdf"].path)
    assert all(c.summary in alts for c in expected)


@pytest.mark.parametrize("edition", sorted(REAL.editions))
def test_every_chart_fits_its_frame_without_overlapping_text(edition):
    book = resolve(REAL, edition, BUILD_DATE)
    if book.glance is None:
        pytest.skip(f"{edition} marks no fact for the quick facts")
    maker = ChartMaker((REPO / "layouts",))
    labels = {"apply": book.strings.apply, "training": book.strings.training}
    for frame in FRAMES:
        drawings = []
        if book.glance.pay:
            drawings.append(maker.pay(book.glance.pay, frame))
        if book.glance.path:
            drawings.append(maker.path(book.glance.path, frame, labels))
        for drawing in drawings:
            assert_fits(drawing, maker.measure(FRAMES[frame][2]), f"{edition} {frame}")


def assert_fits(drawing: Drawing, measure, where: str) -> None:
    """Every text and bar inside the frame; no two texts overlapping."""
    boxes = []
    for t in drawing.texts:
        width = measure.width(t.text, t.size, t.bold)
        left = t.x - width if t.anchor == "end" else t.x
        box = (left, t.y - t.size * 0.75, left + width, t.y + t.size * 0.25)
        assert box[0] >= -0.01 and box[2] <= drawing.width + 0.01, (where, t.text, box)
        assert box[1] >= -0.01 and box[3] <= drawing.height + 0.01, (where, t.text, box)
        boxes.append((box, t.text))
    for index, (a, text_a) in enumerate(boxes):
        for b, text_b in boxes[index + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (where, text_a, text_b)
    for bar in drawing.boxes:
        right = bar.x + (bar.r or bar.width)
        assert bar.x - bar.r >= -0.01 and right <= drawing.width + 0.01, (where, bar)
        assert bar.y + (bar.r or bar.height) <= drawing.height + 0.01, (where, bar)
