"""Preflight on fixture documents that each trigger one check, proved by the finding's page; the
links check against a local HTTP server; the CLI and the report on the fixture project."""

from __future__ import annotations

import http.server
import io
import json
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

from guidebuilder.preflight.fonts import FONT_FILES
from guidebuilder.preflight.links import check_online
from guidebuilder.preflight.profile import PAGE_CHECKS, PRINT_CHECKS, PROFILE, QR_CHECKS
from guidebuilder.preflight.qr import qr_modules
from guidebuilder.writers import layout
from guidebuilder.writers.jobs import LayoutJob
from guidebuilder.writers.layout import lay_out

from .conftest import run_cli

PAGE_CSS = """@page { size: A5; margin: 20mm 15mm; }
body { font: 10pt/1.4 serif; margin: 0; }
h2, h3 { break-after: auto; margin: 0; font-size: 12pt; }
.section + .section { break-before: page; }
p { margin: 0; }"""
FILLER = "<p>" + "Customs officers check goods and people at the border every day of the year. " * 6 + "</p>"


def laid_out(
    tmp_path: Path, body: str, checks: tuple[str, ...] = (PAGE_CHECKS,), variant: str = "pdf/ua-1", **job: object
):
    """Lay out a small HTML document with the page checks (other job fields as given); its findings."""
    css = tmp_path / "page.css"
    css.write_text(PAGE_CSS)
    tail = '<div style="break-before: page"></div>' * 4  # three notes pages to drop and a back cover
    html = f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{body}{tail}</body></html>'
    layout_job = LayoutJob(
        label="fixture",
        html=html,
        base_url=tmp_path.as_uri() + "/",
        stylesheet=css,
        extra_css=(),
        roots=(tmp_path.resolve(),),
        spare_pages=3,
        min_notes=0,
        variant=variant,
        identifier="0" * 32,
        checks=checks,
    )
    return lay_out(replace(layout_job, **job))


def kinds(result, kind: str) -> list:
    return [f for f in result.findings if f.kind == kind]


def test_stranded_tail_is_found_on_its_page(tmp_path):
    spacer = '<div style="height: 150mm"></div>'
    first = f'<article class="section" id="a"><h2>Key Qualifications</h2>{spacer}{FILLER}</article>'
    second = '<article class="section" id="b"><h2>Training</h2>' + FILLER + "</article>"
    result = laid_out(tmp_path, first + second)
    stranded = kinds(result, "stranded")
    assert [f.page for f in stranded] == [2]
    assert '"Key Qualifications" alone on the page' in stranded[0].message


def test_a_page_whose_next_block_moved_whole_is_stranded(tmp_path):
    spacer = '<div style="height: 150mm"></div>'
    moved = '<div style="height: 160mm; break-inside: avoid; border: 1pt solid black"></div>'
    first = f'<article class="section" id="a"><h2>Official Links</h2>{spacer}{FILLER}<p>One more line.</p>{moved}'
    result = laid_out(tmp_path, first + "</article>")
    stranded = kinds(result, "stranded")
    assert [f.page for f in stranded] == [2]
    assert '"Official Links" alone on the page' in stranded[0].message
    assert stranded[0].message.endswith("; the section goes on at p.3")


def test_a_row_of_cards_is_not_a_line_of_a_paragraph(tmp_path):
    card = '<li style="display: inline-block; width: 45%; height: 40mm; break-inside: avoid">Card</li>'
    cards = f'<ul style="orphans: 1; widows: 2; margin: 0; padding: 0">{card * 6}</ul>'
    body = f'<article class="section" id="a"><h2>Links</h2><div style="height: 120mm"></div>{cards}</article>'
    result = laid_out(tmp_path, body)
    assert result.pages >= 2  # the list is split between its rows
    assert kinds(result, "orphan") == [] and kinds(result, "widow") == []


def test_a_full_continuation_page_is_not_stranded(tmp_path):
    first = '<article class="section" id="a"><h2>Key Qualifications</h2>' + FILLER * 14 + "</article>"
    result = laid_out(tmp_path, first)
    assert kinds(result, "heading-at-foot") == []
    assert kinds(result, "stranded") == []


def test_heading_at_the_page_foot(tmp_path):
    body = '<article class="section" id="a"><h2>Pay</h2><div style="height: 150mm"></div>'
    body += "<h3>How to apply</h3>" + FILLER + "</article>"
    result = laid_out(tmp_path, body)
    found = kinds(result, "heading-at-foot")
    assert [f.page for f in found] == [1]
    assert '"How to apply" is the last thing on the page' in found[0].message


def test_overflowing_url(tmp_path):
    url = "https://www.example.gov.uk/" + "very-long-path-segment-" * 8
    body = FILLER + f'<p style="break-before: page; white-space: nowrap">{url}</p>'
    found = kinds(laid_out(tmp_path, body), "overflow")
    assert [f.page for f in found] == [2]
    assert "beyond its box" in found[0].message


