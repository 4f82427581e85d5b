"""Input problems, reported with the file, the record and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """A bad file or record. ``where`` is a line (``line 14``) or record (``record 3``)."""

    path: str
    where: str
    problem: str

    def __str__(self) -> str:
        location = f"{self.path}: {self.where}" if self.where else self.path
        return f"{location}: {self.problem}"


class InputError(ValueError):
    """Raised where a single input cannot be used at all (for example ``coach check``)."""
