"""Preflight: checks on the laid-out booklet and its PDFs before anyone prints them (see profile.py)."""
