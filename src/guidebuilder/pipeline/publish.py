"""dist/ as a publishable site: manifest.json, SHA256SUMS and the download page, from the files on disk."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Annotated, Literal

from jinja2 import TemplateError
from pydantic import Field, ValidationError

from ..content.models import GuideMeta
from ..content.types import Model
from ..editions.book import Book
from ..editions.locale import file_size
from ..errors import BuildError
from ..project import Project
from ..writers import FORMATS
from ..writers.render import cover_svg, render_template
from ..writers.templates import environment
from .lock import ignore_waiting, output_lock
from .outputs import output_path, write_atomic

SITE_FILES = ("index.html", "manifest.json", "SHA256SUMS")
SITE_TEMPLATES = ("site/index.html.j2", "epub/cover.svg.j2")  # the download page and its cover thumbnails
PAGE_SIZES = {
    ("A5", "pdf"): "A5 (148 × 210 mm)",
    ("A5", "print"): "A5 + 3 mm bleed",
    ("A5", "booklet"): "A4 landscape, 2 pages a side",
    ("half-letter", "pdf"): "Half letter (5.5 × 8.5 in)",
    ("half-letter", "print"): "Half letter + 3 mm bleed",
    ("half-letter", "booklet"): "Letter landscape, 2 pages a side",
    ("A5", "poster"): "A3 (297 × 420 mm)",
    ("A5", "poster-print"): "A3 + 3 mm bleed",
    ("half-letter", "poster"): "Tabloid (11 × 17 in)",
    ("half-letter", "poster-print"): "Tabloid + 3 mm bleed",
}


class ManifestEntry(Model):
    """One published file."""

    edition: str
    format: Literal["pdf", "print", "booklet", "epub", "html", "web", "poster", "poster-print"]
    path: str
    url: str | None = None  # the file's public address, when guide.yaml gives the site_url
    bytes: Annotated[int, Field(gt=0)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    pages: Annotated[int, Field(gt=0)] | None
    page_size: str
    language: str
    build_date: date


class Manifest(Model):
    """Everything in dist/: the guide's title and version, and every published file."""

    title: str
    version: str
    build_date: date
    site_url: str | None = None
    entries: tuple[ManifestEntry, ...]


@dataclass(frozen=True)
class EditionCard:
    """What the download page shows for one edition."""

    book: Book
    label_en: str
    files: tuple[ManifestEntry, ...]

    @property
    def pages(self) -> int | None:
        """The page count of the download PDF."""
        return next((f.pages for f in self.files if f.format == "pdf"), None)

    def file(self, fmt: str) -> ManifestEntry | None:
        """The edition's file in one format, if it was built."""
        return next((f for f in self.files if f.format == fmt), None)


@dataclass(frozen=True)
class CountryGroup:
    """The editions of one country, as the reader's page groups them."""

    code: str
    name: str  # in the editions' own languages first, then in English when that differs
    cards: tuple[EditionCard, ...]


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)


def read_manifest(out: Path) -> Manifest | None:
    """The manifest of an earlier build, or None when there is none or it is unreadable;
    a manifest.json leading outside out is refused."""
    path = output_path(out, "manifest.json", "read")
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def output_name(slug: str, edition: str, fmt: str) -> str:
    """Where an edition's file in a format lives, relative to the output folder."""
    return f"{edition}/{FORMATS[fmt].file_name(slug, edition)}"


def known_files(out: Path, slug: str, editions: Iterable[str]) -> dict[tuple[str, str], Path]:
    """The real path of every format of these editions in out, by (edition, format): each checked to stay
    inside it, so that a build refuses a link leading outside before it writes anything."""
    return {
        (edition, fmt): output_path(out, output_name(slug, edition, fmt), "read")
        for edition in editions
        for fmt in FORMATS
    }


def check_site_files(out: Path) -> None:
    """Refuse a site file (manifest, checksums, download page) leading outside out, before anything is written."""
    for name in SITE_FILES:
        output_path(out, name)


