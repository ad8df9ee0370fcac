"""EPUB 3 of every edition: epubcheck 0/0/0, package structure, stable identifier, reading order."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from guidebuilder.content.guide import load_guide
from guidebuilder.editions.resolve import decide, resolve
from guidebuilder.pipeline.build import build
from guidebuilder.project import Project

from .conftest import FIXED_EPOCH, FIXTURE, REPO
from .epubcheck import counts, epubcheck_reports

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
GUIDE = load_guide(REPO / "guide")
EDITIONS = tuple(GUIDE.editions)


@pytest.fixture(scope="module")
def epubs(real_outputs) -> dict[str, Path]:
    return {edition: real_outputs[edition, "epub"].path for edition in EDITIONS}


@pytest.fixture(scope="module")
def fixture_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture guide's en-GB EPUB (it has figures)."""
    root = tmp_path_factory.mktemp("fixture") / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        outputs = build(Project.at(root, root / "dist"), ["en-GB"], ["epub"])
    return next(o.path for o in outputs if o.format == "epub")


@pytest.fixture(scope="module")
def epubcheck(epubs, fixture_epub, tmp_path_factory: pytest.TempPathFactory) -> dict[Path, dict]:
    """epubcheck's report of every edition's EPUB and the fixture's, all checked in one JVM."""
    return epubcheck_reports([*epubs.values(), fixture_epub], tmp_path_factory.mktemp("epubcheck"))


@pytest.mark.parametrize("edition", EDITIONS)
def test_epubcheck_reports_nothing(epubs, epubcheck, edition):
    report = epubcheck[epubs[edition]]
    assert report["checker"]["path"].endswith(epubs[edition].name)
    assert counts(report) == (0, 0, 0), report["messages"][:5]


def _package(path: Path) -> tuple[zipfile.ZipFile, ElementTree.Element]:
    archive = zipfile.ZipFile(path)
    return archive, ElementTree.fromstring(archive.read("EPUB/package.opf"))


@pytest.mark.parametrize("edition", EDITIONS)
def test_mimetype_first_and_stored(epubs, edition):
    archive = zipfile.ZipFile(epubs[edition])
    first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/epub+zip"
    assert epubs[edition].read_bytes()[30:38] == b"mimetype"


@pytest.mark.parametrize("edition", EDITIONS)
def test_spine_has_every_section_in_order(epubs, edition):
    archive, opf = _package(epubs[edition])
    manifest = {item.get("id"): item.get("href") for item in opf.findall("opf:manifest/opf:item", NS)}
    spine = [manifest[ref.get("idref")] for ref in opf.findall("opf:spine/opf:itemref", NS)]
    titles = []
    for href in spine:
        doc = ElementTree.fromstring(archive.read(f"EPUB/{href}"))
        assert doc.get("lang") == edition
        assert doc.get("{http://www.w3.org/XML/1998/namespace}lang") == edition
        chapter = doc.find(".//x:section[@epub:type='chapter']", NS)
        if chapter is not None:
            titles.append((chapter.get("id"), "".join(chapter.find("x:header/x:h1", NS).itertext())))
    wanted = GUIDE.editions[edition]
    kept = [s.id for s in GUIDE.sections_for(wanted.language) if decide(s, wanted)[0]]
    printed = {s.id: s.title for s in resolve(GUIDE, edition, date(2026, 1, 1)).sections}  # respelled, overridden
    assert titles == [(sid, printed[sid]) for sid in kept]
    assert spine[:3] == ["text/cover.xhtml", "text/nav.xhtml", "text/front.xhtml"]
    assert spine[-1] == "text/sources.xhtml"


@pytest.mark.parametrize("edition", EDITIONS)
def test_metadata_and_accessibility(epubs, edition):
    _, opf = _package(epubs[edition])
    meta = opf.find("opf:metadata", NS)
    assert meta.find("dc:language", NS).text == edition
    assert meta.find("dc:title", NS).text
    assert meta.find("dc:identifier", NS).text.startswith("urn:uuid:")
    props = {m.get("property"): m.text for m in meta.findall("opf:meta", NS) if m.get("property")}
    assert props["dcterms:modified"] == "2026-01-01T00:00:00Z"
    for name in (
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
        "dcterms:conformsTo",
    ):
        assert props.get(name), name


@pytest.mark.parametrize("edition", EDITIONS)
def test_nav_lists_sections(epubs, edition):
    archive = zipfile.ZipFile(epubs[edition])
    nav = ElementTree.fromstring(archive.read("EPUB/text/nav.xhtml"))
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    entries = ["".join(a.itertext()) for a in toc.findall(".//x:a", NS)]
    assert len(entries) >= 16
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    kinds = {a.get("{http://www.idpf.org/2007/ops}type") for a in landmarks.findall(".//x:a", NS)}
    assert {"toc", "bodymatter", "cover"} <= kinds


def test_identifier_stable_and_output_identical_across_builds(epubs, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    again = build(Project.at(REPO, tmp_path), ["en-GB"], ["epub"])[0].path
    assert again.read_bytes() == epubs["en-GB"].read_bytes()
    ids = {_package(p)[1].find("opf:metadata/dc:identifier", NS).text for p in epubs.values()}
    assert len(ids) == len(epubs)


def test_no_qr_images_but_links_in_epub(epubs):
    archive = zipfile.ZipFile(epubs["en-GB"])
    text = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml"))
    assert all('class="chart-svg"' in svg for svg in re.findall(r"<svg\b[^>]*>", text)), "no SVG but the charts"
    assert 'class="qr' not in text
    for link in GUIDE.editions["en-GB"].links:
        assert f'href="{link.url}"' in text


def test_figures_are_packed_and_the_fixture_epub_validates(fixture_epub, epubcheck):
    archive, opf = _package(fixture_epub)
    assert "EPUB/images/images/route.svg" in archive.namelist()
    item = opf.find("opf:manifest/opf:item[@href='images/images/route.svg']", NS)
    assert item is not None and item.get("media-type") == "image/svg+xml"
    page = archive.read("EPUB/text/s02-pay.xhtml").decode()
    assert 'src="../images/images/route.svg" alt="A route line crossing a dashed border line."' in page
    assert counts(epubcheck[fixture_epub]) == (0, 0, 0), epubcheck[fixture_epub]["messages"][:5]
