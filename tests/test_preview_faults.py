"""The preview under faults: clients that go away print nothing, an unreadable folder is named once and the
watching goes on, idle connections end, and connections (event streams included) are answered by a bounded
number of threads. Waits are deadlines, never sleeps that must be long enough: they pass beside a CPU hog."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from guidebuilder.preview import server
from guidebuilder.preview.watcher import unreadable_folders

from .conftest import REPO
from .test_preview import INTRO, WAIT_MS, get, settled, start_preview, stop_preview

DEADLINE_S = 20.0  # for anything that should happen within a second or two on an idle machine
# Root reads every folder whatever its mode: the preview then runs without the two capabilities that allow it.
AS_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []


def reset(sock: socket.socket) -> None:
    """Close as a browser cancelling a request does: at once, with a reset."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def port_of(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def request(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def test_a_client_that_goes_away_leaves_the_terminal_quiet(project: Path) -> None:
    process, url = start_preview(project, "en-GB")
    port = port_of(url)
    try:
        settled(url)
        for number in range(30):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(request(port, "/fonts/NotoSans-Regular.ttf"))  # half a megabyte to write
            if number % 3 == 1:
                sock.recv(1000)  # part of the answer read, then gone
            reset(sock)
        stream = socket.create_connection(("127.0.0.1", port), timeout=10)
        stream.sendall(request(port, "/events?edition=en-GB"))
        assert stream.recv(1000).startswith(b"HTTP/1.1 200")
        reset(stream)  # a tab closed while its event stream is open
        assert get(url, "/") == 302  # still serving
    finally:
        code = stop_preview(process)
    stderr = process.stderr.read()
    assert code in (0, 130), stderr
    assert stderr.strip() in ("", "interrupted"), stderr


@pytest.fixture
def unreadable(project: Path, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """Two folders the preview cannot read: one under guide/, one outside it reached by a link under guide/."""
    outside = tmp_path / "outside"
    (outside / "secret").mkdir(parents=True)
    (project / "guide" / "notes").symlink_to(outside, target_is_directory=True)
    drafts = project / "guide" / "drafts"
    drafts.mkdir()
    for folder in (outside / "secret", drafts):
        folder.chmod(0)
    try:
        yield project / "guide" / "notes" / "secret", drafts
    finally:
        for folder in (outside / "secret", drafts):
            folder.chmod(0o755)


@pytest.mark.skipif(AS_USER and not shutil.which("setpriv"), reason="needs setpriv (util-linux) to drop root's reach")
def test_an_unreadable_folder_is_named_once_and_watching_goes_on(project: Path, unreadable) -> None:
    process, url = start_preview(project, "en-GB", prefix=AS_USER)
    try:
        before = settled(url)["text_version"]
        intro = project / INTRO
        intro.write_text(intro.read_text(encoding="utf-8").replace("goods and people", "goods and geese"))
        deadline = time.monotonic() + WAIT_MS / 1000
        while (state := settled(url))["text_version"] == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert state["text_version"] > before and not state["problems"]
        with urllib.request.urlopen(f"{url}en-GB/text.html", timeout=10) as response:
            assert "goods and geese" in response.read().decode()
    finally:
        code = stop_preview(process)
    stderr = process.stderr.read()
    assert code in (0, 130), stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert sorted(warnings) == sorted(
        f"warning: cannot read {folder}: the preview does not see changes there" for folder in unreadable
    ), stderr
    assert "Traceback" not in stderr


def test_unreadable_folders_are_found_once_through_links_and_loops(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "gone").symlink_to(tmp_path / "nowhere")
    assert list(unreadable_folders([tmp_path, tmp_path / "a"])) == []


class StubState:
    """Just enough of the preview's state for event streams: nothing ever changes."""

    editions = ["en-GB"]

    def watch(self, edition: str) -> bool:
        return False

    def unwatch(self, edition: str) -> None:
        pass

    def wait(self, seen: int, timeout: float) -> int:
        time.sleep(min(timeout, 0.2))
        return 1


@pytest.fixture
def small_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[server.PreviewServer]:
    """The preview's web server, at most 4 connections, idle ones closed after 1 s, over a stub preview."""
    monkeypatch.setattr(server.Handler, "timeout", 1.0)
    monkeypatch.setattr(server, "HEARTBEAT_S", 0.2)
    web = server.PreviewServer((server.HOST, 0), server.Handler, limit=4)
    project = SimpleNamespace(search_path=(REPO / "layouts",))
    web.preview = SimpleNamespace(
        port=web.server_address[1], project=project, stop=threading.Event(), state=StubState(), first_edition="en-GB"
    )
    thread = threading.Thread(target=web.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        web.preview.stop.set()
        web.shutdown()
        web.server_close()


def connect(web: server.PreviewServer) -> socket.socket:
    return socket.create_connection(web.server_address, timeout=DEADLINE_S)


def connection_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name.startswith("Thread-") and "process_request" in t.name)


def until(condition, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_an_idle_connection_is_closed_and_its_thread_ends(small_server: server.PreviewServer) -> None:
    with connect(small_server) as idle:
        until(lambda: connection_threads() == 1, "a thread answers the connection")
        assert idle.recv(1) == b""  # the server closed it: it sent nothing for a second
    until(lambda: connection_threads() == 0, "the connection's thread ends")


def test_connections_beyond_the_limit_get_a_503_and_no_thread(small_server: server.PreviewServer) -> None:
    port = small_server.server_address[1]
    streams = [connect(small_server) for _ in range(2)]
    for stream in streams:  # event streams hold their connection and thread, and count
        stream.sendall(request(port, "/events?edition=en-GB"))
        assert stream.recv(1000).startswith(b"HTTP/1.1 200")
    waiting = [connect(small_server) for _ in range(2)]
    until(lambda: connection_threads() == 4, "four connections, four threads")
    for _ in range(10):
        with connect(small_server) as extra:
            extra.sendall(request(port, "/fonts/NotoSans-Regular.ttf"))
            assert extra.recv(1000).startswith(b"HTTP/1.1 503 Service Unavailable")
        assert connection_threads() == 4
    for sock in streams + waiting:
        sock.close()
    until(lambda: connection_threads() == 0, "closed connections free their threads")
    with connect(small_server) as fresh:
        fresh.sendall(request(port, "/fonts/NotoSans-Regular.ttf"))
        assert fresh.recv(1000).startswith(b"HTTP/1.1 200")
