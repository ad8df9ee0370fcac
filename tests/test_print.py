"""Print production: the print-shop PDF (bleed, boxes, PDF/X-4) and the saddle-stitch booklet."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from guidebuilder.pipeline.build import build
from guidebuilder.preflight.pdfcheck import device_rgb
from guidebuilder.project import BookletSettings, Project
from guidebuilder.writers.booklet import saddle_order

from .conftest import REPO
from .pdfmake import stream, tiny_pdf
from .test_pdf import GUIDE, _decode_qr_codes

MM = 72 / 25.4
EDITIONS = ("en-GB", "en-US")
SHEET = {"en-GB": (841.89, 595.28), "en-US": (792.0, 612.0)}


@pytest.fixture(scope="module")
def built(real_outputs) -> list:
    return [real_outputs[edition, fmt] for edition in EDITIONS for fmt in ("pdf", "print", "booklet")]


@pytest.fixture(scope="module")
def outputs(built) -> dict[tuple[str, str], Path]:
    return {(o.edition, o.format): o.path for o in built}


def test_print_preflight_of_the_real_guide_is_clean(built):
    """The print checks (DeviceRGB, image resolution) ran on the print layouts and found nothing."""
    printed = [o for o in built if o.format == "print"]
    assert {o.edition for o in printed} == set(EDITIONS)
    assert [f.line() for o in printed for f in o.findings] == []


def test_saddle_order_of_eight_pages():
    sides = [(s.left, s.right) for s in saddle_order(8)]
    assert sides == [(8, 1), (2, 7), (6, 3), (4, 5)]


@pytest.mark.parametrize("edition", EDITIONS)
def test_print_pdf_page_boxes(outputs, edition):
    download = PdfReader(outputs[edition, "pdf"])
    printed = PdfReader(outputs[edition, "print"])
    assert len(printed.pages) == len(download.pages)
    trim_w, trim_h = (float(v) for v in download.pages[0].mediabox.upper_right)
    for page in printed.pages:
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        media = [float(v) for v in page.mediabox]
        assert trim[2] - trim[0] == pytest.approx(trim_w, abs=0.05)
        assert trim[3] - trim[1] == pytest.approx(trim_h, abs=0.05)
        for t, b in zip(trim, bleed, strict=True):
            assert abs(t - b) == pytest.approx(3 * MM, abs=0.05)
        assert media[0] < bleed[0] - 3 * MM and media[2] > bleed[2] + 3 * MM  # room for the marks


@pytest.mark.parametrize("edition", EDITIONS)
def test_print_pdf_is_pdfx4_with_a_cmyk_output_intent(outputs, edition):
    root = PdfReader(outputs[edition, "print"]).trailer["/Root"]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    assert profile.get_data()[36:40] == b"acsp"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert re.search(r"xmp\.did:[0-9a-f-]{36}", xmp)


def test_print_pdf_uses_cmyk_colours(outputs):
    data = PdfReader(outputs["en-GB", "print"]).pages[3].get_contents().get_data().decode("latin-1")
    assert re.search(r"\n[\d.]+ [\d.]+ [\d.]+ [\d.]+ scn\n", data), "no CMYK fill colour on a content page"
    assert not re.search(r"\n[\d.]+ [\d.]+ [\d.]+ rg\n", data), "an RGB fill colour on a content page"


@pytest.mark.parametrize("edition", EDITIONS)
def test_print_pdf_paints_nothing_in_device_rgb(outputs, edition):
    """Pages, forms, patterns, shadings, images, soft masks and groups: CMYK, grey or ICC only."""
    assert [str(f) for f in device_rgb(outputs[edition, "print"])] == []


def test_the_device_rgb_check_sees_the_download_pdfs_rgb_artwork(outputs):
    found = {(f.page, f.what) for f in device_rgb(outputs["en-GB", "pdf"])}
    assert (1, "1 1 1 RG") in found  # the cover drawing, white on screen
    assert any(what == "0 0 0 RG" and page > 1 for page, what in found)  # a QR code


FORM = "/Type /XObject /Subtype /Form /BBox [0 0 10 10]"
RGB_CASES = {  # resources and objects 5, 6...: where DeviceRGB can hide, and where the check reports it
    "fill operator": ("0 0 1 rg 0 0 9 9 re f", "<< >>", (), ("content", "0 0 1 rg")),
    "colour space operator": ("/DeviceRGB cs 1 0 0 sc 0 0 9 9 re f", "<< >>", (), ("content", "/DeviceRGB cs")),
    "named indexed space": (
        "/CS0 CS 0 0 m 9 9 l S",
        "<< /ColorSpace << /CS0 [/Indexed /DeviceRGB 1 <000000FFFFFF>] >> >>",
        (),
        ("content", "/CS0 CS (DeviceRGB)"),
    ),
    "form": ("/F Do", "<< /XObject << /F 5 0 R >> >>", (stream("1 1 1 RG 0 0 m 9 9 l S", FORM),), ("XObject /F", "RG")),
    "form in a form": (
        "/F Do",
        "<< /XObject << /F 5 0 R >> >>",
        (stream("/G Do", FORM + " /Resources << /XObject << /G 6 0 R >> >>"), stream("0 0 0 rg", FORM)),
        ("XObject /F > XObject /G", "0 0 0 rg"),
    ),
    "image": (
        "/Im Do",
        "<< /XObject << /Im 5 0 R >> >>",
        (
            stream(
                "abc", "/Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace /DeviceRGB"
            ),
        ),
        ("XObject /Im", "image in DeviceRGB"),
    ),
    "inline image": ("BI /W 1 /H 1 /BPC 8 /CS /RGB ID abc EI", "<< >>", (), ("content", "inline image")),
    "tiling pattern": (
        "/Pattern cs /P scn 0 0 9 9 re f",
        "<< /Pattern << /P 5 0 R >> >>",
        (
            stream(
                "0.5 0.5 0.5 rg 0 0 5 5 re f",
                "/PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 5 5] /XStep 5 /YStep 5",
            ),
        ),
        ("pattern /P", "rg"),
    ),
    "shading": (
        "/Sh sh",
        "<< /Shading << /Sh 5 0 R >> >>",
        (
            "<< /ShadingType 2 /ColorSpace /DeviceRGB /Coords [0 0 9 0] /Function 6 0 R >>",
            "<< /FunctionType 2 /Domain [0 1] /N 1 >>",
        ),
        ("shading /Sh", "shading in DeviceRGB"),
    ),
    "soft mask group": (
        "/GS gs 0 0 0 1 k 0 0 9 9 re f",
        "<< /ExtGState << /GS << /SMask << /S /Luminosity /G 5 0 R >> >> >> >>",
        (stream("1 g 0 0 9 9 re f", FORM + " /Group << /S /Transparency /CS /DeviceRGB >>"),),
        ("ExtGState /GS > soft mask", "transparency group in DeviceRGB"),
    ),
}


@pytest.mark.parametrize("case", RGB_CASES)
def test_device_rgb_check_finds_rgb_wherever_it_hides(case):
    content, resources, objects, (where, what) = RGB_CASES[case]
    found = device_rgb(tiny_pdf(content, resources, *objects))
    assert any(where in f.where and what in f.what for f in found), found


def test_device_rgb_check_passes_cmyk_grey_and_icc():
    icc = stream("", "/N 3")  # an ICC-based RGB space is device-independent: allowed under PDF/X-4
    content = "0 0 0 1 k 0.5 G /DeviceCMYK cs 0 0 0 1 scn /ICC cs 1 0 0 sc 0 0 9 9 re f"
    assert device_rgb(tiny_pdf(content, "<< /ColorSpace << /ICC [/ICCBased 5 0 R] >> >>", icc)) == []


def _cmyk_colours(reader: PdfReader, stream: object, resources: object) -> set[tuple[float, ...]]:
    """Every four-component colour set in a stream and the forms it paints."""
    from pypdf.generic import ContentStream

    colours = set()
    for operands, operator in ContentStream(stream, reader).operations:
        if operator in (b"k", b"K", b"sc", b"scn", b"SC", b"SCN") and len(operands) == 4:
            colours.add(tuple(float(v) for v in operands))
        elif operator == b"Do":
            form = resources["/XObject"][operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                colours |= _cmyk_colours(reader, form, form.get("/Resources", resources))
    return colours


def test_print_qr_codes_are_black_ink_only_and_decode(outputs, tmp_path):
    pdf = outputs["en-GB", "print"]
    reader = PdfReader(pdf)
    back = reader.pages[-1]
    colours = _cmyk_colours(reader, back.get_contents(), back["/Resources"])
    assert (0.0, 0.0, 0.0, 1.0) in colours
    rich_black = [c for c in colours if c[3] > 0.9 and any(c[:3])]
    assert rich_black == []
    url = GUIDE.editions["en-GB"].careers_url
    assert _decode_qr_codes(pdf, len(reader.pages), tmp_path) == {url}


def test_print_crop_marks_are_black_ink_outside_the_bleed(outputs):
    page = PdfReader(outputs["en-GB", "print"]).pages[1]
    content = page.get_contents().get_data().decode("latin-1")
    assert "0 0 0 1 K" in content
    trim_left, trim_bottom = float(page.trimbox[0]), float(page.trimbox[1])
    marks = re.findall(r"(-?[\d.]+) (-?[\d.]+) m (-?[\d.]+) (-?[\d.]+) l S", content)
    assert len(marks) >= 8
    horizontal = [m for m in marks if float(m[1]) == pytest.approx(trim_bottom, abs=0.01) and float(m[0]) < trim_left]
    assert horizontal
    for x0, _, x1, _ in horizontal:  # 4.5-9 mm left of the trim, beyond the 3 mm bleed
        assert sorted(trim_left - float(v) for v in (x0, x1)) == pytest.approx([4.5 * MM, 9 * MM], abs=0.05)


def test_print_pdf_is_reproducible(outputs, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    again = build(Project.at(REPO, tmp_path), ["en-GB"], ["print"])[0].path
    assert again.read_bytes() == outputs["en-GB", "print"].read_bytes()


def test_cover_paints_the_bleed(outputs, tmp_path):
    from PIL import Image

    pdf = outputs["en-GB", "print"]
    page = PdfReader(pdf).pages[0]
    media_left, media_top = float(page.mediabox[0]), float(page.mediabox[3])
    trim_left, trim_top = float(page.trimbox[0]), float(page.trimbox[3])
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "c")], check=True)
    image = Image.open(next(tmp_path.glob("c*.png"))).convert("RGB")
    x = round(trim_left - media_left - 1.5 * MM)  # 1.5 mm outside the trim, inside the bleed
    y = round(media_top - trim_top - 1.5 * MM)
    r, g, b = image.getpixel((x, round(image.height / 2)))
    assert (r, g, b) != (255, 255, 255) and min(r, g, b) < 200
    assert image.getpixel((round(image.width / 2), y)) != (255, 255, 255)


def _numbered_pages(pdf: Path) -> dict[int, str]:
    """Page number → the number printed on it, for pages that print one."""
    numbered = {}
    for index, page in enumerate(PdfReader(pdf).pages, 1):
        if re.search(rf"^\s*{index}\s*$", page.extract_text() or "", re.M):
            numbered[index] = str(index)
    return numbered


def _half_text(pdf: Path, sheet_page: int, left: bool, width: float, height: float) -> str:
    x = 0 if left else int(width / 2)
    args = [
        "pdftotext",
        "-f",
        str(sheet_page),
        "-l",
        str(sheet_page),
        "-x",
        str(x),
        "-y",
        "0",
        "-W",
        str(int(width / 2)),
        "-H",
        str(int(height)),
        "-r",
        "72",
        str(pdf),
        "-",
    ]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("edition", EDITIONS)
def test_booklet_sheets_read_in_order(outputs, edition):
    booklet = PdfReader(outputs[edition, "booklet"])
    pages = len(PdfReader(outputs[edition, "pdf"]).pages)
    assert len(booklet.pages) == pages // 2
    width, height = SHEET[edition]
    for page in booklet.pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.1)
    numbered = _numbered_pages(outputs[edition, "pdf"])
    assert len(numbered) > pages // 2
    checked = 0
    for number, side in enumerate(saddle_order(pages), 1):
        for left, page_number in ((True, side.left), (False, side.right)):
            if page_number in numbered:
                text = _half_text(outputs[edition, "booklet"], number, left, width, height)
                assert re.search(rf"^\s*{page_number}\s*$", text, re.M), (number, left, page_number)
                checked += 1
    assert checked == len(numbered)


def test_back_cover_and_cover_share_the_outer_sheet(outputs):
    text = _half_text(outputs["en-GB", "booklet"], 1, False, *SHEET["en-GB"])
    assert "UNITED KINGDOM" in text.upper()


def _page_number_x(pdf: Path, sheet_page: int, number: int) -> float:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(sheet_page), "-l", str(sheet_page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = re.findall(rf'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">{number}</word>', html)
    assert words, number
    return float(max(words, key=lambda word: float(word[1]))[0])  # the page number is the lowest such word


def test_creep_shifts_inner_sheets_toward_the_spine(outputs, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = Project.at(REPO, tmp_path, booklet=BookletSettings(creep_mm=1.0))
    crept = build(project, ["en-GB"], ["booklet"])[0].path
    plain = outputs["en-GB", "booklet"]
    pages = len(PdfReader(outputs["en-GB", "pdf"]).pages)
    sides = saddle_order(pages)
    inner = len(sides) - 2  # the innermost sheet's front side
    side = sides[inner]
    shift = side.sheet * MM
    assert side.sheet > 0
    left_moved = _page_number_x(crept, inner + 1, side.left) - _page_number_x(plain, inner + 1, side.left)
    right_moved = _page_number_x(crept, inner + 1, side.right) - _page_number_x(plain, inner + 1, side.right)
    assert left_moved == pytest.approx(shift, abs=0.3)
    assert right_moved == pytest.approx(-shift, abs=0.3)
    second = sides[2]  # sheet 1, front: shifted by one step of creep
    assert second.sheet == 1
    moved = _page_number_x(crept, 3, second.left) - _page_number_x(plain, 3, second.left)
    assert moved == pytest.approx(1 * MM, abs=0.3)


def test_marks_scale_pages_and_draw_lines(outputs, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    marked = build(Project.at(REPO, tmp_path, booklet=BookletSettings(marks=True)), ["en-GB"], ["booklet"])[0].path
    content = PdfReader(marked).pages[1].get_contents().get_data()
    assert re.search(rb"0 0 0 1 K\s", content)
    assert len(re.findall(rb" l\s+S", content)) >= 10
    assert marked.read_bytes() != outputs["en-GB", "booklet"].read_bytes()


def test_bad_creep_is_a_usage_error(runner):
    from .conftest import run_cli

    result = run_cli(runner, "build", "en-GB", "-f", "booklet", "--creep", "2cm", "-C", str(REPO))
    assert result.exit_code == 2
    assert "--creep" in result.output
