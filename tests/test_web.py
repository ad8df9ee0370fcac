"""The web edition, the readers' top page, site_url and the stand poster, checked in real outputs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from guidebuilder.content.guide import load_guide
from guidebuilder.pipeline.build import build
from guidebuilder.preflight.pdfcheck import device_rgb
from guidebuilder.project import Project

from .browser import axe_violations, browser, layout_overflow, open_page
from .conftest import FIXED_EPOCH, FIXTURE, REPO, run_cli

SITE_URL = "https://careers.example.org/guides"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real guide without site_url: en-GB and fr-CA with PDF, EPUB, web page and poster; de-DE online only."""
    out = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        build(Project.at(REPO, out), ["en-GB", "fr-CA"], ["pdf", "epub", "web", "poster"])
        build(Project.at(REPO, out), ["de-DE"], ["epub", "web"])
    return out


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture guide, whose guide.yaml sets site_url, in the booklet, web and poster formats."""
    root = tmp_path_factory.mktemp("fixture") / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    out = root / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        build(Project.at(root, out), ["en-GB", "en-US"], ["pdf", "web", "poster", "poster-print"])
    return out


class _Page(HTMLParser):
    """What the structure tests read from a page: headings, ids, links, resources."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.resources: list[str] = []
        self.links: list[dict] = []
        self.landmarks: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag in ("img", "script", "iframe", "source", "video", "audio") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link":
            self.links.append(attrs)
        if tag in ("header", "nav", "main", "footer"):
            self.landmarks.append(tag)
        self.scripts += tag == "script"


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_web_edition_is_one_accessible_page_in_its_language(site):
    html = (site / "fr-CA" / "index.html").read_text(encoding="utf-8")
    page = _parse(site / "fr-CA" / "index.html")
    assert page.lang == "fr-CA"
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), page.headings
    assert {"header", "nav", "main", "footer"} <= set(page.landmarks)
    assert page.hrefs[0] == "#main" and "main" in page.ids
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    for href in page.hrefs:
        if href.startswith("#"):
            assert href[1:] in page.ids, href
    assert "Table des matières" in html and "Passer au guide" in html
    as_of = r'<span class="as-of">\(date de la source\s:\s[^)]+\)</span>'
    assert re.search(as_of, html), "facts carry their as-of dates"
    assert re.search(r'<sup class="ref"><a href="#src-1"', html), "facts carry their source numbers"
    assert not page.scripts and not page.resources, "the page loads nothing"
    assert not page.links, "no canonical or alternate links without site_url"
    assert "https://careers.example.org" not in html


