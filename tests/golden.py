"""Golden files, rewritten on purpose by `make golden` (python -m tests.golden): the fixture guide's
booklet HTML, and every printed string of the real guide's translated editions (fr-CA, de-DE)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from guidebuilder.content.guide import load_guide
from guidebuilder.editions.resolve import resolve
from guidebuilder.project import Project
from guidebuilder.writers.render import booklet_html

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
FIXTURE = HERE / "fixtures" / "project"
BUILD_DATE = date(2026, 1, 1)
TRANSLATED = HERE / "fixtures" / "translated_texts.json"
TRANSLATED_EDITIONS = ("de-DE", "fr-CA")


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
    from .edition_texts import edition_texts

    guide = load_guide(HERE.parent / "guide")
    texts = {edition: edition_texts(guide, edition) for edition in TRANSLATED_EDITIONS}
    TRANSLATED.write_text(json.dumps(texts, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {os.path.relpath(TRANSLATED)}")


if __name__ == "__main__":
    main()
