"""The live preview in a real headless Chromium: pages update on save, errors show over the last render,
editions switch, only the preview's own files are served, Ctrl-C ends everything."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from .conftest import FIXED_EPOCH, FIXTURE, REPO, run_cli

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_S = 30  # the first layout on a busy machine
STOP_S = 20  # Ctrl-C to exit, on a busy machine
WAIT_MS = 30_000  # a page update: a layout in a worker, on a busy machine
INTRO = Path("guide/sections/01-intro.md")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def _interruptible() -> None:
    """Ctrl-C as in a terminal, even when the tests run from a script in the background (which ignores SIGINT)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_preview(root: Path, *args: str, prefix: Sequence[str] = ()) -> tuple[subprocess.Popen, str]:
    """`guidebuilder preview` in its own process group (as a terminal runs it), and its URL; prefix runs it
    through another command (setpriv)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "GUIDEBUILDER_JOBS": "2"}
    command = [*prefix, sys.executable, "-X", "faulthandler", "-m", "guidebuilder", "preview", *args]
    command += ["--port", "0", "--no-open", "-C", str(root)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        preexec_fn=_interruptible,
    )
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                return process, match[0]
        if process.poll() is not None:
            break
    stop_preview(process)
    raise AssertionError(f"the preview did not start: {process.stderr.read()}")


def stop_preview(process: subprocess.Popen) -> int:
    """Ctrl-C the preview's process group; if it does not stop in time, dump its threads and kill the group."""
    if process.poll() is not None:
        return process.returncode
    os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(timeout=STOP_S)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGABRT)  # faulthandler prints where every thread was stuck
        time.sleep(1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return process.wait(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A preview of a writable copy of the fixture project: its folder and URL."""
    root = tmp_path_factory.mktemp("preview") / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    process, url = start_preview(root, "en-GB")
    try:
        yield root, url
    finally:
        stop_preview(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object, site: tuple[Path, str]) -> Iterator[object]:
    """A fresh tab on the preview, its pages laid out; it records every URL the page asks for."""
    tab = browser.new_page(viewport={"width": 1100, "height": 800})
    tab.requested = []
    tab.on("request", lambda request: tab.requested.append(request.url))
    try:
        tab.goto(site[1])
        tab.wait_for_selector(".page .words span", timeout=WAIT_MS)
        tab.locator("#status", has_text="up to date").wait_for(timeout=WAIT_MS)
        yield tab
    finally:
        tab.close()


def settled(url: str, edition: str = "en-GB") -> dict:
    """The preview's state once it has nothing left to lay out."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        with urllib.request.urlopen(f"{url}{edition}/state.json", timeout=10) as response:
            state = json.load(response)
        if not state["laying_out"] or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


@pytest.fixture
def edit(site: tuple[Path, str]) -> Iterator[Callable[[Path, Callable[[str], str]], None]]:
    """Change files of the previewed project; each is put back afterwards, and the preview has seen it."""
    originals: dict[Path, str] = {}

    def change(relative: Path, how: Callable[[str], str]) -> None:
        path = site[0] / relative
        originals.setdefault(path, path.read_text(encoding="utf-8"))
        path.write_text(how(path.read_text(encoding="utf-8")), encoding="utf-8")

    try:
        yield change
    finally:
        version = settled(site[1])["version"]
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        deadline = time.monotonic() + WAIT_MS / 1000  # the next test starts from the preview of these files
        while settled(site[1])["version"] == version and time.monotonic() < deadline:
            time.sleep(0.1)


def words(tab: object) -> str:
    """The text layer of every page shown."""
    return tab.evaluate("Array.from(document.querySelectorAll('.page .words')).map(w => w.textContent).join(' ')")


def test_saved_text_appears_in_pages_and_text_without_reload(page, edit) -> None:
    page.evaluate("window.scrollTo(0, 900)")
    page.evaluate("window.notReloaded = true")
    edit(INTRO, lambda text: text.replace("check goods and people.", "check goods and saffron lighthouses."))
    page.locator(".page .words", has_text="saffron lighthouses").wait_for(timeout=WAIT_MS)
    assert page.evaluate("window.notReloaded") is True
    assert abs(page.evaluate("window.scrollY") - 900) < 5
    assert page.locator("#problems").is_hidden()
    page.get_by_role("tab", name="Text").click()
    frame = page.frame_locator("#text-view")
    frame.locator("text=saffron lighthouses").wait_for(timeout=WAIT_MS)
    edit(INTRO, lambda text: text.replace("saffron lighthouses", "amber harbours"))
    frame.locator("text=amber harbours").wait_for(timeout=WAIT_MS)
    page.get_by_role("tab", name="Pages").click()


def test_invalid_file_lists_problems_over_the_last_render_until_fixed(page, edit) -> None:
    shown = page.locator(".page").count()
    before = words(page)
    edit(INTRO, lambda text: text.replace("title: Introduction", "title: [Introduction"))
    problems = page.locator("#problems")
    problems.wait_for(state="visible", timeout=WAIT_MS)
    assert re.search(r"guide/sections/01-intro\.md:\d+:", problems.inner_text())
    assert page.locator(".page").count() == shown and words(page) == before
    assert page.locator("#status").inner_text() == "errors"
    edit(INTRO, lambda text: text.replace("title: [Introduction", "title: Introduction"))
    problems.wait_for(state="hidden", timeout=WAIT_MS)


# One expression, so no re-render can come between finding the page and measuring it.
ASPECT = "(() => { const r = document.querySelector('.sheet').getBoundingClientRect(); return r.height / r.width })()"


def test_edition_switcher_shows_the_other_edition(page) -> None:
    en_gb = page.evaluate(ASPECT)
    assert en_gb == pytest.approx(210 / 148, rel=0.01)  # A5
    assert page.locator("#edition option").all_inner_texts() == ["en-GB · United Kingdom", "en-US · United States"]
    page.select_option("#edition", "en-US")
    page.wait_for_url(re.compile(r"/en-US/"), timeout=WAIT_MS)
    page.wait_for_selector(".page .words span", timeout=WAIT_MS)
    en_us = page.evaluate(ASPECT)
    assert en_us == pytest.approx(8.5 / 5.5, rel=0.01)  # half-letter
    assert "Only in the United States." in words(page)


def test_spreads_pair_pages_as_printed(page) -> None:
    page.get_by_role("tab", name="Spreads").click()
    rows = page.locator(".spread").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('figcaption')).map(c => Number(c.textContent)))"
    )
    count = page.locator(".page").count()
    assert rows[0] == [1] and rows[1] == [2, 3] and count % 4 == 0 and rows[-1] == [count]
    page.get_by_role("tab", name="Pages").click()