def test_web_edition_links_only_files_that_exist(site):
    page = _parse(site / "en-GB" / "index.html")
    local = [h for h in page.hrefs if not h.startswith(("#", "http://", "https://"))]
    assert "customs-officer-careers-en-GB.pdf" in local and "customs-officer-careers-en-GB.epub" in local
    assert not any("booklet" in h or "print" in h for h in local), "formats not built are not offered"
    for href in local:
        assert (site / "en-GB" / href).resolve().is_file(), href
    html = (site / "en-GB" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\d+ kB · \d+ pages", html), "the PDF shows its size and pages"
    german = (site / "de-DE" / "index.html").read_text(encoding="utf-8")
    assert "customs-officer-careers-de-DE.epub" in german and "de-DE.pdf" not in german


DOWNLOAD = re.compile(r'<a href="([^"]+)" download[^>]*>[^<]*</a>\s*<span class="file-meta">([^<]*)</span>')


def test_web_page_download_list_follows_outputs_built_without_it(project, monkeypatch):
    """The web page's sizes and page counts stay true when the PDF grows and an EPUB is added by
    builds that do not include the web format."""
    from guidebuilder.editions.locale import file_size

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    out = project / "dist"
    build(Project.at(project, out), ["en-GB"], ["pdf", "web"])
    page, pdf, epub = (
        out / "en-GB" / name for name in ("index.html", "fixture-guide-en-GB.pdf", "fixture-guide-en-GB.epub")
    )
    before = DOWNLOAD.findall(page.read_text(encoding="utf-8"))
    section = project / "guide" / "sections" / "01-intro.md"
    paragraph = "\n\nOfficers check goods, papers and people at ports, airports and land crossings, day and night."
    section.write_text(section.read_text(encoding="utf-8") + paragraph * 120, encoding="utf-8")
    built = build(Project.at(project, out), ["en-GB"], ["pdf", "epub"])
    pages = len(PdfReader(pdf).pages)
    expected = [
        (pdf.name, f"{file_size(pdf.stat().st_size, 'en-GB')} · {pages} pages"),
        (epub.name, file_size(epub.stat().st_size, "en-GB")),
    ]
    assert DOWNLOAD.findall(page.read_text(encoding="utf-8")) == expected
    assert before[0] != expected[0], "the PDF grew: its size and pages changed"
    assert page in {o.path for o in built}, "the rewritten page is reported"
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert result.returncode == 0 and "en-GB/index.html: OK" in result.stdout, result.stdout


def test_manifest_and_sums_hold_the_new_formats_without_urls(site):
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    formats = {(e["edition"], e["format"]) for e in manifest["entries"]}
    assert {("en-GB", "web"), ("fr-CA", "web"), ("de-DE", "web"), ("en-GB", "poster")} <= formats
    assert manifest["site_url"] is None and all(e["url"] is None for e in manifest["entries"])
    sums = (site / "SHA256SUMS").read_text(encoding="utf-8")
    assert "en-GB/index.html" in sums and "fr-CA/customs-officer-careers-fr-CA-poster.pdf" in sums
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=site, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_top_page_groups_editions_by_country_with_read_online_first(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    page = _parse(site / "index.html")
    groups = re.findall(r'<h2 id="country-([A-Z]{2})">([^<]+)</h2>', html)
    assert [code for code, _ in groups] == ["CA", "DE", "GB"]
    assert dict(groups)["DE"] == "Deutschland · Germany"
    assert "Lire en ligne" in html and "Online lesen" in html and "Read online" in html
    for href in page.hrefs:
        if not href.startswith(("#", "http")):
            assert (site / href).is_file(), href
    assert html.index("Canada · Français") < html.index("Canada · French"), "own language first"
    first_sha = html.index("SHA-256 ")
    assert html.rfind("<details", 0, first_sha) > html.rfind("</details>", 0, first_sha), "digests sit in a details"


PAGES = ("en-GB/index.html", "fr-CA/index.html", "index.html")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium for the module; each test opens its pages in a context of its own."""
    with browser() as launched:
        yield launched


@pytest.fixture
def opened(chromium) -> Iterator[Callable[..., tuple[object, list]]]:
    """open_page on the shared browser; the test's contexts are closed after it."""
    pages = []

    def opener(path: Path, width: int, **options: object) -> tuple[object, list]:
        pages.append(open_page(chromium, path, width, **options))
        return pages[-1]

    yield opener
    for page, _ in pages:
        page.context.close()


@pytest.fixture(scope="module")
def every_web_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web page of every edition of the real guide (no other format: no layout needed)."""
    out = tmp_path_factory.mktemp("every")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        build(Project.at(REPO, out), list(load_guide(REPO / "guide").editions), ["web"])
    return out


def test_every_edition_fits_320_px(every_web_edition, opened):
    editions = sorted(path.parent.name for path in every_web_edition.glob("*/index.html"))
    assert editions == sorted(load_guide(REPO / "guide").editions)
    for edition in editions:
        page, offsite = opened(every_web_edition / edition / "index.html", 320)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, (edition, layout_overflow(page))
        assert not layout_overflow(page)["wide"], (edition, layout_overflow(page))
        assert not offsite, (edition, offsite)


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_load_nothing_and_pass_axe(site, width, opened):
    for name in PAGES:
        page, offsite = opened(site / name, width)
        overflow = layout_overflow(page)
        assert overflow["scroll"] <= width and not overflow["wide"], (name, overflow)
        violations = axe_violations(page)
        assert not violations, (name, violations)
        assert not offsite, (name, offsite)


def test_web_edition_in_dark_mode_and_print_passes(site, opened):
    page, offsite = opened(site / "de-DE" / "index.html", 360, color_scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)", "dark mode keeps a dark page"
    assert not axe_violations(page)
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.toc')).display") == "none"
    assert not offsite


@pytest.mark.parametrize(("locale", "expected"), [("fr-CA", "fr-CA"), ("de-DE", "de-DE"), ("en-GB", "en-GB")])
def test_top_page_puts_the_readers_language_first(site, locale, expected, opened):
    page, _ = opened(site / "index.html", 360, locale=locale)
    assert page.evaluate("navigator.languages")[0] == locale
    first = page.evaluate("document.querySelector('.edition').dataset.lang")
    matched = page.evaluate("[...document.querySelectorAll('.edition.match')].map(e => e.dataset.lang)")
    assert first == expected and matched == [expected]
    assert page.is_visible(f".edition[data-lang='{expected}'] .badge")
    assert page.locator(".badge:visible").count() == 1


def test_top_page_without_javascript_is_a_plain_list(site, opened):
    page, _ = opened(site / "index.html", 360, locale="de-DE", java_script_enabled=False)
    order = page.evaluate("[...document.querySelectorAll('.edition')].map(e => e.dataset.lang)")
    assert order == ["fr-CA", "de-DE", "en-GB"]
    assert page.locator(".badge:visible").count() == 0


# ---------- site_url (fixture guide) ----------


def test_site_url_gives_canonical_hreflang_and_absolute_manifest_urls(fixture_site):
    page = _parse(fixture_site / "en-GB" / "index.html")
    links = {(link["rel"], link.get("hreflang")): link["href"] for link in page.links}
    assert links["canonical", None] == f"{SITE_URL}/en-GB/"
    assert links["alternate", "en-US"] == f"{SITE_URL}/en-US/"
    assert links["alternate", "en-GB"] == f"{SITE_URL}/en-GB/"
    assert links["alternate", "x-default"] == f"{SITE_URL}/"
    manifest = json.loads((fixture_site / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["site_url"] == SITE_URL
    urls = {e["path"]: e["url"] for e in manifest["entries"]}
    assert urls["en-GB/index.html"] == f"{SITE_URL}/en-GB/"
    assert urls["en-US/fixture-guide-en-US.pdf"] == f"{SITE_URL}/en-US/fixture-guide-en-US.pdf"


def _qr_codes(pdf: Path, page: int, dpi: int = 72) -> list:
    from PIL import Image
    from pyzbar.pyzbar import decode

    prefix = pdf.parent / f"{pdf.stem}-p{page}-{dpi}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", pdf, prefix], check=True
    )
    return decode(Image.open(f"{prefix}.png"))


def test_back_cover_has_a_second_code_to_the_web_edition(fixture_site):
    pdf = fixture_site / "en-GB" / "fixture-guide-en-GB.pdf"
    last = len(PdfReader(pdf).pages)
    found = {code.data.decode() for code in _qr_codes(pdf, last, 150)}
    assert found == {f"{SITE_URL}/en-GB/", "https://www.example.gov.uk/careers"}
    assert "READ THIS GUIDE ON YOUR PHONE" in " ".join(PdfReader(pdf).pages[-1].extract_text().split()).upper()


def test_back_cover_without_site_url_has_one_code(site):
    pdf = site / "en-GB" / "customs-officer-careers-en-GB.pdf"
    last = len(PdfReader(pdf).pages)
    codes = _qr_codes(pdf, last, 150)
    assert len(codes) == 1 and "example.org" not in codes[0].data.decode()


@pytest.mark.parametrize(("edition", "size"), [("en-GB", (841.89, 1190.55)), ("en-US", (792.0, 1224.0))])
def test_poster_size_qr_and_type(fixture_site, edition, size):
    pdf = fixture_site / edition / f"fixture-guide-{edition}-poster.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.5)
    codes = _qr_codes(pdf, 1)
    assert [c.data.decode() for c in codes] == [f"{SITE_URL}/{edition}/"]
    assert min(codes[0].rect.width, codes[0].rect.height) >= 60 * MM, "QR code at least 60 mm"
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    sizes = []
    reader.pages[0].extract_text(visitor_text=lambda text, cm, tm, font, size_: sizes.append((size_ * tm[0], text)))
    title_size = max(s for s, t in sizes if t.strip() and "Fixture" in t)
    assert title_size >= 60, title_size
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts and all(_embedded(f) for f in fonts.values()), "fonts embedded"


def _embedded(font) -> bool:
    font = font.get_object()
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return any(key in font["/FontDescriptor"] for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_poster_print_has_bleed_and_is_pdfx(fixture_site):
    pdf = fixture_site / "en-GB" / "fixture-guide-en-GB-poster-print.pdf"
    reader = PdfReader(pdf)
    page = reader.pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    assert (float(trim.width), float(trim.height)) == pytest.approx((841.89, 1190.55), abs=0.5)
    assert float(bleed.width) - float(trim.width) == pytest.approx(6 * MM, abs=0.1)
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert b"PDF/X-4" in pdf.read_bytes() or b"pdfxid:GTS_PDFXVersion" in pdf.read_bytes()
    assert [str(f) for f in device_rgb(pdf)] == [], "the poster's artwork and crop marks in CMYK or grey only"


def test_poster_without_site_url_points_at_the_careers_site(site):
    pdf = site / "fr-CA" / "customs-officer-careers-fr-CA-poster.pdf"
    codes = _qr_codes(pdf, 1)
    assert [c.data.decode() for c in codes] == [
        "https://www.cbsa-asfc.gc.ca/job-emploi/recruitment-recrutement/menu-fra.html"
    ]
    width, height = (float(v) for v in PdfReader(pdf).pages[0].mediabox[2:])
    assert (width, height) == pytest.approx((792, 1224), abs=0.5), "Tabloid for a half-letter edition"


@pytest.mark.parametrize(
    ("value", "message"),
    [("http://careers.example.org/guides", "must be an https URL"), ("not a url", "is not an absolute http(s) URL")],
)
def test_site_url_must_be_https(runner, project: Path, value, message):
    guide_yaml = project / "guide" / "guide.yaml"
    text = guide_yaml.read_text(encoding="utf-8")
    guide_yaml.write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {value}", text), encoding="utf-8")
    line = 1 + guide_yaml.read_text(encoding="utf-8").splitlines().index(f"site_url: {value}")
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 1
    assert f"guide.yaml:{line}: site_url: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