def test_lines_above_or_below_the_text_area(tmp_path):
    raised = '<p style="break-before: page; margin-top: -12mm">Raised into the running head.</p>'
    pillar = '<span style="display: inline-block; height: 180mm; width: 5mm"></span>'
    tall = f'<p style="break-before: page">{pillar}Taller than the page</p>'
    found = kinds(laid_out(tmp_path, FILLER + raised + tall), "overflow")
    where = [(f.page, f.message.split(" pt ")[-1]) for f in found]
    assert where == [(2, "above the text area"), (3, "below the text area")]
    assert found[0].message.startswith('"Raised into the running head." runs 34.0 pt')


def test_a_large_heading_at_the_page_top_is_no_overflow(tmp_path):
    body = '<h2 style="font-size: 30pt; line-height: 0.8">Sources</h2>' + FILLER
    assert kinds(laid_out(tmp_path, body), "overflow") == []


def qr_block(url: str, size_mm: float, encoded: str | None = None) -> str:
    svg = segno.make(encoded or url, error="m", micro=False).svg_inline(scale=1, border=4, omitsize=True)
    return f'<div class="qr" data-qr="{url}" style="width:{size_mm}mm;height:{size_mm}mm">{svg}</div>'


def test_qr_codes_too_small_or_wrong(tmp_path):
    good = qr_block("https://example.org/careers", 25)
    small = qr_block("https://example.org/apply-for-a-job-at-the-border", 9)
    wrong = qr_block("https://example.org/a", 25, encoded="https://example.org/b")
    page = '<div style="break-before: page"></div>'
    body = good + page + small + page + wrong
    found = kinds(laid_out(tmp_path, body, checks=(QR_CHECKS,)), "qr")
    assert [f.page for f in found] == [2, 3]
    assert "mm modules (minimum 0.4 mm)" in found[0].message
    assert "decodes to https://example.org/b, not https://example.org/a" in found[1].message


def test_qr_code_without_quiet_zone(tmp_path):
    svg = segno.make("https://example.org/careers", error="m").svg_inline(scale=1, border=0, omitsize=True)
    code = f'<div class="qr" data-qr="https://example.org/careers" style="background:#fff;width:25mm">{svg}</div>'
    body = f'<div style="background:#000;padding:1mm;width:27mm">{code}</div>'
    found = kinds(laid_out(tmp_path, body, checks=(QR_CHECKS,)), "qr")
    assert [f.page for f in found] == [1]
    assert "light margin" in found[0].message or "does not decode" in found[0].message


def test_qr_codes_are_read_back_in_a_print_pdf_with_bleed_and_marks(tmp_path):
    """The codes' boxes are measured from the trimmed page; the print PDF's pages hold bleed and marks
    around it (9 mm here): each code is still found where it is printed."""
    print_css = "@page { bleed: 9mm; marks: crop }"
    good = qr_block("https://example.org/careers", 25)
    wrong = qr_block("https://example.org/a", 25, encoded="https://example.org/b")
    body = FILLER + good + '<div style="break-before: page"></div>' + wrong
    result = laid_out(tmp_path, body, checks=(QR_CHECKS,), variant="pdf/x-4", extra_css=(print_css,), bleed_mm=3.0)
    assert PdfReader(io.BytesIO(result.data)).pages[0].trimbox != PdfReader(io.BytesIO(result.data)).pages[0].mediabox
    found = kinds(result, "qr")
    assert [(f.page, f.message) for f in found] == [
        (2, "QR code decodes to https://example.org/b, not https://example.org/a")
    ]


def test_the_download_pdf_does_not_read_its_codes_back(tmp_path):
    """Reading QR codes back is the costliest check: it runs on the print layout (same pages, same codes)."""
    wrong = qr_block("https://example.org/a", 25, encoded="https://example.org/b")
    assert kinds(laid_out(tmp_path, wrong), "qr") == []
    assert kinds(laid_out(tmp_path, wrong, checks=(PAGE_CHECKS, QR_CHECKS)), "qr") != []


@pytest.mark.parametrize("length", [1, 14, 20, 26, 40, 60, 90, 130, 200, 400])
def test_qr_module_count_is_that_of_the_symbol_segno_draws(length):
    url = "https://example.org/" + "x" * length
    assert qr_modules(url) == segno.make(url, error="m", micro=False).symbol_size(border=0)[0]


