"""The preview's web server: localhost only, its own pages only, reloads pushed as server-sent events."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import socket
import sys
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..content.arguments import edition_id
from ..errors import GuideError, UsageError
from ..pipeline.workers import default_jobs, start_pool, stop_pool
from ..project import Project
from ..writers.render import render_template
from .state import PreviewState
from .watcher import only_content, watch

HOST = "127.0.0.1"
HEARTBEAT_S = 5.0  # also how soon a closed page stops being rendered
EDITION = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
ROUTES = [
    (re.compile(rf"/({EDITION})/"), "shell"),
    (re.compile(rf"/({EDITION})/state\.json"), "state"),
    (re.compile(rf"/({EDITION})/text\.html"), "text"),
    (re.compile(rf"/({EDITION})/page/(\d{{1,4}})\.jpg"), "page"),
    (re.compile(rf"/({EDITION})/((?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*)"), "image"),
    (re.compile(r"/fonts/([A-Za-z0-9-]+\.ttf)"), "font"),
    (re.compile(r"/events"), "events"),
    (re.compile(r"/"), "home"),
]
SECURITY_HEADERS = {
    # Nothing outside the preview: inline style and script, images and fonts from this server only.
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
PAGE_CACHE = "private, max-age=600"  # page images are asked for by content hash (?h=), so a cached one is right
MAX_CONNECTIONS = 32  # connections answered at once, each by a thread, event streams included; more get a 503
IDLE_TIMEOUT_S = 30.0  # a connection that sends or takes nothing this long is closed
# A browser that cancels a request or closes a tab: not an error, and nothing to say.
DISCONNECTS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class PortInUse(GuideError):
    """The preview's port is taken."""


def _warn(message: str) -> None:
    """A warning on the preview's terminal."""
    print(message, file=sys.stderr, flush=True)


class Preview:
    """The running preview: worker pool, state, watcher, builder thread and web server."""

    def __init__(self, project: Project, edition: str | None = None, port: int = 8000, warn=_warn):  # noqa: ANN001
        self.project = project
        self.warn = warn
        self.first_edition = edition
        self.stop = threading.Event()
        self._dirty = threading.Event()
        if edition is not None:
            edition_id(edition)  # a plain name before anything starts; whether the guide has it comes below
        self.pool = start_pool(default_jobs())  # forked before the socket exists, so workers never hold it
        self.state = PreviewState(project, self.pool)
        try:
            if edition and edition not in self.state.editions:
                raise UsageError(f"unknown edition {edition!r}; known editions: {', '.join(self.state.editions)}")
            self.server = _bind(port)
        except GuideError:
            stop_pool(self.pool, abort=True)
            raise
        self.server.preview = self
        self.port = self.server.server_address[1]
        self._threads = [threading.Thread(target=self._rebuild_loop, name="preview-builder", daemon=True)]

    @property
    def url(self) -> str:
        """Where the preview is served."""
        return f"http://{HOST}:{self.port}/"

    def start(self) -> Preview:
        """Render once, then watch the guide and layouts."""
        self.state.prefer(self.first_edition or "")
        self._threads[0].start()
        self.request_refresh()
        folders = [self.project.guide_dir, *self.project.search_path]
        self._threads.append(watch(folders, self._changed, self.stop, self.warn))
        return self

    def serve_forever(self) -> None:
        """Serve until close() or Ctrl-C."""
        self.server.serve_forever(poll_interval=0.2)

    def request_refresh(self) -> None:
        """Ask the builder thread for a refresh (changes arriving meanwhile are folded into it)."""
        self._dirty.set()

    def _changed(self, paths: set[Path]) -> None:
        if not only_content(paths):
            self.state.invalidate_layouts()
        self.request_refresh()

    def _rebuild_loop(self) -> None:
        while True:
            self._dirty.wait()
            if self.stop.is_set():
                return
            self._dirty.clear()
            self.state.refresh()

    def close(self) -> None:
        """Stop serving, watching and laying out; end the worker processes."""
        self.stop.set()
        self._dirty.set()
        self.state.wake()
        if any(t.name == "preview-server" for t in self._threads):
            self.server.shutdown()
        self.server.server_close()
        stop_pool(self.pool, abort=True)
        for thread in self._threads:
            if thread is not threading.current_thread() and thread.ident is not None:
                thread.join(timeout=2)


def serve(
    project: Project,
    edition: str | None = None,
    port: int = 8000,
    open_browser: bool = False,
    say=print,  # noqa: ANN001
) -> None:
    """Serve the preview until Ctrl-C (KeyboardInterrupt), then stop everything it started."""
    preview = Preview(project, edition, port)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        preview.start()
        say(f"previewing on {preview.url} (Ctrl-C to stop)")
        if open_browser and _has_display():
            webbrowser.open(preview.url)
        preview.serve_forever()
    finally:
        preview.close()


def _stop_on_term(signum: int, frame: object) -> None:
    """SIGTERM ends the preview as Ctrl-C does: workers ended, nothing left holding the port."""
    raise KeyboardInterrupt


def _has_display() -> bool:
    """Whether a graphical browser can open (without one, webbrowser would start a text browser in the terminal)."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _bind(port: int) -> PreviewServer:
    """A server on 127.0.0.1:port; a busy port is an error that suggests a free one."""
    try:
        return PreviewServer((HOST, port), Handler)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise GuideError(f"cannot serve on {HOST}:{port}: {exc.strerror}") from None
        raise PortInUse(f"port {port} is in use; try --port {free_port()}") from None


class PreviewServer(ThreadingHTTPServer):
    """A thread per connection, at most `limit` at once (a connection beyond them gets a 503 and is closed);
    a client going away is not an error."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], limit: int = MAX_CONNECTIONS):
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(limit)

    def process_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        if not self.slots.acquire(blocking=False):
            _turn_away(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)  # starts the connection's thread, which frees the slot
        except RuntimeError:  # the thread could not start (not a Ctrl-C meanwhile: then it runs and frees the slot)
            self.slots.release()
            raise

    def process_request_thread(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: socket.socket, client_address: tuple[str, int]) -> None:
        """Nothing for a client that went away; one line for anything else (instead of a traceback)."""
        error = sys.exc_info()[1]
        if not isinstance(error, DISCONNECTS):
            _warn(f"preview: a request failed: {type(error).__name__}: {error}")


