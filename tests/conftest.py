"""Shared fixtures: a copy of the fixture project, a CLI runner, the real project."""

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


@pytest.fixture
def runner() -> CliRunner:
    """A typer CLI runner."""
    return CliRunner()


def run_cli(runner: CliRunner, *args: str):  # noqa: ANN201
    """Invoke the CLI and return the result (stdout and stderr kept apart)."""
    from guidebuilder.cli import app

    return runner.invoke(app, list(args), catch_exceptions=False)
