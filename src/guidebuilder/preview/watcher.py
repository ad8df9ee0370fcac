"""Watch the guide and layout folders and report each burst of changes once; a folder that cannot be read is
named once and left out, and the watching goes on."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

DEBOUNCE_MS = 50  # an editor's save (write, rename, touch) arrives as one burst
CONTENT_SUFFIXES = {".md", ".yaml", ".yml", ".po"}
RESTART_S = 1.0  # after the watcher failed, wait this long before watching again
SCAN_LIMIT = 10_000  # folders looked at for unreadable ones; a link to a huge tree is not walked for good


def watch(
    folders: Sequence[Path],
    on_change: Callable[[set[Path]], None],
    stop: threading.Event,
    warn: Callable[[str], None] = print,
) -> threading.Thread:
    """A daemon thread calling on_change with the changed paths after each burst, until stop is set; warn hears,
    once each, of folders it cannot read and of failures of the watcher, which then starts again."""
    from watchfiles import watch as watch_files

    def run() -> None:
        existing = [f for f in folders if f.is_dir()]
        for folder in unreadable_folders(existing):
            warn(f"warning: cannot read {folder}: the preview does not see changes there")
        said: set[str] = set()
        while not stop.is_set():
            try:
                for changes in watch_files(
                    *existing,
                    stop_event=stop,
                    debounce=DEBOUNCE_MS,
                    step=20,
                    raise_interrupt=False,
                    ignore_permission_denied=True,
                ):
                    on_change({Path(path) for _, path in changes})
            except (OSError, RuntimeError) as exc:  # watchfiles' own errors are RuntimeErrors
                if str(exc) not in said:
                    said.add(str(exc))
                    warn(f"warning: watching for changes failed ({exc}); watching again")
            stop.wait(RESTART_S)  # at once when stopping

    thread = threading.Thread(target=run, name="preview-watcher", daemon=True)
    thread.start()
    return thread


def unreadable_folders(folders: Sequence[Path]) -> Iterator[Path]:
    """Every folder below folders (links followed, each folder once) whose entries cannot be listed."""
    seen: set[tuple[int, int]] = set()
    stack = list(reversed(folders))
    while stack and len(seen) < SCAN_LIMIT:
        folder = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                children = [Path(entry.path) for entry in entries if _is_folder(entry)]
        except PermissionError:
            yield folder
            continue
        except OSError:  # gone meanwhile, a link loop: nothing to watch there
            continue
        stack.extend(sorted(children, reverse=True))


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows links, as the watcher does
    except OSError:
        return False


def only_content(paths: set[Path]) -> bool:
    """Whether every changed file is text the pipeline reads again (not a font, image or stylesheet asset)."""
    return all(path.suffix in CONTENT_SUFFIXES for path in paths)
