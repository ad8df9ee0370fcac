"""The fixture guide's HTML matches the reviewed golden files (regenerate with `make golden`)."""

from __future__ import annotations

import difflib

import pytest

from .golden import GOLDEN, render_all


@pytest.mark.parametrize("edition", ["en-GB", "en-US"])
def test_html_matches_golden(edition):
    expected = (GOLDEN / f"{edition}.html").read_text(encoding="utf-8")
    actual = render_all()[edition]
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "now", n=2))
        pytest.fail(f"HTML differs from tests/golden/{edition}.html (run `make golden` if intended):\n{diff[:4000]}")
