"""A warm `check`: a background process that has imported and warmed everything once, and forks a fresh
child for each `guidebuilder check`. The child runs in the caller's folder, environment, umask and terminal
(its standard streams are passed over the socket), reads every file anew and exits with the command's code.

One server per user and per code (this package, the libraries and dictionaries check relies on): a change
to any of them names another socket. It starts after a check run at a terminal and stops after
IDLE_SECONDS without a request. GUIDEBUILDER_SERVER=0 never uses one; =1 starts one without a terminal.
The client half imports the standard library only."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import struct
import sys

from .codestamp import CHECK_LIBRARIES, cache_dir, library_stamps, package_stamps

SETTING = "GUIDEBUILDER_SERVER"
STREAMS = (0, 1, 2)  # stdin, stdout, stderr: passed to the server, which makes them its child's
IDLE_SECONDS = 15 * 60
_LENGTH = struct.Struct("!I")
_MAX_REQUEST = 1 << 20


# The client ------------------------------------------------------------------------------------------


def run_served(argv: list[str]) -> int | None:
    """Run a command in the warm server and return its exit code; None when no server could take it."""
    if os.environ.get(SETTING) == "0" or not _streams_open():
        return None
    sock = _connect()
    if sock is None:
        return None
    with sock:
        try:
            _send(sock, _request(argv), list(STREAMS))
        except OSError:
            return None  # a server that stopped since: check here
        return _exit_code(sock)


def _connect() -> socket.socket | None:
    """A connection to this code's server, run by this user; None when none answers."""
    path = socket_path()
    if path is None or not os.path.exists(path):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        if _peer_uid(sock) == os.getuid():
            return sock
    except OSError:
        pass
    sock.close()
    return None


def _request(argv: list[str]) -> dict:
    """What the child needs to be the caller."""
    umask = os.umask(0o22)
    os.umask(umask)
    return {
        "op": "run",
        "argv": argv,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": umask,
        "encodings": [_encoding(stream) for stream in (sys.stdin, sys.stdout, sys.stderr)],
    }


def _encoding(stream: object) -> tuple[str, str]:
    return getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"


def _streams_open() -> bool:
    """Whether the caller's stdin, stdout and stderr are all open, to be passed on."""
    try:
        for fd in STREAMS:
            os.fstat(fd)
    except OSError:
        return False
    return True


def _exit_code(sock: socket.socket) -> int | None:
    """The command's exit code; None when the server did not start it (it was stopping: check here)."""
    reply = b""
    while not reply.endswith(b"\n"):
        try:
            chunk = sock.recv(64)
        except ConnectionResetError:  # closed with the request unread
            chunk = b""
        if not chunk:
            break
        reply += chunk
    if not reply.startswith(b"+"):  # the server acknowledges a command it has started, and only then
        return None
    try:
        return int(reply[1:])
    except ValueError:
        sys.stderr.write("error: the check server stopped during the check; run it again\n")
        return 1


def ask(op: str) -> dict | None:
    """Ask the running server for its status or to stop; None when none runs."""
    sock = _connect()
    if sock is None:
        return None
    with sock:
        try:
            _send(sock, {"op": op})
            return json.loads(sock.makefile("rb").readline() or b"null")
        except (OSError, ValueError):
            return None


def wanted() -> bool:
    """Whether a check run here should leave a server behind: at a terminal, unless turned off."""
    setting = os.environ.get(SETTING)
    return setting != "0" and (setting == "1" or sys.stderr.isatty())


def start(project_root: str) -> None:
    """Start a server in the background, warmed on project_root; it exits at once if one is running."""
    import subprocess

    folder = server_dir()
    if folder is None:
        return
    code = "import sys; from guidebuilder.checkserver import serve; serve(sys.argv[1])"
    with open(os.path.join(folder, "server.log"), "ab") as log:
        subprocess.Popen(
            [sys.executable, "-c", code, project_root],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            cwd="/",
            start_new_session=True,
        )


def start_and_wait(project_root: str, seconds: float = 60) -> dict | None:
    """The running server's state, starting one warmed on project_root if none runs; None if none answers."""
    import time

    state = ask("status")
    if state is None and server_dir() is not None:
        start(project_root)
        deadline = time.monotonic() + seconds
        while (state := ask("status")) is None and time.monotonic() < deadline:
            time.sleep(0.05)
    return state


