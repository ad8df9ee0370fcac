"""The PDF booklet of the real guide, parsed: pages, contents, bookmarks, fonts, metadata, links, QR codes."""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from guidebuilder.content.guide import load_guide
from guidebuilder.preflight.pdfcheck import (
    empty_headings,
    header_cells_without_scope,
    struct_elements,
    untagged_content,
)

from .conftest import REPO
from .pdfmake import tiny_pdf

POINTS = {"A5": (419.53, 595.28), "half-letter": (396.0, 612.0)}
GUIDE = load_guide(REPO / "guide")
EDITIONS = tuple(GUIDE.editions)


@pytest.fixture(scope="module")
def guide():
    return GUIDE


def sections(guide, edition):
    """The sections an edition prints, as printed: in its language and spelling variety, typeset."""
    from datetime import date

    from guidebuilder.editions.resolve import resolve

    return resolve(guide, edition, date(2026, 1, 1)).sections


def glance(guide, edition):
    """The edition's quick facts and charts (None when it marks no fact for them)."""
    from datetime import date

    from guidebuilder.editions.resolve import resolve

    return resolve(guide, edition, date(2026, 1, 1)).glance


@pytest.fixture(scope="module")
def built(real_outputs) -> dict:
    return {edition: real_outputs[edition, "pdf"] for edition in EDITIONS}


@pytest.fixture(scope="module")
def pdfs(built) -> dict[str, Path]:
    return {edition: output.path for edition, output in built.items()}


@pytest.mark.parametrize("edition", EDITIONS)
def test_preflight_of_the_laid_out_pages_is_clean(built, edition):
    """The page, font, QR and link checks ran on the build's own layout and found nothing."""
    assert [f.line() for f in built[edition].findings] == []


def page_texts(path: Path) -> list[str]:
    """The text of each page (extracted once per file version: several tests read the same PDFs)."""
    stat = path.stat()
    return list(_extracted_texts(path, stat.st_mtime_ns, stat.st_size))


