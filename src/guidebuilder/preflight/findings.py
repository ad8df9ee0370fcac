"""A preflight finding: plain data, made in a layout worker or the main process."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    """One problem on one page; box is (x, y, width, height) in points from the page's top left."""

    kind: str
    message: str
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    edition: str = ""

    def line(self) -> str:
        """`en-GB p.9: stranded: ...`, as printed by the CLI."""
        where = f" p.{self.page}" if self.page else ""
        return f"{self.edition}{where}: {self.kind}: {self.message}"

    def as_json(self) -> dict:
        """The finding as JSON-ready data."""
        return asdict(self)


def shorten(text: str, limit: int = 40) -> str:
    """Text cut to limit characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class EditionCheck:
    """One edition's preflight: its findings and the download PDF they refer to."""

    edition: str
    findings: tuple[Finding, ...]
    pdf: bytes
