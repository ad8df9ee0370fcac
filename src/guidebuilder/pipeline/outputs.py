"""Atomic, contained writes of build outputs."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from ..errors import BuildError


def output_path(out_dir: Path, relative: str) -> Path:
    """The path of an output inside out_dir; anything escaping it is refused."""
    root = out_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        raise BuildError(f"refusing to write '{relative}' outside {out_dir}")
    return target


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary files left by a build that was killed mid-write."""
    if out_dir.is_dir():
        for stale in out_dir.glob("**/.*.tmp"):
            stale.unlink(missing_ok=True)


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