def replace_output(out: Path, relative: str, path: Path, data: bytes) -> None:
    """Write data to the output at path (relative in out), first dropping the file's line from SHA256SUMS unless
    data is what that line says: every line stays true whenever a build is stopped (kill -9 included) until
    publish() writes the whole file anew."""
    sums = output_path(out, "SHA256SUMS")
    try:
        lines = sums.read_bytes().splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    except OSError as exc:
        raise BuildError(f"cannot read {sums}: {exc.strerror}") from None
    same = f"{hashlib.sha256(data).hexdigest()}  {relative}\n".encode()
    kept = [line for line in lines if line == same or line.rstrip(b"\n").partition(b"  ")[2] != relative.encode()]
    if kept != lines and kept:
        write_atomic(sums, b"".join(kept))
    elif kept != lines:
        sums.unlink()  # `sha256sum -c` fails on a file without lines
    write_atomic(path, data)


def _entry(
    relative: str,
    path: Path,
    fmt: str,
    book: Book,
    built: date,
    previous: ManifestEntry | None,
    pages: int | None,
    site_url: str | None,
) -> ManifestEntry:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    url = public_url(site_url, relative)
    if pages is None and previous is not None and (previous.sha256, previous.path) == (digest, relative):
        pages = previous.pages  # unchanged file: no need to parse it again
    if pages is None and path.suffix == ".pdf":
        pages = pdf_pages(data)
    return ManifestEntry(
        edition=book.edition.id,
        format=fmt,
        path=relative,
        url=url,
        bytes=len(data),
        sha256=digest,
        pages=pages,
        page_size=PAGE_SIZES.get((book.edition.paper, fmt), "reflowable" if fmt == "epub" else "screen"),
        language=book.edition.id,
        build_date=built,
    )


def public_url(site_url: str | None, relative: str) -> str | None:
    """A file's address on the published site (a folder's index.html as the folder), or None."""
    if not site_url:
        return None
    return f"{site_url}/{relative.removesuffix('index.html')}"


def collect(
    project: Project,
    slug: str,
    books: Sequence[Book],
    rebuilt: Iterable[str],
    today: date,
    pages: Mapping[Path, int] | None = None,
    site_url: str | None = None,
) -> list[ManifestEntry]:
    """Entries for every known output file present in dist/, rebuilt ones dated today."""
    previous = read_manifest(project.out)
    known = {(e.edition, e.format): e for e in previous.entries} if previous else {}
    rebuilt = set(rebuilt)
    paths = known_files(project.out, slug, [book.edition.id for book in books])
    entries = []
    for book in books:
        edition = book.edition.id
        for fmt in FORMATS:
            path = paths[edition, fmt]
            if path.is_file():
                before = known.get((edition, fmt))
                built = today if edition in rebuilt or before is None else before.build_date
                counted = (pages or {}).get(path)
                relative = output_name(slug, edition, fmt)
                entries.append(_entry(relative, path, fmt, book, built, before, counted, site_url))
    return entries


def prepare(project: Project) -> None:
    """Compile the download page's templates ahead of publish(): a build does it while its workers lay out,
    rather than after the last layout. A broken template is left for publish() to report."""
    for name in SITE_TEMPLATES:
        with suppress(TemplateError):
            environment(tuple(project.search_path)).get_template(name)


