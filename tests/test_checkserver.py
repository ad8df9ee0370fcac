"""The warm check server: a served check says and exits exactly what a check run here does, in the caller's
folder, environment and terminal; it follows every edit, stops when asked, when idle or when its caller
hangs up, and serves its own user only."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidebuilder import checkserver, codestamp

from .conftest import FIXED_EPOCH, FIXTURE

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the check server runs on Linux")
START_S = 90  # a server warms up for about a second; far longer on a loaded machine


@contextlib.contextmanager
def _own_cache() -> Iterator[Path]:
    """A cache folder of its own (short: a socket's path is limited), and no server left behind."""
    folder = Path(tempfile.mkdtemp(prefix="gb-", dir="/tmp"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        try:
            yield folder
        finally:
            state = checkserver.ask("stop")
            if state is not None:
                _wait_gone(state["pid"])
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def cache() -> Iterator[Path]:
    """A test's own cache folder, where it starts (and kills) servers of its own."""
    with _own_cache() as folder:
        yield folder


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the fixture project and a server warmed on it, shared by the tests that leave both as found."""
    root = tmp_path_factory.mktemp("warm") / "project"
    shutil.copytree(FIXTURE, root)
    with _own_cache():
        assert gb(root, "check").returncode == 0
        running_server()
        yield root


def gb(root: Path, *args: str, server: str | None = "1", **env: str) -> subprocess.CompletedProcess:
    """Run guidebuilder in root as a caller would; server sets GUIDEBUILDER_SERVER (None: unset)."""
    full = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, **env}
    full.pop("GUIDEBUILDER_SERVER")
    if server is not None:
        full["GUIDEBUILDER_SERVER"] = server
    command = [sys.executable, "-m", "guidebuilder", *args]
    return subprocess.run(command, cwd=root, env=full, capture_output=True, text=True, timeout=120)


def running_server() -> dict:
    """The state of the server once it answers."""
    deadline = time.monotonic() + START_S
    while (state := checkserver.ask("status")) is None:
        assert time.monotonic() < deadline, "no check server started"
        time.sleep(0.1)
    return state


def served() -> int:
    return checkserver.ask("status")["served"]


def same(a: subprocess.CompletedProcess, b: subprocess.CompletedProcess) -> bool:
    return (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def _alive(pid: int) -> bool:
    """Whether the process runs: not ended, nor ended and waiting to be reaped by whoever adopted it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _children(pid: int) -> list[int]:
    """The live processes whose parent is pid."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def test_a_check_leaves_a_server_that_answers_the_next_checks_alike(project: Path, cache: Path) -> None:
    here = gb(project, "check", "--no-cache")
    assert here.returncode == 0, here.stderr
    assert running_server()["served"] == 0
    assert same(gb(project, "check", "--no-cache"), here)
    assert served() == 1


@pytest.mark.parametrize("args", [("check",), ("check", "--no-cache"), ("check", "--strict", "--no-cache")])
def test_a_served_check_says_what_a_check_here_says(warm: Path, args: tuple[str, ...]) -> None:
    before = served()
    answered = gb(warm, *args)
    alone = gb(warm, *args, server="0")
    assert same(answered, alone), (answered, alone)
    assert served() == before + 1


def test_a_served_check_reads_every_edit(warm: Path) -> None:
    before = served()
    edition = warm / "guide" / "editions" / "en-US.yaml"
    original = edition.read_text()
    edition.write_text(original.replace("currency: USD", "currency: XYZ\nmotto: none"))
    try:
        broken = gb(warm, "check")
        assert broken.returncode == 1
        assert "guide/editions/en-US.yaml:" in broken.stderr and "motto" in broken.stderr
        assert "Traceback" not in broken.stderr
        assert same(broken, gb(warm, "check", server="0"))
    finally:
        edition.write_text(original)
    assert gb(warm, "check").returncode == 0
    assert served() == before + 2


def test_a_served_check_runs_in_the_callers_folder_and_environment(warm: Path) -> None:
    project = warm
    before = served()
    later = "1924992000"  # 2031: the fixture's pay figure is stale by then
    args = ("check", "-C", project.name, "--no-cache")
    answered = gb(project.parent, *args, SOURCE_DATE_EPOCH=later)
    assert answered.returncode == 0
    assert "months old" in answered.stderr
    assert same(answered, gb(project.parent, *args, server="0", SOURCE_DATE_EPOCH=later))
    assert "months old" not in gb(project.parent, *args).stderr
    assert served() == before + 2


def test_ctrl_c_during_a_served_check_ends_it_and_the_server_goes_on(warm: Path, tmp_path: Path) -> None:
    project = warm
    server = running_server()
    # Without SOURCE_DATE_EPOCH the check asks git for the build date, and waits up to 10 s for an answer: this
    # git writes down the check's process (its parent), then keeps it waiting.
    fake = tmp_path / "bin"
    fake.mkdir()
    reached = tmp_path / "reached"
    (fake / "git").write_text(f"#!/bin/sh\necho $PPID > {reached}.tmp\nmv {reached}.tmp {reached}\nexec sleep 20\n")
    (fake / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "GUIDEBUILDER_SERVER": ""}
    env.pop("SOURCE_DATE_EPOCH")
    stderr = tmp_path / "stderr"  # a file, not a pipe: reading a pipe to its end would wait for the child too
    with stderr.open("w") as errors:
        client = subprocess.Popen(
            [sys.executable, "-m", "guidebuilder", "check", "--no-cache"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    deadline = time.monotonic() + START_S
    while not reached.exists():
        assert client.poll() is None and time.monotonic() < deadline, stderr.read_text()
        time.sleep(0.02)
    child = int(reached.read_text())
    assert child in _children(server["pid"])  # the check runs in the server's child, not in the caller
    os.killpg(client.pid, signal.SIGINT)  # Ctrl-C at the terminal: the caller's process group
    assert client.wait(timeout=60) == 130
    said = stderr.read_text()
    assert said.endswith("interrupted\n") and "Traceback" not in said
    # Left alone, the child would wait for git for 10 s; the server ends it as soon as the caller hangs up.
    deadline = time.monotonic() + 8
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child)
    assert served() == server["served"] + 1  # and answers the next request
    assert _children(server["pid"]) == []
    assert gb(project, "check", "--no-cache").returncode == 0


def test_a_killed_server_is_replaced(project: Path, cache: Path) -> None:
    gb(project, "check")
    first = running_server()
    os.kill(first["pid"], signal.SIGKILL)
    _wait_gone(first["pid"])
    assert checkserver.ask("status") is None  # its socket is left behind, and nobody answers
    after = gb(project, "check", "--no-cache")
    assert after.returncode == 0 and after.stdout.startswith("ok: 3 sections")
    assert running_server()["pid"] != first["pid"]


def test_an_idle_server_stops(project: Path, cache: Path) -> None:
    gb(project, "check", GUIDEBUILDER_SERVER_IDLE="1")
    pid = running_server()["pid"]
    _wait_gone(pid)
    assert not _alive(pid)
    assert sorted(p.name for p in Path(checkserver.server_dir()).iterdir()) == ["server.log"]  # no socket, no lock


def test_no_server_without_a_terminal_or_when_turned_off(project: Path, cache: Path) -> None:
    assert gb(project, "check", server=None).returncode == 0  # output captured: not at a terminal
    assert not (cache / "guidebuilder" / "server" / "server.log").exists()
    assert checkserver.ask("status") is None
    gb(project, "check", server="1")
    running_server()
    assert gb(project, "check", "--no-cache", server="0").returncode == 0
    assert served() == 0


def test_server_start_status_and_stop(project: Path, cache: Path) -> None:
    assert gb(project, "server", "status").returncode == 1
    started = gb(project, "server", "start", server=None)  # no terminal needed: asked for by name
    assert started.returncode == 0, started.stderr
    pid = running_server()["pid"]
    assert f"process {pid}" in started.stdout
    assert f"process {pid}" in gb(project, "server", "start").stdout  # one is enough
    status = gb(project, "server", "status")
    assert status.returncode == 0 and f"process {pid}" in status.stdout and "0 checks served" in status.stdout
    stopped = gb(project, "server", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    _wait_gone(pid)
    assert gb(project, "server", "status").stdout == "no check server runs for this code\n"


def test_the_server_serves_its_own_user_and_only_check(warm: Path) -> None:
    before = served()
    folder = Path(checkserver.server_dir())
    assert folder.stat().st_mode & 0o777 == 0o700
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(checkserver.socket_path())
        checkserver._send(sock, checkserver._request(["clean"]), [0, 1, 2])
        assert sock.recv(16) == b""  # not acknowledged: a client would run it itself
    for nonsense in ([], {"op": "run", "argv": []}, {**checkserver._request(["check"]), "env": None}):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(checkserver.socket_path())
            checkserver._send(sock, nonsense, [0, 1, 2])
            assert sock.recv(16) == b""
    assert served() == before  # and the server still answers
    if os.getuid() != 0:
        return
    # Another user can neither reach the folder nor be answered.
    script = "import os, socket, sys; os.setuid(65534); socket.socket(socket.AF_UNIX).connect(sys.argv[1])"
    other = subprocess.run([sys.executable, "-c", script, checkserver.socket_path()], capture_output=True, text=True)
    assert other.returncode == 1 and "PermissionError" in other.stderr


def test_a_server_that_does_not_acknowledge_leaves_the_check_to_the_caller(cache: Path, monkeypatch) -> None:
    """A server stopping (idle, stopped, out of date) may take a connection it will never answer."""
    monkeypatch.setenv("GUIDEBUILDER_SERVER", "")
    taken = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(checkserver.socket_path())
        listener.listen(1)
        listener.settimeout(60)
        closing = threading.Thread(target=lambda: taken.append(listener.accept()[0].close()))
        closing.start()
        assert checkserver.run_served(["check"]) is None
        closing.join()
    assert taken  # it did connect, and was left to check itself


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "polling"])
def test_the_server_waits_for_its_child_and_ends_it_when_the_caller_hangs_up(monkeypatch, pidfd: bool) -> None:
    if not pidfd:
        monkeypatch.delattr(os, "pidfd_open")  # as on Linux before 5.3
    server_end, caller_end = socket.socketpair()
    with server_end, caller_end:
        child = os.fork()
        if child == 0:
            time.sleep(0.2)
            os._exit(3)
        assert checkserver._wait_for(child, server_end) == 3
        child = os.fork()
        if child == 0:
            caller_end.close()  # the caller's end is the caller's alone
            time.sleep(60)
            os._exit(0)
        caller_end.close()  # Ctrl-C at the caller
        assert checkserver._wait_for(child, server_end) == 128 + signal.SIGKILL


def test_the_server_stamp_follows_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "guidebuilder"
    shutil.copytree(codestamp.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(codestamp, "PACKAGE", str(copy))
    before = checkserver.server_stamp()
    assert checkserver.server_stamp() == before
    module = copy / "text.py"
    module.write_text(module.read_text() + "\n")
    assert checkserver.server_stamp() != before