# Where it lives ----------------------------------------------------------------------------------------


def server_dir() -> str | None:
    """The user's private folder for servers; None off Linux or when it cannot be made private."""
    if sys.platform != "linux":
        return None
    folder = cache_dir("server")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None  # someone else's, or open to others: no server
    return folder


def socket_path(stamp: str | None = None) -> str | None:
    """The socket of the server of this code (or of the given server_stamp), or None when no such path is usable."""
    folder = server_dir()
    if folder is None:
        return None
    path = os.path.join(folder, f"check-{(stamp or server_stamp())[:20]}.sock")
    return path if len(os.fsencode(path)) < 100 else None  # sun_path holds 108 bytes


def server_stamp() -> str:
    """A digest of what a server is made of: Python, this package's files, the libraries and dictionaries, the
    user, and the mount namespace (a container sharing the folder sees other files under the same paths)."""
    try:
        namespace = os.readlink("/proc/self/ns/mnt")
    except OSError:
        namespace = ""
    digest = hashlib.sha256(f"{sys.executable}|{sys.version}|{os.getuid()}|{namespace}".encode())
    for stamp in package_stamps() + library_stamps((*CHECK_LIBRARIES, "typer", "click")):
        digest.update(f"\0{stamp}".encode())
    return digest.hexdigest()


# The wire --------------------------------------------------------------------------------------------


def _send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    data = _LENGTH.pack(len(data)) + data
    sent = socket.send_fds(sock, [data], fds) if fds else sock.send(data)
    if sent < len(data):  # never send nothing: the server may have answered and closed already
        sock.sendall(data[sent:])


