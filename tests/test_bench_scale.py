"""The bench's synthetic guide (bench/bench.py scale): editions started with new-edition --from and filled with
the original's values validate like the shipped ones, so `make bench` measures a guide that builds."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

from guidebuilder.project import Project
from guidebuilder.proof.validate import validate

from .conftest import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("bench", REPO / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_guide_has_the_editions_asked_for_and_validates(tmp_path: Path):
    bench = _bench()
    root = bench.synthetic_guide(14, tmp_path / "guide-14")
    checked = validate(Project.at(root))
    assert len(checked.books) == 14 and not checked.findings.problems
    made = yaml.safe_load((root / "guide" / "editions" / "en-NZ.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load((REPO / "guide" / "editions" / "en-US.yaml").read_text(encoding="utf-8"))
    assert (made["id"], made["country"]) == ("en-NZ", "NZ")
    assert made["agency"] == original["agency"] and made["sources"] == original["sources"]
    assert not bench.has_todo(made)
    assert not list((REPO / "guide" / "editions").glob("en-NZ.yaml")), "the synthetic editions stay in tmp"
