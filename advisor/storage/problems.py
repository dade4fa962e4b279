"""What is wrong in a user's file, worded for people: one `Problem` per fault, raised together.

Every layer that reads a file (catalog, scenarios, settings) reports through these; each raises its own
subclass of `ProblemError` (CatalogError, ScenarioError, ...) so callers catch the kind they expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advisor.errors import AdvisorError


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (file, entry, field) and what."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.entry:
            where.append(self.entry)
        if self.field:
            where.append(self.field)
        return f"{': '.join(where)}: {self.message}"


class ProblemError(AdvisorError):
    """A file could not be used; `problems` says why, one per line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class MigrationError(ProblemError):
    """A user file's kind or version is wrong, or it is newer than this program understands."""


__all__ = ["MigrationError", "Problem", "ProblemError"]