def publish(
    project: Project,
    meta: GuideMeta,
    books: Sequence[Book],
    rebuilt: Iterable[str],
    today: date,
    pages: Mapping[Path, int] | None = None,
) -> list[Path]:
    """Write manifest.json, SHA256SUMS and index.html for what dist/ now holds (after bringing the
    rebuilt editions' web pages up to date); the paths written."""
    rebuilt = set(rebuilt)
    entries = collect(project, meta.slug, books, rebuilt, today, pages, meta.site_url)
    refreshed = refresh_web_pages(project, [b for b in books if b.edition.id in rebuilt], entries)
    entries = _reread(project, books, entries, set(refreshed), meta.site_url)
    newest = max((e.build_date for e in entries), default=today)
    manifest = Manifest(
        title=meta.title, version=meta.version, build_date=newest, site_url=meta.site_url, entries=tuple(entries)
    )
    first = [b for b in books if b.edition.id == meta.default_edition]
    cards = _cards(first + [b for b in books if b not in first], entries)
    pages = {
        "manifest.json": (json.dumps(manifest.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n").encode(),
        "SHA256SUMS": "".join(f"{e.sha256}  {e.path}\n" for e in sorted(entries, key=lambda e: e.path)).encode(),
        "index.html": render_template(
            project.search_path,
            "site/index.html.j2",
            meta=meta,
            groups=_groups(cards, meta.default_edition),
            manifest=manifest,
            human=human_size,
            local_size=file_size,
            cover=lambda book: cover_svg(book, project.search_path).split("?>", 1)[-1].strip(),
        ).encode(),
    }
    written = refreshed
    for name, data in pages.items():
        path = output_path(project.out, name)
        write_atomic(path, data)
        written.append(path)
    return written


def _reread(
    project: Project, books: Sequence[Book], entries: list[ManifestEntry], paths: set[Path], site_url: str | None
) -> list[ManifestEntry]:
    """The entries, those of the files at paths (rewritten since) read again."""
    by_id = {book.edition.id: book for book in books}
    reread = []
    for e in entries:
        path = output_path(project.out, e.path, "read")
        reread.append(
            _entry(e.path, path, e.format, by_id[e.edition], e.build_date, None, e.pages, site_url)
            if path in paths
            else e
        )
    return reread


def refresh_web_pages(project: Project, books: Sequence[Book], entries: Sequence[ManifestEntry]) -> list[Path]:
    """Rewrite each of these editions' web pages whose download list no longer matches the files
    beside it (say after `build --format pdf` alone), so its sizes and page counts stay true;
    the pages rewritten."""
    from ..writers import web

    known_pages = {project.out / e.path: e.pages for e in entries if e.pages}
    rewritten = []
    for book in books:
        relative = output_name(book.meta.slug, book.edition.id, "web")
        path = output_path(project.out, relative)
        if path.is_file():
            data = web.write(book, project, known_pages)
            if data != path.read_bytes():
                replace_output(project.out, relative, path, data)
                rewritten.append(path)
    return rewritten


def _groups(cards: Sequence[EditionCard], default_edition: str) -> list[CountryGroup]:
    """Cards by country: the default edition's country first, then the others by English name."""
    from ..editions.locale import country_name

    by_country: dict[str, list[EditionCard]] = {}
    for card in cards:
        by_country.setdefault(card.book.edition.country, []).append(card)
    groups = []
    for code, members in by_country.items():
        names = [country_name(code, c.book.edition.id) for c in members] + [country_name(code, "en")]
        groups.append(CountryGroup(code, " · ".join(dict.fromkeys(names)), tuple(members)))
    default = next((c.book.edition.country for c in cards if c.book.edition.id == default_edition), None)
    return sorted(groups, key=lambda g: (g.code != default, country_name(g.code, "en")))


def _cards(books: Sequence[Book], entries: Sequence[ManifestEntry]) -> list[EditionCard]:
    from ..editions.locale import country_name, language_name

    cards = []
    for book in books:
        files = tuple(e for e in entries if e.edition == book.edition.id)
        if files:
            label_en = f"{country_name(book.edition.country, 'en')} · {language_name(book.edition.language, 'en')}"
            cards.append(EditionCard(book, label_en, files))
    return cards


def human_size(size: int) -> str:
    """A file size for people: 118 KB, 1.2 MB."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"


def clean(project: Project, waiting: Callable[[str], None] = ignore_waiting) -> list[Path]:
    """Remove what builds wrote (per the manifest), the site files and the preflight reports; keep anything else.
    Holds the output folder's lock (`waiting` hears who else does); refuses, before removing anything, a path
    that leads outside it."""
    out = project.out
    if not out.is_dir():
        return []
    with output_lock(out, waiting, remove_if_empty=True):
        targets = _clean_targets(out)
        removed = []
        for path in filter(Path.is_file, targets):
            try:
                path.unlink()
            except OSError as exc:
                raise BuildError(f"cannot remove {path}: {exc.strerror}") from None
            removed.append(path)
        _remove_empty_folders(out, targets)
    return removed


def _clean_targets(out: Path) -> list[Path]:
    """What clean removes, in an order that keeps dist/ consistent if it is stopped half-way: SHA256SUMS first,
    the files of the manifest and the reports, then the download page and the manifest itself."""
    from ..writers.report import written_reports

    manifest = read_manifest(out)
    listed = [output_path(out, e.path, "remove") for e in manifest.entries] if manifest else []
    first, *last = (output_path(out, name, "remove") for name in ("SHA256SUMS", "index.html", "manifest.json"))
    return list(dict.fromkeys([first, *listed, *written_reports(out), *last]))


def _remove_empty_folders(out: Path, removed: Iterable[Path]) -> None:
    """Remove the folders under out that removing these files left empty."""
    root = out.resolve()
    for folder in sorted({p.parent for p in removed}, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_relative_to(root) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
