"""Proofing: `Guide` and `Book`s → findings (errors and warnings) for `check`; nothing is written."""
