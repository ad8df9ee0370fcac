"""What the preview shows: the last good render of each edition being viewed, and the current problems.

It calls the pipeline's own functions (validate, the HTML writer, the PDF writer's layout job) and
never owns pipeline logic. Layouts run in the worker pool; a newer change makes an older layout
stale: its queued job is cancelled, a running one is left to finish and its result discarded."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace

from ..editions.book import Book
from ..editions.locale import country_name
from ..errors import ContentError, GuideError
from ..pipeline.build import validate
from ..project import Project
from ..writers import html, pdf
from ..writers.templates import find_file
from .pages import PageImage, preview_pages


@dataclass(frozen=True)
class Finding:
    """A preflight finding, on a page when it has one."""

    message: str
    page: int | None = None


@dataclass(frozen=True)
class EditionView:
    """The last good render of one edition."""

    text: bytes | None = None
    text_version: int = 0
    pages: tuple[PageImage, ...] = ()
    pages_version: int = 0
    laying_out: bool = False
    findings: tuple[Finding, ...] = ()
    error: str | None = None


@dataclass
class _Layout:
    """The layout in flight for an edition and the key of what was last laid out."""

    key: str = ""
    generation: int = 0
    future: Future | None = None


def text_view(book: Book, project: Project) -> bytes:
    """The HTML writer's booklet with the preview's screen stylesheet, for reading in order."""
    css = find_file(project.search_path, "preview/text.css").read_bytes()
    return html.write(book, project).replace(b"</head>", b"<style>\n" + css + b"</style>\n</head>", 1)


class PreviewState:
    """The preview's model: refreshed from disk by refresh(), read by the server, waited on for changes."""

    def __init__(self, project: Project, pool: ProcessPoolExecutor):
        self.project = project
        self.pool = pool
        self.version = 0
        self.problems: tuple[str, ...] = ()
        # id -> country name, from the last guide that validated (until then, the edition files' names)
        self.editions: dict[str, str] = {p.stem: p.stem for p in sorted(project.guide_dir.glob("editions/*.yaml"))}
        self.default_edition = next(iter(self.editions), "")
        self.views: dict[str, EditionView] = {}
        self._viewers: dict[str, int] = {}  # edition -> pages open on it
        self._preferred = ""
        self._layouts: dict[str, _Layout] = {}
        self._changed = threading.Condition()
        self._lock = threading.RLock()

    def view(self, edition: str) -> EditionView:
        """The edition's last good render (empty until its first)."""
        with self._lock:
            return self.views.get(edition, EditionView())

    def prefer(self, edition: str) -> None:
        """Render edition while no page is open (the one the preview starts with)."""
        with self._lock:
            self._preferred = edition

    def watch(self, edition: str) -> bool:
        """A page showing edition opened: keep it up to date; True if it was not kept up to date before."""
        with self._lock:
            before = self._live()
            self._viewers[edition] = self._viewers.get(edition, 0) + 1
            return edition not in before

    def unwatch(self, edition: str) -> None:
        """A page showing edition closed."""
        with self._lock:
            self._viewers[edition] -= 1
            if not self._viewers[edition]:
                del self._viewers[edition]

    def _live(self) -> list[str]:
        """Editions to render on every change: those open in a page, else the preferred one."""
        return list(self._viewers) or ([self._preferred] if self._preferred else [])

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the version differs from seen, or timeout; the current version."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen, timeout)
            return self.version

    def wake(self) -> None:
        """Wake every waiter (on shutdown)."""
        with self._changed:
            self._changed.notify_all()

    def refresh(self) -> None:
        """Validate the guide and re-render the watched editions; never raises."""
        try:
            checked = validate(self.project)
        except ContentError as exc:
            self._publish(problems=tuple(str(p) for p in exc.problems))
            return
        except Exception as exc:  # noqa: BLE001 - a crash in the pipeline must not stop the preview
            self._publish(problems=(f"error: {_describe(exc)}",))
            return
        with self._lock:
            self.editions = {e: country_name(b.edition.country, "en") for e, b in checked.books.items()}
            self.default_edition = checked.guide.meta.default_edition
            live = [e for e in self._live() if e in checked.books]
        for edition in live:
            self._render(checked.books[edition])
        self._publish(problems=())

    def _render(self, book: Book) -> None:
        """The edition's pages in a worker unless their input is unchanged (asked for first: they take longest),
        then its text here."""
        edition = book.edition.id
        try:
            self._lay_out(book, pdf.download_job(book, self.project))
            text = text_view(book, self.project)
        except Exception as exc:  # noqa: BLE001 - a broken template shows as an error over the last render
            self._update(edition, error=f"{edition}: {_describe(exc)}")
            return
        current = self.view(edition)
        if text != current.text:
            self._update(edition, text=text, text_version=current.text_version + 1, error=None)
        else:
            self._update(edition, error=None)

    def _lay_out(self, book: Book, job: object) -> None:
        """Submit the edition's layout if its input changed, making any layout in flight stale."""
        edition = book.edition.id
        key = hashlib.sha256(repr(job).encode() + job.stylesheet.read_bytes()).hexdigest()
        with self._lock:
            layout = self._layouts.setdefault(edition, _Layout())
            if key == layout.key:
                return
            stale, layout.key, layout.generation = layout.future, key, layout.generation + 1
            generation = layout.generation
        # The pool is called without holding the lock: its shutdown cancels futures under its own lock,
        # which runs their callbacks, and a callback must never wait for a thread that waits for the pool.
        if stale is not None:
            stale.cancel()  # only stops it if no worker has started it yet
        future = self.pool.submit(preview_pages, job)
        with self._lock:
            layout.future = future
        self._update(edition, laying_out=True)
        future.add_done_callback(lambda f: self._laid_out(book, generation, f))

    def _laid_out(self, book: Book, generation: int, future: Future) -> None:
        """Keep a layout's pages unless a newer layout of the edition has been asked for."""
        if future.cancelled():
            return
        edition = book.edition.id
        with self._lock:
            if self._layouts[edition].generation != generation:
                return
        try:
            laid = future.result()
            pages = laid.pages
            findings = tuple(Finding(f"{f.kind}: {f.message}", f.page) for f in laid.findings)
        except Exception as exc:  # noqa: BLE001
            with self._lock:
                self._layouts[edition].key = ""  # try again on the next change
            self._update(edition, laying_out=False, error=f"{edition}: layout failed: {_describe(exc)}")
            self._publish()
            return
        version = self.view(edition).pages_version + 1
        self._update(edition, pages=pages, pages_version=version, laying_out=False, findings=findings)
        self._publish()

    def invalidate_layouts(self) -> None:
        """Forget what was laid out, so the next refresh lays out again (a font or image changed)."""
        with self._lock:
            for layout in self._layouts.values():
                layout.key = ""

    def _update(self, edition: str, **changes: object) -> None:
        with self._lock:
            self.views[edition] = replace(self.views.get(edition, EditionView()), **changes)

    def _publish(self, problems: tuple[str, ...] | None = None) -> None:
        """A new version for every waiting page."""
        with self._lock:
            if problems is not None:
                self.problems = problems
        with self._changed:
            self.version += 1
            self._changed.notify_all()


def _describe(exc: Exception) -> str:
    """An error as one line: the library's own messages as they are, anything else with its kind."""
    return str(exc) if isinstance(exc, GuideError) else f"{type(exc).__name__}: {exc}"
