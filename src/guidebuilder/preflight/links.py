"""Link checks: every cited URL well-formed and https; with --online, fetched (HEAD, then GET).
Given the PDF, each finding names the first page that links to its URL, the link outlined."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import unquote, urlsplit

from .findings import Finding
from .profile import Profile

HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith("#") and "#src-" not in href:
            self.urls.append(href)


def cited_urls(html: str) -> list[str]:
    """The external URLs a rendered booklet links to, each once, in order."""
    parser = _Hrefs()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls))


Box = tuple[float, float, float, float]


def link_places(pdf: bytes) -> dict[str, tuple[int, Box]]:
    """The first page (from 1) and box (points from the page's top left) of each URI link in a PDF,
    by its URI as written and as decoded (WeasyPrint percent-encodes a space, say)."""
    from pypdf import PdfReader

    places: dict[str, tuple[int, Box]] = {}
    for number, page in enumerate(PdfReader(BytesIO(pdf)).pages, start=1):
        top = float(page.mediabox.top)
        for annotation in page.get("/Annots") or ():
            annotation = annotation.get_object()
            uri = (annotation.get("/A") or {}).get("/URI")
            if uri is None:
                continue
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
            box = (min(x0, x1), top - max(y0, y1), abs(x1 - x0), abs(y1 - y0))
            for key in (str(uri), unquote(str(uri))):
                places.setdefault(key, (number, box))
    return places


def placed(found: Sequence[tuple[str, Finding]], pdf: bytes | None) -> list[Finding]:
    """The findings, each (given the PDF, and only when there is a finding) on the first page linking to its URL."""
    if not found or pdf is None:
        return [finding for _, finding in found]
    places = link_places(pdf)
    located = []
    for url, finding in found:
        page, box = places.get(url, (None, None))
        located.append(replace(finding, page=page, box=box))
    return located


def check_form(urls: Iterable[str], pdf: bytes | None = None) -> list[Finding]:
    """URLs that are not well-formed absolute https URLs."""
    found = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or not HOST.match(parts.netloc) or " " in url:
            found.append((url, Finding("link", f"malformed URL: {url}")))
        elif parts.scheme == "http":
            found.append((url, Finding("link", f"not https: {url}")))
    return placed(found, pdf)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _request(url: str, method: str, timeout: float) -> tuple[int, str | None]:
    """The status and Location of one request, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, method=method, headers={"User-Agent": "guidebuilder-preflight"})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location")


def fetch_status(url: str, timeout: float) -> Finding | None:
    """A finding for a URL that redirects, fails or cannot be reached; None when it answers 2xx."""
    try:
        status, location = _request(url, "HEAD", timeout)
        if status in (405, 501) or status >= 400:  # some servers refuse HEAD: ask again with GET
            status, location = _request(url, "GET", timeout)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Finding("link", f"cannot fetch {url}: {reason}")
    if 300 <= status < 400:
        return Finding("link", f"{url} redirects ({status}) to {location}")
    if status >= 400:
        return Finding("link", f"{url} answers {status}")
    return None


def check_online(urls: Iterable[str], profile: Profile, pdf: bytes | None = None) -> list[Finding]:
    """Fetch every URL, a few at a time; findings in the URLs' order."""
    urls = list(urls)
    with ThreadPoolExecutor(max_workers=profile.link_workers) as pool:
        results = list(pool.map(lambda url: fetch_status(url, profile.link_timeout_s), urls))
    return placed([(url, finding) for url, finding in zip(urls, results, strict=True) if finding is not None], pdf)
