"""guidebuilder: one career guide, many regional editions (PDF booklet, print, EPUB)."""

__version__ = "0.1.0"