def test_fonts_check_on_a_file_without_its_font_program(tmp_path, monkeypatch):
    assert kinds(laid_out(tmp_path, FILLER), "fonts") == []
    finish = layout._tags_finish

    def strip_font_programs(document, pdf):
        finish(document, pdf)
        for obj in pdf.objects:
            if isinstance(obj, dict) and obj.get("Type") == "/FontDescriptor":
                for key in FONT_FILES:
                    obj.pop(key, None)

    monkeypatch.setattr(layout, "_tags_finish", strip_font_programs)
    result = laid_out(tmp_path, FILLER)
    found = kinds(result, "fonts")
    fonts = [f for page in PdfReader(io.BytesIO(result.data)).pages for f in page["/Resources"]["/Font"].values()]
    descendants = [d.get_object() for f in fonts for d in f.get_object()["/DescendantFonts"]]
    assert descendants and not any(k in d["/FontDescriptor"] for d in descendants for k in ("/FontFile2", "/FontFile3"))
    assert len(found) == 1 and found[0].message.startswith("not embedded: ")
    assert all(str(d["/BaseFont"]).lstrip("/") in found[0].message for d in descendants)


def test_low_contrast_accent_and_small_text(tmp_path):
    body = (
        FILLER + '<div style="break-before: page; background: #eef2f4"><p style="color: #7fb5a2">Key points</p></div>'
    )
    body += '<p style="font-size: 6pt">as of 2025</p><p style="border-top: 0.1pt solid black">rule</p>'
    result = laid_out(tmp_path, body)
    contrast = kinds(result, "contrast")
    assert [f.page for f in contrast] == [2]
    assert "#7fb5a2 on #eef2f4" in contrast[0].message
    assert [f.page for f in kinds(result, "text-size")] == [2]
    assert [f.page for f in kinds(result, "hairline")] == [2]


def test_malformed_and_plain_http_links_on_their_pages(tmp_path):
    body = (
        '<p><a href="http://example.org/x">a</a> <a href="https://ok.org">c</a></p>'
        '<div style="break-before: page; height: 40mm"></div><p><a href="https://exa mple.org">b</a></p>'
    )
    found = kinds(laid_out(tmp_path, body), "link")
    assert [(f.message, f.page) for f in found] == [
        ("not https: http://example.org/x", 1),
        ("malformed URL: https://exa mple.org", 2),
    ]
    x, y, width, height = found[1].box
    assert 0 < x < 100 and 40 * 72 / 25.4 < y < 300 and 0 < width < 100 and 0 < height < 30, found[1].box


def test_print_pdf_with_device_rgb(tmp_path):
    result = laid_out(tmp_path, '<p style="color: #0b6e4f">text</p>', checks=(PRINT_CHECKS,))
    found = kinds(result, "device-rgb")
    assert [f.page for f in found] == [1]


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/new-home")
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path in ("/ok", "/no-head", "/new-home"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_online_links_broken_and_redirected_on_their_pages(local_server, tmp_path):
    urls = [f"{local_server}/ok", f"{local_server}/gone", f"{local_server}/moved", f"{local_server}/no-head"]
    pages = "".join(f'<div style="break-before: page"><a href="{url}">link</a></div>' for url in urls)
    pdf = laid_out(tmp_path, f"<p>cover</p>{pages}").data
    found = check_online(urls, PROFILE, pdf)
    assert [(f.message, f.page) for f in found] == [
        (f"{local_server}/gone answers 404", 3),
        (f"{local_server}/moved redirects (301) to /new-home", 4),
    ]


def test_cli_preflight_report_and_strict(project, runner, tmp_path):
    out = tmp_path / "dist"
    built = run_cli(runner, "build", "en-GB", "-f", "pdf", "--out", str(out), "-C", str(project))
    assert built.exit_code == 0, built.output
    summary = built.stdout.strip().splitlines()[-1]
    result = run_cli(runner, "preflight", "en-GB", "--report", "--out", str(out), "-C", str(project))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == f"preflight: {len(lines) - 1} findings in 1 editions"
    page_findings = [line for line in lines[:-1] if ": device-rgb: " not in line and ": image-resolution: " not in line]
    if page_findings:
        assert summary.startswith(f"preflight: {len(page_findings)} findings (en-GB {len(page_findings)})")
    else:
        assert summary == "preflight: no findings"
    edition = next(p.name for p in out.iterdir() if p.is_dir())
    report = json.loads((out / edition / "preflight.json").read_text())
    assert report["profile"]["min_text_pt"] == 7.0
    page = (out / edition / "preflight.html").read_text()
    assert "<h1>Preflight" in page and "http" not in page.split("<h2>Profile")[0].replace("https://", "")
    pages_with_findings = [f for f in report["findings"] if f["page"]]
    assert page.count("data:image/png;base64,") == len(pages_with_findings)
    strict = run_cli(runner, "preflight", "--strict", "--out", str(out), "-C", str(project))
    assert strict.exit_code == (1 if report["findings"] else 0)


def test_orphan_beyond_the_profile_minimum(tmp_path):
    body = (
        '<div style="height: 164mm"></div><p style="orphans: 1; widows: 1">'
        + "A line of text that wraps. " * 12
        + "</p>"
    )
    found = [f for f in laid_out(tmp_path, body).findings if f.kind in ("orphan", "widow")]
    assert [(f.kind, f.page) for f in found] == [("orphan", 1)]
    assert found[0].message.startswith('1 line(s) of "A line of text')
