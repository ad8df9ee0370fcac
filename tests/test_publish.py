"""dist/ as a publishable site: manifest, checksums, download page, reproducible and atomic builds."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from guidebuilder.errors import BuildError
from guidebuilder.pipeline.build import build
from guidebuilder.pipeline.publish import Manifest, read_manifest
from guidebuilder.project import Project

from .conftest import REPO, run_cli

EDITIONS = ("en-GB", "fr-CA")
EPOCH = "1767225600"


ALL_FORMATS = ("pdf", "print", "booklet", "epub", "web", "poster", "poster-print")


def _build_into(out: Path, editions=EDITIONS, formats=("pdf", "print", "booklet", "epub"), root: Path = REPO) -> None:
    build(Project.at(root, out), editions, formats)


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("one"), tmp_path_factory.mktemp("two")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        _build_into(first, formats=ALL_FORMATS)
        _build_into(second, formats=ALL_FORMATS)
    return first, second


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(twice):
    one, two = (_files(root) for root in twice)
    assert one.keys() == two.keys()
    assert {"index.html", "manifest.json", "SHA256SUMS"} <= one.keys()
    assert len(one) == 3 + len(ALL_FORMATS) * len(EDITIONS)
    different = [name for name in one if one[name] != two[name]]
    assert not different


def test_manifest_matches_the_files(twice):
    out = twice[0]
    manifest = Manifest.model_validate_json((out / "manifest.json").read_bytes())
    assert manifest.title == "What You Should Know About Customs Officer Careers"
    assert str(manifest.build_date) == "2026-01-01"
    assert {(e.edition, e.format) for e in manifest.entries} == {(ed, fmt) for ed in EDITIONS for fmt in ALL_FORMATS}
    for entry in manifest.entries:
        data = (out / entry.path).read_bytes()
        assert entry.bytes == len(data)
        assert entry.sha256 == hashlib.sha256(data).hexdigest()
        assert entry.language == entry.edition
        if entry.format == "web":
            assert entry.pages is None and entry.path == f"{entry.edition}/index.html"
        elif entry.format == "epub":
            assert entry.pages is None
            zipfile.ZipFile(out / entry.path).testzip()
        else:
            assert entry.pages == len(PdfReader(out / entry.path).pages)


def test_sha256sums_verifies(twice):
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=twice[0], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(ALL_FORMATS) * len(EDITIONS)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        for key in ("src", "srcset"):
            if key in attrs:
                self.srcs.append(attrs[key])
        if tag == "link" and "href" in attrs:
            self.srcs.append(attrs["href"])


def test_every_download_link_resolves(twice):
    out = twice[0]
    parser = _Links()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert parser.lang == "en"
    assert not parser.srcs, "the page must not load external resources"
    local = [h for h in parser.hrefs if not h.startswith(("http://", "https://", "#"))]
    assert len(local) >= len(ALL_FORMATS) * len(EDITIONS) + 2
    for href in local:
        assert (out / href).is_file(), href
    manifest = read_manifest(out)
    assert {e.path for e in manifest.entries} <= set(local)


def test_download_page_lists_editions_in_their_own_language(twice):
    html = (twice[0] / "index.html").read_text(encoding="utf-8")
    assert "Canada · French" in html and "Canada · Français" in html
    assert "United Kingdom · English" in html
    assert "double-sided, flipping on the short edge" in html
    assert html.count("<svg") == len(EDITIONS)
    assert len(set(re.findall(r'id="([^"]+)"', html))) == len(re.findall(r'id="([^"]+)"', html)), "duplicate ids"


def test_download_page_in_headless_chromium(twice, tmp_path):
    from PIL import Image

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is needed (make test installs Debian's chromium)"
    shot = tmp_path / "page.png"
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            (twice[0] / "index.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.is_file(), result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Failed to load" in line]
    assert not console, console
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours and len(colours) > 50, "the screenshot looks blank"
    assert image.getpixel((20, 20)) != (255, 255, 255), "the header band is missing"


def test_partial_build_keeps_other_editions(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "dist"
    _build_into(out, ("en-GB", "en-US"), ("pdf",), root=project)
    before = read_manifest(out)
    us = next(e for e in before.entries if e.edition == "en-US")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400 * 40))
    _build_into(out, ("en-GB",), ("pdf",), root=project)
    after = read_manifest(out)
    assert us in after.entries
    gb = next(e for e in after.entries if e.edition == "en-GB")
    assert str(gb.build_date) == "2026-02-10"
    assert str(next(e for e in after.entries if e.edition == "en-US").build_date) == "2026-01-01"


def test_failed_build_leaves_earlier_outputs_and_no_temporaries(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "dist"
    _build_into(out, ("en-GB",), ("pdf", "epub"), root=project)
    before = _files(out)
    from guidebuilder.writers import epub

    def broken(*_args, **_kwargs):
        raise BuildError("simulated failure")

    monkeypatch.setattr(epub, "write", broken)
    with pytest.raises(BuildError, match="simulated"):
        _build_into(out, ("en-GB",), ("pdf", "epub"), root=project)
    after = _files(out)
    assert after == before
    assert not list(out.rglob("*.tmp"))


def test_killed_build_leaves_no_truncated_file(tmp_path):
    out = tmp_path / "dist"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    script = (
        "import sys; from pathlib import Path; from guidebuilder.pipeline.build import build; "
        "from guidebuilder.project import Project; "
        f"build(Project.at(Path({str(REPO)!r}), Path({str(out)!r})), ['en-GB', 'en-US', 'fr-CA'], ['pdf', 'print'])"
    )
    child = subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.rglob("*.pdf")):
        time.sleep(0.05)
    time.sleep(0.3)
    os.killpg(child.pid, signal.SIGKILL)  # the build and its worker processes, as a killed terminal would
    child.wait()
    time.sleep(0.2)
    finished = list(out.rglob("*.pdf"))
    assert finished, "the build wrote nothing before it was killed"
    for pdf in finished:
        assert len(PdfReader(pdf).pages) % 4 == 0, pdf
    run = build(Project.at(REPO, out), ["en-GB"], ["pdf"])
    assert run and not list(out.rglob("*.tmp"))


def test_two_outputs_cannot_claim_one_path(tmp_path, monkeypatch):
    from guidebuilder import writers

    monkeypatch.setitem(writers.FORMATS, "pdf2", writers.Format("pdf2", "pdf", ".pdf"))
    with pytest.raises(BuildError, match="both claim"):
        _build_into(tmp_path, ("en-GB",), ("pdf", "pdf2"))
    assert not tmp_path.joinpath("en-GB").exists()


def test_clean_removes_only_what_the_build_made(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    _build_into(tmp_path, ("en-GB",), ("pdf",))
    mine = tmp_path / "en-GB" / "my-notes.txt"
    mine.write_text("keep me")
    (tmp_path / "README.txt").write_text("keep me too")
    result = run_cli(runner, "clean", "--out", str(tmp_path), "-C", str(REPO))
    assert result.exit_code == 0, result.output
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["README.txt", "en-GB/my-notes.txt"]


def test_clean_removes_preflight_reports_but_not_lookalikes(project, runner, tmp_path):
    out = tmp_path / "dist"
    built = run_cli(runner, "build", "en-GB", "-f", "pdf", "--out", str(out), "-C", str(project))
    assert built.exit_code == 0, built.output
    checked = run_cli(runner, "preflight", "en-GB", "--report", "--out", str(out), "-C", str(project))
    assert checked.exit_code == 0, checked.output
    reports = [out / "en-GB" / "preflight.html", out / "en-GB" / "preflight.json"]
    assert all(path.is_file() for path in reports)
    mine = out / "notes"  # files of the same names that guidebuilder did not write
    mine.mkdir()
    (mine / "preflight.html").write_text("<!DOCTYPE html><p>my own preflight notes</p>")
    (mine / "preflight.json").write_text('{"edition": "en-GB", "findings": []}')
    result = run_cli(runner, "clean", "--out", str(out), "-C", str(project))
    assert result.exit_code == 0, result.output
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert left == ["notes/preflight.html", "notes/preflight.json"]
    assert not (out / "en-GB").exists()


def test_manifest_json_is_plain_and_sorted(twice):
    data = json.loads((twice[0] / "manifest.json").read_text(encoding="utf-8"))
    paths = [e["path"] for e in data["entries"]]
    assert paths == sorted(paths, key=lambda p: (p.split("/")[0], paths.index(p)))


def test_broken_download_page_template_is_reported_after_the_layouts(tmp_path, monkeypatch):
    """The build compiles the download page's templates while it waits for the layouts; a broken one
    is still reported, by the publish step, as a template error naming the file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    layouts = tmp_path / "layouts"
    (layouts / "site").mkdir(parents=True)
    (layouts / "site" / "index.html.j2").write_text("<html>\n{% for x in %}\n</html>\n")
    out = tmp_path / "dist"
    with pytest.raises(BuildError, match=r"index\.html\.j2:2: template error"):
        build(Project.at(REPO, out, (layouts,)), ("en-GB",), ("pdf",))
    assert (out / "en-GB" / "customs-officer-careers-en-GB.pdf").is_file()
    assert not (out / "index.html").exists()