def _turn_away(request: socket.socket) -> None:
    """Answer 503 on a connection over the limit, never waiting for the client."""
    try:
        request.settimeout(1.0)
        request.sendall(BUSY)
    except OSError:
        pass


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Handler(BaseHTTPRequestHandler):
    """GET only; only the preview's own routes; only requests addressed to this machine."""

    server_version = "guidebuilder-preview"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S  # on the socket: an idle connection ends, its thread with it

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the terminal is for the preview's own messages."""

    @property
    def preview(self) -> Preview:
        return self.server.preview

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        if not self._local_host():
            return self._send(HTTPStatus.FORBIDDEN, b"forbidden: the preview answers only to 127.0.0.1\n")
        raw = urlsplit(self.path).path
        path = unquote(raw)
        if "%" in path or "\\" in path or "\x00" in path or any(p in ("..", ".") for p in path.split("/")):
            return self._send(HTTPStatus.BAD_REQUEST, b"bad path\n")
        for pattern, name in ROUTES:
            match = pattern.fullmatch(path)
            if match:
                return getattr(self, f"_{name}")(*match.groups())
        return self._not_found()

    def _events(self) -> None:
        """Server-sent events for a page showing ?edition=: the state's version whenever it changes."""
        edition = parse_qs(urlsplit(self.path).query).get("edition", [""])[0]
        if not self._known(edition):
            return self._not_found()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, seen = self.preview.state, -1
        if state.watch(edition):
            self.preview.request_refresh()
        try:
            while not self.preview.stop.is_set():
                current = state.wait(seen, HEARTBEAT_S)
                message = f"data: {current}\n\n" if current != seen else ": heartbeat\n\n"
                seen = current
                self.wfile.write(message.encode())
                self.wfile.flush()
        except DISCONNECTS:
            pass
        finally:
            state.unwatch(edition)
        self.close_connection = True

    def _local_host(self) -> bool:
        """Refuse other Host names, so a web page elsewhere cannot reach the preview by DNS rebinding."""
        host = self.headers.get("Host", "")
        return host in {f"{HOST}:{self.preview.port}", f"localhost:{self.preview.port}"}

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str = "text/plain; charset=utf-8", cache: str = "no-store"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"not found\n")

    def _known(self, edition: str) -> bool:
        return edition in self.preview.state.editions or edition == self.preview.first_edition

    def _home(self) -> None:
        state = self.preview.state
        edition = self.preview.first_edition or state.default_edition or next(iter(state.editions), "")
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", f"/{edition}/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _shell(self, edition: str) -> None:
        if not self._known(edition):
            return self._not_found()
        page = render_template(self.preview.project.search_path, "preview/preview.html.j2", edition=edition)
        self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8")

    def _state(self, edition: str) -> None:
        if not self._known(edition):
            return self._not_found()
        state = self.preview.state
        view = state.view(edition)
        body = {
            "version": state.version,
            "edition": edition,
            "editions": state.editions,
            "problems": list(state.problems) + ([view.error] if view.error else []),
            "text_version": view.text_version,
            "pages_version": view.pages_version,
            "laying_out": view.laying_out or (not view.pages and not state.problems),
            "pages": [_page_json(page) for page in view.pages],
            "findings": [{"message": f.message, "page": f.page} for f in view.findings],
        }
        self._send(HTTPStatus.OK, json.dumps(body).encode(), "application/json")

    def _text(self, edition: str) -> None:
        text = self.preview.state.view(edition).text if self._known(edition) else None
        if text is None:
            return self._not_found()
        self._send(HTTPStatus.OK, text, "text/html; charset=utf-8")

    def _page(self, edition: str, number: str) -> None:
        pages = self.preview.state.view(edition).pages if self._known(edition) else ()
        if not 1 <= int(number) <= len(pages):
            return self._not_found()
        self._send(HTTPStatus.OK, pages[int(number) - 1].jpeg, "image/jpeg", PAGE_CACHE)

    def _image(self, edition: str, relative: str) -> None:
        """A figure of the guide for the Text view: an image file inside guide/, nothing else."""
        guide = self.preview.project.guide_dir.resolve()
        path = (guide / relative).resolve()
        kind = IMAGE_TYPES.get(path.suffix.lower())
        if not (self._known(edition) and kind and path.is_relative_to(guide) and path.is_file()):
            return self._not_found()
        self._send(HTTPStatus.OK, path.read_bytes(), kind)

    def _font(self, name: str) -> None:
        """A bundled font for the Text view, from the layouts' fonts/ folder."""
        for folder in self.preview.project.search_path:
            font = folder / "fonts" / name
            if font.is_file():
                return self._send(HTTPStatus.OK, font.read_bytes(), "font/ttf")
        return self._not_found()


def _page_json(page: object) -> dict:
    words = [[round(w.left, 4), round(w.top, 4), round(w.width, 4), round(w.height, 4), w.text] for w in page.words]
    digest = hex(hash(page.jpeg) & 0xFFFFFFFF)[2:]
    return {"number": page.number, "width": page.width, "height": page.height, "words": words, "hash": digest}
