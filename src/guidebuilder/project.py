"""Where things are: the project folder, its guide, layouts search path and output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