@functools.cache
def _extracted_texts(path: Path, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    return tuple(page.extract_text() or "" for page in PdfReader(path).pages)


def flat(text: str) -> str:
    """Text with hyphenation breaks and line breaks undone, for searching."""
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", re.sub(r"\u2010\n", "", text)))


@pytest.mark.parametrize("edition", EDITIONS)
def test_page_size_and_count(pdfs, guide, edition):
    reader = PdfReader(pdfs[edition])
    width, height = POINTS[guide.editions[edition].paper]
    assert len(reader.pages) % 4 == 0
    assert len(reader.pages) >= 16
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(width, abs=0.1)
        assert float(box.height) == pytest.approx(height, abs=0.1)


@pytest.mark.parametrize("edition", EDITIONS)
def test_contents_page_numbers_point_at_the_sections(pdfs, guide, edition):
    texts = page_texts(pdfs[edition])
    contents_title = guide.strings[guide.editions[edition].language].contents
    contents = next(i for i, t in enumerate(texts) if t.lstrip().startswith(contents_title))
    toc = flat(texts[contents])
    for number, section in enumerate(sections(guide, edition), 1):
        match = re.search(rf"{number:02d} {re.escape(flat(section.title))}[ .]*?(\d+)", toc)
        assert match, f"{section.title} missing from the contents page"
        page = int(match.group(1))
        assert flat(section.title) in flat(texts[page - 1]), f"{section.title} not on page {page}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_bookmarks_follow_sections(pdfs, guide, edition):
    reader = PdfReader(pdfs[edition])
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    expected = [s.title for s in sections(guide, edition)]
    if glance(guide, edition):  # the at-a-glance page, between the contents and the sections
        expected.insert(0, guide.strings[guide.editions[edition].language].glance_title)
    assert titles[: len(expected)] == expected
    assert guide.strings[guide.editions[edition].language].sources in titles
    for item in reader.outline:
        if not isinstance(item, list):
            page = reader.get_destination_page_number(item)
            assert flat(item.title) in flat(reader.pages[page].extract_text())


@pytest.mark.parametrize("edition", EDITIONS)
def test_fonts_are_bundled_embedded_and_subset(pdfs, edition):
    listing = subprocess.run(["pdffonts", str(pdfs[edition])], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, "no fonts listed"
    families = set()
    for row in rows:
        name, *_rest = row.split()
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
        families.add(re.sub(r"^[A-Z]{6}\+", "", name).rsplit("-", 1)[0] if "-" in name else name)
    base = {re.sub(r"^[A-Z]{6}\+", "", row.split()[0]) for row in rows}
    assert all(name.startswith(("Noto-Sans", "Noto-Serif")) for name in base), base


@pytest.mark.parametrize("edition", EDITIONS)
def test_metadata_language_and_pdfua(pdfs, guide, edition):
    reader = PdfReader(pdfs[edition])
    info = reader.metadata
    meta = guide.meta_for(guide.editions[edition].language)
    assert info.title.startswith(meta.title)
    assert info.author == meta.publisher
    assert info.subject and meta.subtitle in info.subject
    assert meta.keywords[0] in info["/Keywords"]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == edition
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp


PDFUA_SKIPS = {"UA-14-001"}  # pdfua 0.1.3 raises on a /K array; empty_headings() makes that check


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdfua_checker_finds_nothing(pdfs, edition):
    """An independent PDF/UA-1 checker (pdfua: untagged content, tables, figures, links, language...)."""
    from pdfua import validate

    report = validate(str(pdfs[edition]))
    assert [f"{f.rule_id} p.{f.location.page}: {f.message}" for f in report.findings] == []
    assert {outcome.rule_id for outcome in report.skipped} <= PDFUA_SKIPS


@pytest.mark.parametrize("edition", EDITIONS)
def test_all_content_is_tagged_or_an_artifact(pdfs, edition):
    """Stricter than pdfua: every painting operator (paths too) in an artifact or a sequence the tree reaches."""
    reader = PdfReader(pdfs[edition])
    assert [str(f) for f in untagged_content(reader)] == []
    assert [str(f) for f in header_cells_without_scope(reader)] == []
    assert [str(f) for f in empty_headings(reader)] == []


TREE = (  # objects 5, 6: a structure tree whose one paragraph holds MCID 0 of the page
    "<< /Type /StructTreeRoot /K 6 0 R >>",
    "<< /Type /StructElem /S /P /P 5 0 R /Pg 3 0 R /K 0 >>",
)
TAGGED = "/P <</MCID 0>> BDC BT /F1 9 Tf (a) Tj ET EMC "
UNTAGGED_CASES = {
    "a path outside marked content": (TAGGED + "0 0 9 9 re f", "f"),
    "text in a sequence the tree does not reach": (TAGGED + "/Span <</MCID 1>> BDC BT (b) Tj ET EMC", "Tj"),
    "a form painted outside marked content": (TAGGED + "/Fm Do", "Do"),
    "a marked sequence without an MCID": (TAGGED + "/Span BMC 0 0 9 9 re S EMC", "S"),
}


@pytest.mark.parametrize("case", UNTAGGED_CASES)
def test_untagged_content_check_finds_paint_outside_tags(case):
    content, operator = UNTAGGED_CASES[case]
    found = untagged_content(tiny_pdf(content, "<< >>", *TREE, catalog="/StructTreeRoot 5 0 R"))
    assert [f.what for f in found] == [f"{operator} neither tagged nor an artifact"]


def test_untagged_content_check_passes_tagged_text_and_artifacts():
    content = TAGGED + "/Artifact BMC 0 0 9 9 re f EMC /Artifact <</Type /Pagination>> BDC BT (1) Tj ET EMC"
    assert untagged_content(tiny_pdf(content, "<< >>", *TREE, catalog="/StructTreeRoot 5 0 R")) == []


@pytest.mark.parametrize(("attributes", "found"), [("<< /O /Table >>", 1), ("<< /O /Table /Scope /Column >>", 0)])
def test_header_cell_check_wants_a_scope(attributes, found):
    tree = (
        "<< /Type /StructTreeRoot /K 6 0 R >>",
        f"<< /Type /StructElem /S /TH /P 5 0 R /Pg 3 0 R /K 0 /A {attributes} >>",
    )
    assert len(header_cells_without_scope(tiny_pdf(TAGGED, "<< >>", *tree, catalog="/StructTreeRoot 5 0 R"))) == found


def test_cover_drawing_is_a_figure_with_alt_text_and_running_heads_are_artifacts(pdfs, guide):
    from pypdf.generic import ContentStream

    reader = PdfReader(pdfs["en-GB"])
    cover = reader.pages[0].indirect_reference
    figures = [e for e in struct_elements(reader) if e["/S"] == "/Figure" and e.get("/Pg") == cover]
    assert [str(f.get("/Alt")) for f in figures] == [guide.strings["en"].cover_art]
    page = reader.pages[3]  # a numbered page with a running head
    artifacts = [ops[1] for ops, op in ContentStream(page.get_contents(), reader).operations if op == b"BDC"]
    assert {"/Type": "/Pagination"} in [dict(a) for a in artifacts]


def _links(reader: PdfReader) -> tuple[set[str], int]:
    uris, internal = set(), 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
            elif "/Dest" in annot:
                internal += 1
    return uris, internal


@pytest.mark.parametrize("edition", EDITIONS)
def test_links_are_clickable(pdfs, guide, edition):
    uris, internal = _links(PdfReader(pdfs[edition]))
    ed = guide.editions[edition]
    assert internal >= len(sections(guide, edition))
    assert ed.careers_url in uris
    for link in ed.links:
        assert link.url in uris
    for source in ed.sources.values():
        assert source.url in uris or any(u.startswith(source.url[:40]) for u in uris)


def _decode_qr_codes(pdf: Path, page: int, tmp: Path) -> set[str]:
    from PIL import Image
    from pyzbar.pyzbar import decode

    prefix = tmp / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", str(page), "-l", str(page), str(pdf), str(prefix)], check=True
    )
    image = next(tmp.glob(f"p{page}*.png"))
    return {symbol.data.decode() for symbol in decode(Image.open(image))}


@pytest.mark.parametrize("edition", EDITIONS)
def test_back_cover_qr_code_decodes_to_the_printed_url(pdfs, guide, edition, tmp_path):
    texts = page_texts(pdfs[edition])
    url = guide.editions[edition].careers_url
    assert url in flat(texts[-1]).replace(" ", "")
    assert _decode_qr_codes(pdfs[edition], len(texts), tmp_path) == {url}


def test_resources_qr_codes_match_printed_urls(pdfs, guide, tmp_path):
    edition = guide.editions["en-GB"]
    texts = page_texts(pdfs["en-GB"])
    found: set[str] = set()
    for number, text in enumerate(texts[1:-1], 2):
        if not any(link.title in flat(text) for link in edition.links):
            continue
        codes = _decode_qr_codes(pdfs["en-GB"], number, tmp_path)
        for code in codes:
            assert code in flat(text).replace(" ", ""), (number, code)
        found |= codes
    assert {link.url for link in edition.links} <= found


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_fact_source_is_listed(pdfs, guide, edition):
    texts = page_texts(pdfs[edition])
    heading = guide.strings[guide.editions[edition].language].sources
    start = next(i for i, t in enumerate(texts) if t.lstrip().startswith(heading))
    sources_page = flat(" ".join(texts[start:]))
    ed = guide.editions[edition]
    used = {
        ref
        for topic in ("requirements", "training", "pay", "work")
        for fact in getattr(ed, topic)
        for ref in fact.source
    }
    for key in used:
        assert flat(guide.editions[edition].sources[key].title) in sources_page


def test_cover_and_back_cover_carry_no_page_number(pdfs):
    texts = page_texts(pdfs["en-GB"])
    assert not re.search(r"^\s*1\s*$", texts[0], re.M)
    assert not re.search(rf"^\s*{len(texts)}\s*$", texts[-1], re.M)
    assert re.search(r"^\s*4\s*$", texts[3], re.M)


def test_conditional_content_follows_the_edition(pdfs):
    us = flat(" ".join(page_texts(pdfs["en-US"])))
    gb = flat(" ".join(page_texts(pdfs["en-GB"])))
    assert "U.S. Customs and Border Protection" in us
    assert "U.S. Customs and Border Protection" not in gb
    assert "Border Force" in gb


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_text_within_5mm_of_the_trim(pdfs, edition):
    """Words stay inside their pages with a 5 mm safety margin (nothing overflows its box)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdfs[edition]), "-"], capture_output=True, text=True, check=True)
    safe = 5 / 25.4 * 72
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html.stdout, re.S)
    assert pages
    for number, (width, height, body) in enumerate(pages, 1):
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', body
        ):
            assert float(x0) >= safe and float(x1) <= float(width) - safe, (number, word, x0, x1)
            assert float(y0) >= safe and float(y1) <= float(height) - safe, (number, word, y0, y1)


def test_each_edition_prints_its_spelling_and_typography(pdfs):
    """Spelling variety and locale typography reach the PDF text (the same resolved text every writer gets)."""
    raw = {e: " ".join(page_texts(pdfs[e])) for e in ("en-US", "en-GB", "en-CA", "en-AU", "fr-CA", "de-DE")}
    text = {e: flat(t) for e, t in raw.items()}
    assert "specialized" in text["en-US"] and "travelers" in text["en-US"] and "judgment" in text["en-US"]
    assert "specialised" in text["en-GB"] and "travellers" in text["en-GB"] and "judgement" in text["en-GB"]
    assert "specialized" in text["en-CA"] and "travellers" in text["en-CA"] and "judgment" in text["en-CA"]
    assert "specialised" in text["en-AU"] and "travellers" in text["en-AU"]
    for edition in ("en-GB", "en-AU"):
        assert "specialize" not in text[edition] and "travelers" not in text[edition]
    assert re.search("1\u00a0200\\s+points de service", raw["fr-CA"])
    assert re.search(r"\w :", raw["fr-CA"]) is None and raw["fr-CA"].count("\u00a0:") > 5
    assert '"' not in text["de-DE"] and "Stand:" in text["de-DE"]


def test_an_edition_without_a_pay_figure_sends_the_reader_to_the_official_rates(built):
    """de-DE has no current official figure: the pay section says so and prints the pay page; en-CA's figure
    is an allowance, so the page with the salary rates follows it."""
    guide = load_guide(REPO / "guide")
    german = " ".join(" ".join(page_texts(built["de-DE"].path)).split())
    assert not guide.editions["de-DE"].pay
    assert "Die jeweils geltenden Sätze finden Sie auf dieser amtlichen Seite" in german
    assert guide.editions["de-DE"].pay_page.url in german.replace("- ", "").replace(" ", "")
    canadian = " ".join(" ".join(page_texts(built["en-CA"].path)).split())
    assert "Current rates of pay: Collective agreements and rates of pay" in canadian
