"""Atomic, contained writes of build outputs: nothing outside the output folder is read, written or removed."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

from ..errors import BuildError

TEMPORARY = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")  # the names write_atomic gives its temporary files


def output_path(out_dir: Path, relative: str, action: str = "write") -> Path:
    """The real path of a file inside out_dir (links resolved); anything leading outside it is refused."""
    root = out_dir.resolve()
    try:
        target = (root / relative).resolve()
    except (ValueError, OSError, RuntimeError) as exc:  # a NUL byte; a link loop (RuntimeError before Python 3.13)
        raise BuildError(f"refusing to {action} {shown(relative)} in {out_dir}: {exc}") from None
    if target == root:
        raise BuildError(f"refusing to {action} {shown(relative)}: it is the output folder {out_dir} itself")
    if not target.is_relative_to(root):
        raise BuildError(f"refusing to {action} {shown(relative)} outside {out_dir}: it leads to {target}")
    return target


def shown(name: str) -> str:
    """A file name quoted for a one-line message, control characters escaped."""
    return f"'{name}'" if name.isprintable() else repr(name)


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary files left by a build that was killed mid-write. Only under the output folder's
    lock (pipeline.lock), so never the file in flight of a live build; links are neither followed nor removed."""
    for folder, _subfolders, names in os.walk(out_dir):  # os.walk does not descend into linked folders
        for name in filter(TEMPORARY.fullmatch, names):
            path = Path(folder, name)
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISREG(path.lstat().st_mode):
                    path.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, then move it into place. The file gets the mode
    a plain write would give it (0666 less the umask), and a Ctrl-C at any point leaves either the
    whole new file or none (with the old one, if any, untouched)."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"  # named first, so that cleanup always knows it
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "xb") as handle:  # O_EXCL: never through a planted file or link
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise BuildError(f"cannot write {path}: {exc.strerror}") from None
        raise
