"""Watch the guide and layout folders and report each burst of changes once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

DEBOUNCE_MS = 50  # an editor's save (write, rename, touch) arrives as one burst
CONTENT_SUFFIXES = {".md", ".yaml", ".yml", ".po"}


def watch(folders: Sequence[Path], on_change: Callable[[set[Path]], None], stop: threading.Event) -> threading.Thread:
    """A daemon thread calling on_change with the changed paths after each burst, until stop is set."""
    from watchfiles import watch as watch_files

    def run() -> None:
        existing = [str(f) for f in folders if f.is_dir()]
        for changes in watch_files(*existing, stop_event=stop, debounce=DEBOUNCE_MS, step=20, raise_interrupt=False):
            on_change({Path(path) for _, path in changes})

    thread = threading.Thread(target=run, name="preview-watcher", daemon=True)
    thread.start()
    return thread


def only_content(paths: set[Path]) -> bool:
    """Whether every changed file is text the pipeline reads again (not a font, image or stylesheet asset)."""
    return all(path.suffix in CONTENT_SUFFIXES for path in paths)
