"""Atomic, contained writes of build outputs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BuildError


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
    """Write data to a temporary file beside path, then move it into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise BuildError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BuildError(f"cannot write {path}: {exc.strerror}") from None
        raise
