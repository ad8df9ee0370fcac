"""Where guidebuilder's caches live, and what keys them: path, size and time of this package's files, of the
libraries a check relies on, of the Hunspell dictionaries and of Enchant's user settings. For the check cache
and the spelling verdicts; standard library only, light to import."""

from __future__ import annotations

import os
from importlib.util import find_spec

PACKAGE = os.path.dirname(os.path.abspath(__file__))
# Libraries whose version can change what check finds: an upgrade changes their files' sizes and times.
CHECK_LIBRARIES = ("babel", "pydantic", "pydantic_core", "yaml", "markdown_it", "markupsafe", "enchant")
DICTIONARY_DIRS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts")


def library_stamps(names: tuple[str, ...]) -> list[str]:
    """The stamp of each named library's entry file, of each installed dictionary and of Enchant's user settings."""
    files = [spec.origin for name in names if (spec := find_spec(name)) and spec.origin]
    for folder in DICTIONARY_DIRS:
        if os.path.isdir(folder):
            files += sorted(entry.path for entry in os.scandir(folder) if entry.is_file())
    return [stamp(path) for path in files] + enchant_settings_stamps()


def enchant_settings_stamps() -> list[str]:
    """The stamp of each file of Enchant's user settings (personal word lists, dictionaries, provider order):
    under ENCHANT_CONFIG_DIR, else enchant/ under XDG_CONFIG_HOME."""
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    files = []
    for folder, dirs, names in os.walk(os.environ.get("ENCHANT_CONFIG_DIR") or os.path.join(config, "enchant")):
        dirs.sort()
        files += sorted(os.path.join(folder, name) for name in names)
    return [stamp(path) for path in files]


def stamp(path: str | os.PathLike[str]) -> str:
    """A file's path, size and modification time: changes when the file does."""
    info = os.stat(path)
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def cache_dir(kind: str) -> str:
    """Where guidebuilder keeps what it can work out again, by kind: under XDG_CACHE_HOME or ~/.cache."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "guidebuilder", kind)
