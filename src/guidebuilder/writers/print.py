"""The print-shop PDF format (rendered by the PDF writer)."""

from .pdf import write_print as write

__all__ = ["write"]
