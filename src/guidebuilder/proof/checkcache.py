"""The outcome of `check`, remembered per inputs: checking a guide that has not changed since its last check
replays that check's findings without loading anything. Light to import: the cached path never loads pydantic,
YAML, Babel or the models."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import astuple, dataclass
from datetime import date
from pathlib import Path

from .. import codestamp
from ..codestamp import CHECK_LIBRARIES, library_stamps
from ..errors import ContentError, Findings, Problem
from ..project import Project, build_date, user_cache_dir

FORMAT = 2  # bump when the stored outcome changes shape
KINDS = ("problems", "warnings", "acknowledged")  # the fields of Findings, in order
KEEP = 32  # outcomes of this many projects are kept
PACKAGE = Path(codestamp.PACKAGE)


@dataclass(frozen=True)
class CheckOutcome:
    """What `check` found in a guide: its size, the errors and the warnings."""

    sections: int
    editions: int
    findings: Findings


def check_outcome(project: Project, use_cache: bool = True) -> CheckOutcome:
    """Check every file and edition (warnings and proofreading included), or replay the last check of the
    same inputs. Errors are in the outcome, not raised: `findings.raise_for(strict)` raises them."""
    key = _key_or_none(project) if use_cache else None
    store = _store_path(project)
    if key is not None:
        remembered = _read(store, key)
        if remembered is not None:
            return remembered
    outcome = _checked(project)
    if key is not None:
        _write(store, key, outcome)
    return outcome


def _checked(project: Project) -> CheckOutcome:
    """Check for real."""
    from .validate import examine

    try:
        result = examine(project, proofread=True)
    except ContentError as exc:
        return CheckOutcome(0, 0, Findings(tuple(exc.problems)))
    return CheckOutcome(len(result.guide.sections), len(result.guide.editions), result.findings)


def _key_or_none(project: Project) -> str | None:
    """The inputs' digest, or None when a file cannot be read (the check itself will say why)."""
    try:
        return inputs_key(project)
    except OSError:
        return None


def inputs_key(project: Project) -> str:
    """A digest of everything a check's outcome depends on: the guide's files, this program's code, the
    libraries and dictionaries it uses, the build date and today's date (dates in the future are refused)."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version}|{build_date(project)}|{date.today()}".encode())
    for root in (project.guide_dir, PACKAGE):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            digest.update(f"\0{path.relative_to(root)}\0".encode())
            digest.update(path.read_bytes())
    for stamp in library_stamps(CHECK_LIBRARIES):
        digest.update(f"\0{stamp}".encode())
    return digest.hexdigest()


def _store_path(project: Project) -> Path:
    """The file holding the last outcome of one project (named by its folder)."""
    name = hashlib.sha256(str(project.root).encode()).hexdigest()[:16]
    return user_cache_dir("check") / f"{name}.json"


def _read(store: Path, key: str) -> CheckOutcome | None:
    """The remembered outcome when it was found for these very inputs; None otherwise or when unreadable."""
    try:
        data = json.loads(store.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        findings = Findings(*(tuple(Problem(*p) for p in data[kind]) for kind in KINDS))
        return CheckOutcome(int(data["sections"]), int(data["editions"]), findings)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(store: Path, key: str, outcome: CheckOutcome) -> None:
    """Remember an outcome (best effort: a read-only cache folder is no error), keeping the newest few."""
    data = {
        "key": key,
        "sections": outcome.sections,
        "editions": outcome.editions,
        **{kind: [astuple(p) for p in getattr(outcome.findings, kind)] for kind in KINDS},
    }
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        temporary = store.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(store)
        _prune(store.parent)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Drop all but the KEEP most recently written outcomes."""
    stores = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in stores[KEEP:]:
        old.unlink(missing_ok=True)
