"""Shared fixtures: a copy of the fixture project, a CLI runner, the real project, the real guide built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "project"
FIXED_EPOCH = "1767225600"  # 2026-01-01, so outputs do not depend on the day


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the fixture project with the repository's layouts."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


@pytest.fixture(scope="session")
def real_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The real guide built once for the session, by (edition, format): every edition's PDF, booklet,
    EPUB and web page, the print PDF of en-GB and en-US and the poster of fr-CA and de-DE.
    The test files that read them (pdf, print, epub, interface language) never write there."""
    from guidebuilder.content.guide import load_guide
    from guidebuilder.pipeline.build import build
    from guidebuilder.pipeline.workers import default_jobs, worker_pool
    from guidebuilder.project import Project

    project = Project.at(REPO, tmp_path_factory.mktemp("real"))
    editions = tuple(load_guide(REPO / "guide").editions)
    with pytest.MonkeyPatch.context() as patch, worker_pool(default_jobs()) as pool:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        built = build(project, editions, ["pdf", "booklet", "epub", "web"], pool=pool)
        built += build(project, ["en-GB", "en-US"], ["print"], pool=pool)
        built += build(project, ["fr-CA", "de-DE"], ["poster"], pool=pool)
    return {(o.edition, o.format): o for o in built if o.edition}


@pytest.fixture
def runner() -> CliRunner:
    """A typer CLI runner."""
    return CliRunner()


def run_cli(runner: CliRunner, *args: str):  # noqa: ANN201
    """Invoke the CLI and return the result (stdout and stderr kept apart)."""
    from guidebuilder.cli.app import app

    return runner.invoke(app, list(args), catch_exceptions=False)
