"""`check` replays the outcome of the last check of the same inputs, and only of the same inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guidebuilder.project import Project
from guidebuilder.proof import checkcache
from guidebuilder.proof.checkcache import check_outcome, inputs_key
from tests.conftest import REPO, run_cli

SECTION = "guide/sections/01-intro.md"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def _replay_in_fresh_process(root: Path, cache: Path) -> dict:
    """check_outcome in a new interpreter: its outcome, and whether it had to load the models to get it."""
    code = (
        "import json, sys; from pathlib import Path; from guidebuilder.proof.checkcache import check_outcome;"
        "from guidebuilder.project import Project;"
        f"o = check_outcome(Project.at(Path({str(root)!r})));"
        "print(json.dumps({'warnings': [str(w) for w in o.findings.warnings],"
        " 'problems': [str(p) for p in o.findings.problems], 'sections': o.sections,"
        " 'loaded': sorted(m for m in ('pydantic', 'yaml', 'babel', 'guidebuilder.content.models')"
        " if m in sys.modules)}))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_an_unchanged_guide_is_not_loaded_again(project: Path, _own_cache: Path):
    first = check_outcome(Project.at(project))
    replay = _replay_in_fresh_process(project, _own_cache)
    assert replay["loaded"] == []
    assert replay["sections"] == first.sections > 0
    assert replay["warnings"] == [str(w) for w in first.findings.warnings]


def test_a_changed_file_is_checked_again(project: Path, _own_cache: Path):
    check_outcome(Project.at(project))
    section = project / SECTION
    section.write_text(section.read_text(encoding="utf-8") + "\nSee {{ agency.nowhere }}.\n", encoding="utf-8")
    replay = _replay_in_fresh_process(project, _own_cache)
    assert "pydantic" in replay["loaded"]
    assert any("agency.nowhere" in p for p in replay["problems"])


def test_errors_are_replayed_like_warnings(project: Path, runner):
    section = project / SECTION
    section.write_text(section.read_text(encoding="utf-8") + "\nSee {{ agency.nowhere }}.\n", encoding="utf-8")
    fresh = run_cli(runner, "check", "--no-cache", "-C", str(project))
    first = run_cli(runner, "check", "-C", str(project))
    again = run_cli(runner, "check", "-C", str(project))
    assert fresh.exit_code == first.exit_code == again.exit_code == 1
    assert "agency.nowhere" in again.stderr
    assert fresh.stderr == first.stderr == again.stderr


@pytest.mark.parametrize("strict", [False, True])
def test_a_replay_prints_what_a_fresh_check_prints(tmp_path: Path, runner, strict: bool):
    shutil.copytree(REPO / "guide", tmp_path / "guide")  # the real guide, given a warning (a misspelt word)
    role = tmp_path / "guide" / "sections" / "01-role.md"
    role.write_text(role.read_text() + "\nThis sentance is misspelt on purpose.\n")
    options = ["--strict"] if strict else []
    fresh = run_cli(runner, "check", "--no-cache", *options, "-C", str(tmp_path))
    run_cli(runner, "check", "-C", str(tmp_path))  # remembers the outcome
    replay = run_cli(runner, "check", *options, "-C", str(tmp_path))
    assert fresh.stderr.count("warning:") > 0  # so --strict makes a difference
    assert (replay.exit_code, replay.stdout, replay.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr)
    assert replay.exit_code == (1 if strict else 0)


def test_the_key_follows_the_build_date_and_the_code(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path):
    key = inputs_key(Project.at(project))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01: figures age, the outcome may differ
    assert inputs_key(Project.at(project)) != key
    monkeypatch.undo()
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("x = 1\n")
    monkeypatch.setattr(checkcache, "PACKAGE", code)
    with_code = inputs_key(Project.at(project))
    (code / "module.py").write_text("x = 2\n")
    assert inputs_key(Project.at(project)) != with_code


def test_a_damaged_or_unwritable_cache_is_no_error(project: Path, runner, _own_cache: Path):
    assert run_cli(runner, "check", "-C", str(project)).exit_code == 0
    (store,) = (_own_cache / "guidebuilder" / "check").glob("*.json")
    store.write_text("{not json")
    assert run_cli(runner, "check", "-C", str(project)).exit_code == 0
    assert json.loads(store.read_text())["sections"] > 0
    store.unlink()
    store.parent.rmdir()
    store.parent.write_text("a file where the cache folder should be")
    assert run_cli(runner, "check", "-C", str(project)).exit_code == 0


def test_only_the_newest_outcomes_are_kept(project: Path, _own_cache: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(checkcache, "KEEP", 2)
    folder = _own_cache / "guidebuilder" / "check"
    folder.mkdir(parents=True)
    for index in range(3):
        (folder / f"old{index}.json").write_text("{}")
        os.utime(folder / f"old{index}.json", ns=(index * 10**9, index * 10**9))
    check_outcome(Project.at(project))
    assert sorted(p.name for p in folder.glob("*.json"))[-1] == "old2.json"
    assert len(list(folder.glob("*.json"))) == 2


def test_a_word_added_to_a_personal_word_list_is_seen(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Enchant reads a user's personal word lists: both the remembered outcome and the spelling verdicts follow
    them, in fresh processes as `check` runs."""
    section = project / SECTION
    section.write_text(section.read_text(encoding="utf-8") + "\nThe Blorfication of goods.\n", encoding="utf-8")
    settings = tmp_path / "enchant"
    settings.mkdir()
    monkeypatch.setenv("ENCHANT_CONFIG_DIR", str(settings))
    command = [sys.executable, "-m", "guidebuilder", "check", "-C", str(project)]

    def blorfication(*options: str) -> int:
        done = subprocess.run(command + list(options), capture_output=True, text=True, check=True)
        return done.stderr.count("'Blorfication'")

    assert blorfication() == 2  # en-GB and en-US
    for dictionary in ("en_GB", "en_US"):
        (settings / f"{dictionary}.dic").write_text("Blorfication\n", encoding="utf-8")
    assert blorfication() == 0
    assert blorfication("--no-cache") == 0