def _receive(sock: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _flags, _address = socket.recv_fds(sock, 65536, 3)
    if len(data) < _LENGTH.size:
        raise ValueError("short request")
    (length,) = _LENGTH.unpack_from(data)
    if length > _MAX_REQUEST:
        raise ValueError("request too long")
    while len(data) < _LENGTH.size + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ValueError("request cut short")
        data += chunk
    return json.loads(data[_LENGTH.size :]), fds


def _peer_uid(sock: socket.socket) -> int:
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


# The server ------------------------------------------------------------------------------------------


def serve(project_root: str) -> None:
    """Warm up on a project, then answer requests until idle for IDLE_SECONDS, told to stop, or the code
    it has loaded has changed on disk."""
    import fcntl
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    stamp = server_stamp()
    path = socket_path(stamp)
    if path is None:
        return
    lock_path = path.removesuffix(".sock") + ".lock"
    lock = open(lock_path, "wb")  # noqa: SIM115  held for the server's life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another server for this code is starting or running
    _warm(project_root)
    gc.freeze()  # what is loaded now stays shared with every child, untouched by their collections
    _unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    try:
        _Server(listener, stamp).run()
    finally:
        _unlink(path)
        _unlink(lock_path)  # no lock files left behind, one per version of the code
        listener.close()
    os._exit(0)  # skip the interpreter's teardown of all that was warmed (about a second)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class _Server:
    """The request loop: one request at a time, each check in a child of its own."""

    def __init__(self, listener: socket.socket, stamp: str) -> None:
        import time

        self.listener = listener
        self.stamp = stamp
        self.idle = float(os.environ.get("GUIDEBUILDER_SERVER_IDLE", IDLE_SECONDS))
        self.state = {"pid": os.getpid(), "started": time.time(), "served": 0}

    def run(self) -> None:
        """Answer until idle, stopped or out of date; the code on disk is compared once a minute."""
        import select
        import time
        import traceback

        last = time.monotonic()
        while True:
            left = self.idle - (time.monotonic() - last)
            if left <= 0:
                return
            if not select.select([self.listener], [], [], min(left, 60))[0]:
                if server_stamp() != self.stamp:
                    return  # this code was changed or upgraded: the next check starts a server for the new
                continue
            try:
                going = self.answer()
            except Exception:  # noqa: BLE001  a request that breaks something must not end the server
                traceback.print_exc()  # into server.log
                going = True
            if not going:
                return
            last = time.monotonic()

    def answer(self) -> bool:
        """Answer one request; False when told to stop."""
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return True
        with conn:
            try:
                if _peer_uid(conn) != os.getuid():
                    return True
                conn.settimeout(5)
                request, fds = _receive(conn)
                conn.settimeout(None)
            except (OSError, ValueError):
                return True
            op = request.get("op") if isinstance(request, dict) else None
            if op == "run" and len(fds) == 3 and _is_check(request):
                self.run_check(conn, request, fds)
                return True
            for fd in fds:
                os.close(fd)
            if op in ("status", "stop"):
                _reply(conn, json.dumps(self.state) + "\n")
            return op != "stop"  # any other request is left unacknowledged: the caller runs it itself

    def run_check(self, conn: socket.socket, request: dict, fds: list[int]) -> None:
        """Run the caller's check in a child: acknowledge it, then send its exit code (128+n for signal n)."""
        try:
            pid = _fork_caller(self.listener, conn, request, fds)
        except OSError:
            return  # no child (out of processes or memory): the caller, told nothing, checks itself
        finally:
            for fd in fds:
                os.close(fd)  # the caller's streams are the child's alone: a reader sees their end with the child
        _reply(conn, "+")
        code = _wait_for(pid, conn)
        self.state["served"] += 1
        _reply(conn, f"{code}\n")


def _is_check(request: dict) -> bool:
    """A well-formed request to run `guidebuilder check`: the only command a server runs."""
    argv, env = request.get("argv"), request.get("env")
    return (
        isinstance(argv, list)
        and argv[:1] == ["check"]
        and all(isinstance(arg, str) for arg in argv)
        and isinstance(env, dict)
        and all(isinstance(key, str) and isinstance(value, str) for key, value in env.items())
        and isinstance(request.get("cwd"), str)
        and isinstance(request.get("umask"), int)
        and isinstance(request.get("encodings"), list)
        and len(request["encodings"]) == 3
    )


def _reply(conn: socket.socket, text: str) -> None:
    with contextlib.suppress(OSError):  # the caller may have gone
        conn.sendall(text.encode())


def _fork_caller(listener: socket.socket, conn: socket.socket, request: dict, fds: list[int]) -> int:
    """Fork a child that becomes the caller and runs its command; the child's process id."""
    pid = os.fork()
    if pid == 0:
        try:
            listener.close()
            conn.close()
            _become_caller(request, fds)
            from .__main__ import main

            main(served=True)  # ends the process
        finally:
            os._exit(70)
    return pid


def _wait_for(pid: int, conn: socket.socket) -> int:
    """The child's exit code, 128+n when signal n ended it; a caller that hangs up (Ctrl-C, killed) ends the
    child at once."""
    import select
    import signal

    watched = [conn]
    with contextlib.suppress(OSError, AttributeError):  # pidfd_open needs Linux 5.3; before, poll
        watched.append(os.pidfd_open(pid))
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if conn in select.select(watched, [], [], None if len(watched) == 2 else 0.02)[0]:
                os.kill(pid, signal.SIGKILL)
                status = os.waitpid(pid, 0)[1]
                break
    finally:
        for fd in watched[1:]:
            os.close(fd)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _become_caller(request: dict, fds: list[int]) -> None:
    """Take the caller's streams, folder, environment and umask."""
    import gc
    import signal
    import time

    gc.disable()  # a check is short: collecting would only touch pages shared with the server
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    (in_enc, in_err), (out_enc, out_err), (err_enc, err_err) = request["encodings"]
    sys.stdin = open(0, encoding=in_enc, errors=in_err, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding=out_enc, errors=out_err, closefd=False, buffering=1 if os.isatty(1) else -1)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding=err_enc, errors=err_err, closefd=False, buffering=1)  # noqa: SIM115
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    sys.argv = ["guidebuilder", *request["argv"]]


def _warm(root: str) -> None:
    """Import what a check needs and check the project once, filling the caches every child inherits."""
    from pathlib import Path

    from . import checkcache, cli  # noqa: F401
    from .project import Project
    from .validate import examine

    with contextlib.suppress(Exception):  # a guide with errors warms the caches as far as it goes
        examine(Project.at(Path(root)), proofread=True)
