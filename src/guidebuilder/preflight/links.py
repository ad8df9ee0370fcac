"""Link checks: every cited URL well-formed and https; with --online, fetched (HEAD, then GET)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import urlsplit

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


def check_form(urls: Iterable[str]) -> list[Finding]:
    """URLs that are not well-formed absolute https URLs."""
    findings = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or not HOST.match(parts.netloc) or " " in url:
            findings.append(Finding("link", f"malformed URL: {url}"))
        elif parts.scheme == "http":
            findings.append(Finding("link", f"not https: {url}"))
    return findings


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


def check_online(urls: Iterable[str], profile: Profile) -> list[Finding]:
    """Fetch every URL, a few at a time; findings in the URLs' order."""
    urls = list(urls)
    with ThreadPoolExecutor(max_workers=profile.link_workers) as pool:
        results = list(pool.map(lambda url: fetch_status(url, profile.link_timeout_s), urls))
    return [finding for finding in results if finding is not None]
