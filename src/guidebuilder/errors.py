"""The exception tree: every problem the CLI reports without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One content error located in a file."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class GuideError(Exception):
    """Base of every error the CLI turns into exit code 1."""


class ContentError(GuideError):
    """The guide's content is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Findings:
    """What checking found: errors, warnings that --strict turns into errors, and acknowledged findings (numbers
    from pages marked undated) that are only listed."""

    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    acknowledged: tuple[Problem, ...] = ()

    def raise_for(self, strict: bool = False) -> None:
        """ContentError listing the errors (and, when strict, the warnings), if there are any."""
        errors = self.problems + (self.warnings if strict else ())
        if errors:
            raise ContentError(list(errors))


class UsageError(GuideError):
    """The command line asked for something that does not exist (exit code 2)."""


class BuildError(GuideError):
    """Rendering or writing an output failed."""
