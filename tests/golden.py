"""Golden HTML of the fixture guide: `make golden` (python -m tests.golden) rewrites it on purpose."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from guidebuilder.guide import load_guide
from guidebuilder.project import Project
from guidebuilder.render import booklet_html
from guidebuilder.resolve import resolve

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
FIXTURE = HERE / "fixtures" / "project"
BUILD_DATE = date(2026, 1, 1)


def render_all() -> dict[str, str]:
    """The booklet HTML of every fixture edition."""
    project = Project.at(FIXTURE, layouts=(HERE.parent / "layouts",))
    guide = load_guide(project.guide_dir)
    return {eid: booklet_html(resolve(guide, eid, BUILD_DATE), project.search_path) for eid in guide.editions}


def main() -> None:
    """Rewrite the golden files."""
    GOLDEN.mkdir(exist_ok=True)
    for edition, html in render_all().items():
        path = GOLDEN / f"{edition}.html"
        path.write_text(html, encoding="utf-8")
        print(f"wrote {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
