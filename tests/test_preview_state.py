"""The preview's state without a server: a newer change makes a layout in flight stale, and its result is
discarded; unchanged input is not laid out again; errors keep the last good render; preflight findings."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import pytest

from guidebuilder.preflight.findings import Finding as PreflightFinding
from guidebuilder.preview.pages import PageImage, PreviewPages, Words
from guidebuilder.preview.state import Finding, PreviewState
from guidebuilder.project import Project

INTRO = Path("guide/sections/01-intro.md")


class HeldPool:
    """A pool whose layouts finish only when the test says so."""

    def __init__(self) -> None:
        self.submitted: list[tuple[object, Future]] = []

    def submit(self, function: object, job: object) -> Future:
        future: Future = Future()
        self.submitted.append((job, future))
        return future

    def start(self, index: int) -> None:
        """A worker picks the job up: it can no longer be cancelled."""
        assert self.submitted[index][1].set_running_or_notify_cancel()

    def finish(self, index: int, text: str) -> None:
        page = PageImage(1, text.encode(), 420.0, 595.0, (Words(text, 0, 0, 1, 0.1),))
        self.submitted[index][1].set_result(PreviewPages((page,), (PreflightFinding("overflow", "near the edge", 1),)))


def pages_text(state: PreviewState) -> list[str]:
    return [w.text for page in state.view("en-GB").pages for w in page.words]


@pytest.fixture
def state(project: Path) -> tuple[PreviewState, HeldPool]:
    pool = HeldPool()
    preview = PreviewState(Project.at(project), pool)
    preview.prefer("en-GB")
    return preview, pool


def rewrite(project: Path, old: str, new: str) -> None:
    path = project / INTRO
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_newer_change_does_not_wait_for_a_stale_layout_and_discards_it(state, project: Path) -> None:
    preview, pool = state
    preview.refresh()
    pool.start(0)
    rewrite(project, "check goods and people.", "check saffron lighthouses.")
    preview.refresh()
    assert len(pool.submitted) == 2  # submitted while the first layout is still running
    assert "saffron lighthouses" in preview.view("en-GB").text.decode()
    rewrite(project, "saffron lighthouses", "amber harbours")
    preview.refresh()
    assert pool.submitted[1][1].cancelled()  # queued and stale: never laid out
    pool.finish(2, "newest")
    pool.finish(0, "stale")
    assert pages_text(preview) == ["newest"]
    view = preview.view("en-GB")
    assert view.pages_version == 1 and not view.laying_out
    assert view.findings == (Finding("overflow: near the edge", 1),)  # the layout's preflight findings


def test_unchanged_input_is_not_laid_out_again(state) -> None:
    preview, pool = state
    preview.refresh()
    preview.refresh()
    assert len(pool.submitted) == 1


def test_invalid_file_keeps_the_last_good_render(state, project: Path) -> None:
    preview, pool = state
    preview.refresh()
    pool.finish(0, "good")
    text = preview.view("en-GB").text
    rewrite(project, "title: Introduction", "title: [Introduction")
    preview.refresh()
    assert preview.problems and preview.problems[0].startswith(f"{INTRO}:")
    assert pages_text(preview) == ["good"] and preview.view("en-GB").text == text
    rewrite(project, "title: [Introduction", "title: Introduction")
    preview.refresh()
    assert preview.problems == ()


def test_broken_template_is_a_problem_not_a_crash(state, project: Path) -> None:
    preview, pool = state
    preview.refresh()
    template = project / "layouts/booklet/booklet.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{% if %}", encoding="utf-8")
    preview.refresh()
    error = preview.view("en-GB").error
    assert error and "booklet.html.j2" in error and "template error" in error
    assert preview.view("en-GB").text is not None


def test_renders_the_editions_open_in_a_page(state) -> None:
    preview, pool = state
    assert preview.watch("en-US") is True
    assert preview.watch("en-US") is False  # a second page on the same edition
    preview.refresh()
    assert [job.label for job, _ in pool.submitted] == ["en-US"]
    preview.unwatch("en-US")
    preview.unwatch("en-US")
    preview.refresh()  # no page open: the edition the preview started with
    assert [job.label for job, _ in pool.submitted] == ["en-US", "en-GB"]