def test_page_asks_only_the_preview(page, site) -> None:
    page.get_by_role("tab", name="Text").click()
    page.frame_locator("#text-view").locator("h1, h2").first.wait_for(timeout=WAIT_MS)
    page.get_by_role("tab", name="Pages").click()
    outside = [url for url in page.requested if not url.startswith((site[1], "data:"))]
    assert page.requested and not outside


def get(url: str, path: str, host: str | None = None) -> int:
    """The status of a GET sent exactly as written (no path clean-up by the client)."""
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", f"127.0.0.1:{port}" if host is None else host)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/en-GB/../../guide/guide.yaml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/en-GB/%2e%2e/guide.yaml",
        "/en-GB/%2E%2E/%2E%2E/layouts/booklet/booklet.css",
        "/en-GB/images/..%2f..%2fguide.yaml",
        "/en-GB/%252e%252e/guide.yaml",
        "/en-GB/guide.yaml",
        "/en-GB/sections/01-intro.md",
        "/guide/",
        "/layouts/",
        "/en-GB/images/",
        "/fonts/../guide/guide.yaml",
    ],
)
def test_only_the_previews_own_files_are_served(site, path: str) -> None:
    assert get(site[1], path) in (400, 404)


def test_own_files_are_served(site) -> None:
    own = ("/en-GB/", "/en-GB/state.json", "/en-GB/text.html", "/en-GB/images/route.svg", "/fonts/NotoSans-Bold.ttf")
    assert [get(site[1], path) for path in own] == [200] * len(own)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", ""])
def test_requests_for_another_host_are_refused(site, host: str) -> None:
    assert get(site[1], "/en-GB/", host) == 403


def children(pid: int) -> list[int]:
    """Processes whose parent is pid."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_ctrl_c_stops_the_preview_and_its_workers(project: Path) -> None:
    process, url = start_preview(project)
    try:
        deadline = time.monotonic() + START_S
        while not (workers := children(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert get(url, "/") == 302
    finally:
        code = stop_preview(process)
    stderr = process.stderr.read()
    assert code in (0, 130), stderr
    assert "Traceback" not in stderr
    assert workers and not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def test_busy_port_is_an_error_naming_a_free_one(project: Path, runner) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(runner, "preview", "--port", str(port), "--no-open", "-C", str(project))
    assert result.exit_code == 1
    assert re.fullmatch(rf"error: port {port} is in use; try --port \d+\n", result.stderr)
