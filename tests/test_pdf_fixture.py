"""PDF details on the fixture guide: figures, tags, and the restricted fetcher."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from guidebuilder.errors import BuildError
from guidebuilder.pipeline.build import build
from guidebuilder.project import Project

from .conftest import run_cli


def _figures(reader: PdfReader) -> list[object]:
    found = []

    def walk(node: object) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(node.get("/Alt"))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_every_figure_is_tagged_with_alt_text(project: Path):
    outputs = build(Project.at(project), ["en-GB"], ["pdf"])
    alts = _figures(PdfReader(outputs[0].path))
    assert "A route line crossing a dashed border line." in alts
    assert all(alts), alts
    assert any(str(a).startswith("Illustration") for a in alts)


def test_notes_pages_pad_to_a_multiple_of_four(project: Path):
    outputs = build(Project.at(project), ["en-GB", "en-US"], ["pdf"])
    for output in (o for o in outputs if o.format == "pdf"):
        reader = PdfReader(output.path)
        assert len(reader.pages) % 4 == 0
        texts = [p.extract_text() for p in reader.pages]
        notes = [i for i, t in enumerate(texts) if t.lstrip().startswith("Notes")]
        assert len(notes) < 4
        assert notes == list(range(len(texts) - 1 - len(notes), len(texts) - 1))
        assert "SCAN TO OPEN" in texts[-1]


def _user_layout(tmp_path: Path, css: str) -> Path:
    layouts = tmp_path / "mylayouts"
    (layouts / "booklet").mkdir(parents=True)
    (layouts / "booklet" / "booklet.css").write_text(css, encoding="utf-8")
    return layouts


@pytest.mark.parametrize(
    "css, words",
    [
        ("@import url(http://example.invalid/x.css);", "refusing to fetch 'http://example.invalid/x.css'"),
        ("body { background: url(https://example.invalid/x.png) }", "refusing to fetch"),
        ("body { background: url(file:///etc/hostname) }", "outside the project"),
        ("body { background: url(../../../../../../etc/hostname) }", "outside the project"),
        ("body { background: url(missing.png) }", "missing file"),
    ],
)
def test_layouts_cannot_reach_outside_the_project(project: Path, tmp_path: Path, css: str, words: str):
    layouts = _user_layout(tmp_path, css)
    with pytest.raises(BuildError, match="en-GB") as info:
        build(Project.at(project, layouts=(layouts,)), ["en-GB"], ["pdf"])
    assert words in str(info.value)
    assert not (project / "dist" / "en-GB").exists()


def test_user_layouts_come_first_on_the_search_path(project: Path, tmp_path: Path):
    layouts = tmp_path / "mylayouts"
    shutil.copytree(project / "layouts" / "booklet", layouts / "booklet")
    template = layouts / "booklet" / "booklet.html.j2"
    template.write_text(template.read_text().replace("<body", '<body data-custom="yes"'), encoding="utf-8")
    outputs = build(Project.at(project, layouts=(layouts,)), ["en-GB"], ["html"])
    assert 'data-custom="yes"' in outputs[0].path.read_text(encoding="utf-8")


def test_build_error_exits_1_without_traceback(runner, project: Path, tmp_path: Path):
    layouts = _user_layout(tmp_path, "@import url(http://example.invalid/x.css);")
    result = run_cli(runner, "build", "en-GB", "--layouts", str(layouts), "-C", str(project))
    assert result.exit_code == 1
    assert "refusing to fetch" in result.stderr
    assert "Traceback" not in result.output


def test_compiled_templates_follow_the_template_source(project: Path, tmp_path: Path):
    """Templates compiled by an earlier run are reused (writers/templates.py) only while their source is
    unchanged; a cache folder that cannot be written is no error."""
    import os
    import subprocess
    import sys

    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "SOURCE_DATE_EPOCH": "1796006764"}
    command = [sys.executable, "-m", "guidebuilder", "build", "en-GB", "--format", "html", "-C", str(project), "-q"]
    page = project / "dist" / "en-GB" / "fixture-guide-en-GB.html"
    template = project / "layouts" / "booklet" / "booklet.html.j2"

    subprocess.run(command, env=env, check=True)
    first = page.read_text(encoding="utf-8")
    assert list(cache.glob("guidebuilder/templates/*/__jinja2_*.cache"))
    subprocess.run(command, env=env, check=True)
    assert page.read_text(encoding="utf-8") == first  # from the compiled templates
    template.write_text(template.read_text(encoding="utf-8").replace("<body", "<body data-edited", 1))
    subprocess.run(command, env=env, check=True)
    assert "data-edited" in page.read_text(encoding="utf-8")
    shutil.rmtree(cache / "guidebuilder" / "templates")
    (cache / "guidebuilder" / "templates").write_text("a file where the cache folder should be")
    subprocess.run(command, env=env, check=True)
    assert "data-edited" in page.read_text(encoding="utf-8")
