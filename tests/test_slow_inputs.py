"""Linear time on hostile text: 200 kB runs without spaces through every function that runs regular expressions
over body text, then through `check` and `build --format web`. A pattern that restarts its scan at every
character of such a run takes minutes (one paragraph of '<' made `check` run past 60 s).

Times are CPU seconds of the process doing the work, not wall time: the bounds are loose (a quadratic pattern
costs 100 times more) and hold on a machine other processes keep busy."""

from __future__ import annotations

import html
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import Markup

from guidebuilder.content.models import SpellingTable
from guidebuilder.content.po import PLACEHOLDER, body_pieces
from guidebuilder.content.text import TextError, fill
from guidebuilder.editions.spelling import Variety
from guidebuilder.editions.typography import typeset, typeset_html
from guidebuilder.proof.spellcheck import words_of
from guidebuilder.proof.warnings import holds_money

from .conftest import FIXTURE, REPO
from .slow_inputs import PAYLOADS, hostile_project, run_of

FUNCTION_CPU_S = 2.0  # one function over 200 kB; each takes well under 0.2 s
# One command over the whole hostile project. Measured: 0.5-8 s, and 10-13 s for '[' (markdown-it-py spends
# ~2.2 s of CPU on 200 kB of '[', in linear time, and check parses it four times: two editions' bodies, an item
# and a title). The quadratic patterns this guards against took minutes.
COMMAND_CPU_S = 30.0
HANG_S = 600  # a command that takes longer has hung
# Runs that stress one pattern each beyond the list: spaces before a guillemet, placeholders,
# addresses, amounts of money, ranges, URLs, character references, link targets, autolinks.
EXTRA = {
    "nbsp": "\u00a0",
    "braces": "{{",
    "at": "a@",
    "digits": "1",
    "digit-space": "1 ",
    "digit-dash": "1-",
    "www": "www.",
    "amp": "&a",
    "close": "](",
}
RESPELL = Variety("en-GB", SpellingTable.model_validate({"pairs": {"color": "colour"}, "protect": ["Color Inc"]}))


def _fill(text: str) -> str:
    try:
        return fill(text, {"agency": {"name": "Agency"}})
    except TextError:
        return ""  # a run of braces is template syntax: refusing it is fine, so long as it is quick


FUNCTIONS: dict[str, Callable[[str], object]] = {
    "typeset fr-FR": lambda text: typeset(text, "fr-FR"),
    "typeset fr-CA": lambda text: typeset(text, "fr-CA"),
    "typeset_html fr-FR": lambda text: typeset_html(Markup(text), "fr-FR"),
    "typeset_html de-DE": lambda text: typeset_html(Markup(text), "de-DE"),
    "spell-check words": words_of,
    "respelling": lambda text: RESPELL.apply("color " + text + " color"),
    "placeholders": _fill,
    "PO placeholders": PLACEHOLDER.findall,
    "PO units": body_pieces,
    "money in a fact": holds_money,
}


@pytest.mark.parametrize("unit", [*PAYLOADS.values(), *EXTRA.values()], ids=[*PAYLOADS, *EXTRA])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_each_text_function_is_linear(name: str, unit: str) -> None:
    run = run_of(unit)
    started = time.process_time()
    FUNCTIONS[name](run)
    assert time.process_time() - started < FUNCTION_CPU_S


def test_respelling_among_many_protected_spans_is_linear() -> None:
    """A word to respell beside each of thousands of protected spans: each is looked up, not compared with all."""
    text = "color `code` " * 20_000
    started = time.process_time()
    respelled, made = RESPELL.apply(text + "\ncolor")
    assert time.process_time() - started < FUNCTION_CPU_S
    assert respelled.count("colour") == 20_001 and len(made) == 20_001 and made[-1][0] == 1


def _cli(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run the command line; its result and the CPU seconds it took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "guidebuilder", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=HANG_S)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


@pytest.mark.parametrize("unit", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_check_and_web_build_of_hostile_text_finish_quickly(tmp_path: Path, unit: str) -> None:
    root = hostile_project(tmp_path, FIXTURE, REPO / "layouts", unit)  # the build resolves en-US's fact too
    checked, check_s = _cli("check", "--no-cache", "-C", str(root))
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert check_s < COMMAND_CPU_S
    built, build_s = _cli("build", "en-GB", "--format", "web", "-q", "-C", str(root))
    assert built.returncode == 0, built.stderr[-2000:]
    assert build_s < COMMAND_CPU_S
    page = html.unescape((root / "dist" / "en-GB" / "index.html").read_text(encoding="utf-8"))
    assert page.count(run_of(unit)) >= 3  # the body line, the checklist item, the section title (and its TOC entry)
