"""Where things are: the project folder, its guide, layouts search path and output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Paths of one guidebuilder project."""

    root: Path
    out: Path
    user_layouts: tuple[Path, ...] = ()

    @classmethod
    def at(cls, root: Path, out: Path | None = None, layouts: tuple[Path, ...] = ()) -> Project:
        """A project rooted at root; outputs default to root/dist."""
        root = root.resolve()
        return cls(root, (out or root / "dist").resolve(), tuple(p.resolve() for p in layouts))

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
