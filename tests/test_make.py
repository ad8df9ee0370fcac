"""The Makefile's dependency rules, read with `make -n` in a copy of the project whose outputs are all up to date:
touching one input must rebuild exactly the editions made from it, in one `guidebuilder build` call."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import REPO

EDITIONS = ["de-DE", "en-AU", "en-CA", "en-GB", "en-US", "fr-CA"]
FORMATS = "--format pdf --format print --format booklet --format epub --format web"


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Makefile, the guide, the layouts and the code, with every edition's output in dist/."""
    root = tmp_path_factory.mktemp("make")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("guide", "layouts", "tools", "src/guidebuilder"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    (root / ".venv").mkdir()
    for edition in EDITIONS:
        (root / "dist" / edition).mkdir(parents=True)
        (root / "dist" / edition / f"customs-officer-careers-{edition}.pdf").write_bytes(b"%PDF-")
    return root


@pytest.fixture
def project(copy: Path) -> Path:
    """The copy with every input older than the venv stamp, and that older than every output."""
    now = time.time()
    for path in copy.rglob("*"):
        if path.is_file():
            os.utime(path, (now - 100, now - 100))
    (copy / ".venv" / ".installed").touch()
    os.utime(copy / ".venv" / ".installed", (now - 50, now - 50))
    for edition in EDITIONS:
        os.utime(copy / "dist" / edition / f"customs-officer-careers-{edition}.pdf", (now - 10, now - 10))
    return copy


def builds(project: Path, *goal: str) -> list[str]:
    """The `guidebuilder build` commands `make -n` would run for the goal."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", *goal], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "guidebuilder build" in line]


def touch(project: Path, *relative: str) -> None:
    for rel in relative:
        os.utime(project / rel)


def command(*editions: str) -> str:
    return f".venv/bin/guidebuilder build {' '.join(editions)} {FORMATS}"


def test_nothing_to_do_when_every_output_is_newer(project: Path):
    assert builds(project, "editions") == []
    assert builds(project) == []


def test_an_edition_file_rebuilds_only_that_edition(project: Path):
    touch(project, "guide/editions/en-GB.yaml")
    assert builds(project, "editions") == [command("en-GB")]


def test_a_language_file_rebuilds_the_editions_in_that_language(project: Path):
    touch(project, "guide/strings/fr.yaml")
    assert builds(project, "editions") == [command("fr-CA")]
    touch(project, "guide/translations/de.po")
    assert builds(project, "editions") == [command("de-DE", "fr-CA")]


SHARED = [
    "guide/guide.yaml",
    "guide/sections/03-training.md",
    "layouts/booklet/booklet.css",
    "src/guidebuilder/pipeline/build.py",
]


@pytest.mark.parametrize("shared", SHARED)
def test_a_shared_input_rebuilds_every_edition_in_one_call(project: Path, shared: str):
    touch(project, shared)
    assert builds(project, "editions") == [command(*EDITIONS)]


def test_a_missing_output_is_rebuilt(project: Path):
    output = project / "dist" / "en-AU" / "customs-officer-careers-en-AU.pdf"
    output.unlink()
    try:
        assert builds(project, "editions") == [command("en-AU")]
    finally:
        output.write_bytes(b"%PDF-")


def test_make_edition_builds_only_the_selected_out_of_date_editions(project: Path):
    touch(project, "guide/editions/en-GB.yaml", "guide/editions/en-CA.yaml", "guide/editions/fr-CA.yaml")
    assert builds(project, "edition", "EDITION=en-GB") == [command("en-GB")]
    assert builds(project, "edition", "COUNTRY=ca") == [command("en-CA", "fr-CA")]
    assert builds(project, "edition", "COUNTRY=au") == []


def test_default_goal_builds_the_default_edition(project: Path):
    touch(project, "guide/guide.yaml")
    assert builds(project) == [command("en-US")]
