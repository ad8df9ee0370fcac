"""The preflight report of an edition: preflight.html (each finding with a thumbnail of its page,
the problem outlined; self-contained, images as data: URIs) and preflight.json for CI.

Both name their generator, so `clean` can tell them from files of the same name that guidebuilder
did not write: no manifest lists them (preflight may run before any build)."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import stat
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..preflight.findings import EditionCheck, Finding
    from ..preflight.profile import Profile

THUMB_DPI = 40
GENERATOR = "guidebuilder preflight"
REPORT_NAMES = ("preflight.html", "preflight.json")
HTML_START = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="generator" content="{GENERATOR}">'
STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
.finding{display:flex;gap:1.5em;align-items:flex-start;border-top:1px solid #ccc;padding:1em 0}
.finding img{border:1px solid #999;flex:none}.kind{font-weight:bold;color:#a40000}
table{border-collapse:collapse}td{padding:.1em 1em .1em 0}"""


def thumbnails(pdf: bytes, findings: list[Finding]) -> dict[int, bytes]:
    """A PNG per finding (by index): its page, small, with the finding's box outlined in red."""
    import pypdfium2
    from PIL import ImageDraw

    document = pypdfium2.PdfDocument(pdf)
    scale = THUMB_DPI / 72
    images: dict[int, bytes] = {}
    try:
        for index, finding in enumerate(findings):
            if not finding.page or finding.page > len(document):
                continue
            image = document[finding.page - 1].render(scale=scale).to_pil().convert("RGB")
            if finding.box:
                x, y, w, h = (v * scale for v in finding.box)
                ImageDraw.Draw(image).rectangle((x - 2, y - 2, x + w + 2, y + h + 2), outline=(220, 0, 0), width=2)
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            images[index] = buffer.getvalue()
    finally:
        document.close()
    return images


def report_html(check: EditionCheck, profile: Profile) -> str:
    """The HTML report of one edition."""
    images = thumbnails(check.pdf, list(check.findings))
    rows = []
    for index, finding in enumerate(check.findings):
        image = images.get(index)
        img = (
            f'<img alt="page {finding.page}" src="data:image/png;base64,{base64.b64encode(image).decode()}">'
            if image
            else ""
        )
        where = f"p.{finding.page}" if finding.page else "whole file"
        rows.append(
            f'<div class="finding">{img}<p>{where}: <span class="kind">{html.escape(finding.kind)}</span>: '
            f"{html.escape(finding.message)}</p></div>"
        )
    limits = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in asdict(profile).items())
    summary = f"{len(check.findings)} findings" if check.findings else "No findings: ready for print."
    return (
        f"{HTML_START}<title>Preflight {check.edition}</title>"
        f"<style>{STYLE}</style></head><body><h1>Preflight {html.escape(check.edition)}</h1><p>{summary}</p>"
        f"{''.join(rows)}<h2>Profile</h2><table>{limits}</table></body></html>\n"
    )


def report_json(check: EditionCheck, profile: Profile) -> str:
    """The JSON report of one edition."""
    data = {
        "generator": GENERATOR,
        "edition": check.edition,
        "profile": asdict(profile),
        "findings": [f.as_json() for f in check.findings],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def written_reports(out: Path) -> list[Path]:
    """The preflight reports in the folders of out that guidebuilder wrote. Links are not followed (a report
    is a plain file in a plain folder), so nothing outside out is read."""
    with os.scandir(out) as entries:
        folders = sorted(entry.path for entry in entries if entry.is_dir(follow_symlinks=False))
    return [Path(folder, name) for folder in folders for name in REPORT_NAMES if _is_report(Path(folder, name))]


def _is_report(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # not through a link; never stuck on a FIFO
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            if path.suffix == ".html":
                return handle.read(len(HTML_START.encode())) == HTML_START.encode()
            data = json.loads(handle.read())
        except (OSError, ValueError):
            return False
    return isinstance(data, dict) and data.get("generator") == GENERATOR
