"""Orchestration: editions × formats → files in dist/ (workers, publish, manifest, preflight runs)."""
