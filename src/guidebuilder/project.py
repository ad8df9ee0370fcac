"""Where things are: the project folder, its guide, layouts search path and output folder."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .codestamp import cache_dir
from .errors import UsageError


@dataclass(frozen=True)
class BookletSettings:
    """Imposition choices: creep per sheet, fold and crop marks, a margin for the printer."""

    creep_mm: float = 0.0
    marks: bool = False
    margin_mm: float = 0.0


@dataclass(frozen=True)
class Project:
    """Paths of one guidebuilder project, and the build's settings."""

    root: Path
    out: Path
    user_layouts: tuple[Path, ...] = ()
    booklet: BookletSettings = BookletSettings()

    @classmethod
    def at(
        cls, root: Path, out: Path | None = None, layouts: tuple[Path, ...] = (), booklet: BookletSettings | None = None
    ) -> Project:
        """A project rooted at root; outputs default to root/dist."""
        root = root.resolve()
        out_dir = (out or root / "dist").resolve()
        return cls(root, out_dir, tuple(p.resolve() for p in layouts), booklet or BookletSettings())

    @classmethod
    def existing(
        cls, root: Path, out: Path | None = None, layouts: tuple[Path, ...] = (), booklet: BookletSettings | None = None
    ) -> Project:
        """Project.at, for a folder holding guide/ and layout folders that exist: else a usage error."""
        project = cls.at(root, out, layouts, booklet)
        if not project.guide_dir.is_dir():
            raise UsageError(
                f"no guide/ folder in {project.root}: run guidebuilder in a project folder or name one with -C"
            )
        for folder in project.user_layouts:
            if not folder.is_dir():
                raise UsageError(f"--layouts {folder}: no such folder")
        return project

    @property
    def guide_dir(self) -> Path:
        """The content folder."""
        return self.root / "guide"

    @property
    def search_path(self) -> tuple[Path, ...]:
        """Layout folders, user layouts first, then the project's built-in layouts."""
        return (*self.user_layouts, self.root / "layouts")

    @property
    def readable_roots(self) -> tuple[Path, ...]:
        """The only folders renderers may read files from."""
        return (self.guide_dir.resolve(), *(p.resolve() for p in self.search_path))


def build_date(project: Project) -> date:
    """SOURCE_DATE_EPOCH, else the last commit's date, else the newest guide file: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except ValueError:
            raise UsageError(f"SOURCE_DATE_EPOCH must be a number of seconds, got '{epoch}'") from None
    try:
        stamp = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", "guide", "layouts"],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        if stamp:
            return datetime.fromtimestamp(int(stamp), tz=UTC).date()
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    newest = max(p.stat().st_mtime for p in project.guide_dir.rglob("*") if p.is_file())
    return datetime.fromtimestamp(newest, tz=UTC).date()


def user_cache_dir(kind: str) -> Path:
    """Where guidebuilder keeps what it can work out again (spelling verdicts, check outcomes): XDG_CACHE_HOME."""
    return Path(cache_dir(kind))
