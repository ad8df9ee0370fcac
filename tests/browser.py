"""Debian's Chromium driven by Playwright (never a downloaded browser), for the web page tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
OFFSITE_CHECK = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    let scroller = el.parentElement, inside = false;
    for (; scroller; scroller = scroller.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) { inside = true; break; }
    }
    const out = box.left < -1 || box.right > width + 1;
    if (!inside && out) wide.push(el.tagName + '.' + el.className + ' ' + box.right);
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


def chromium_path() -> str:
    """Debian's chromium binary; the tests need it (make test installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is needed (make test installs Debian's chromium)"
    return found


@contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--headless", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: object, path: Path, width: int, locale: str = "en-US", **options: object) -> tuple[object, list]:
    """Open a local page at a viewport width; every request that is not a local file or data is recorded and aborted."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale, **options)
    offsite: list[str] = []

    def guard(route: object) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            offsite.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(path.as_uri())
    return page, offsite


def axe_violations(page: object) -> list[dict]:
    """axe-core's violations on the page (WCAG 2.x A and AA rules and best practices)."""
    assert AXE.is_file(), "axe-core is needed: make test runs npm ci"
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result]


def layout_overflow(page: object) -> dict:
    """The page's scroll width, viewport width and any element sticking out of the viewport."""
    return page.evaluate(OFFSITE_CHECK)
