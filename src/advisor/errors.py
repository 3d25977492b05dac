"""Errors as data: every problem carries where it is and what to do about it.

The exception tree::

    AdvisorError                  base of everything this package raises on purpose
    ├── RuleSetError              rule files that cannot be used; .problems lists every one
    ├── ProfileError              a situation profile that does not fit the catalogue; .problems
    └── EngineError               the rule engine misbehaved: a bug, never the user's input

A `Problem` is one finding: a `Location` (file, line, column), a message and,
where one fits, a suggestion. Problems sort by location so that an analyst
reads them top to bottom, file by file. Most are errors (the rule set cannot be
used); a warning is a likely mistake that still leaves the rule set usable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "AdvisorError",
    "EngineError",
    "Location",
    "Problem",
    "ProfileError",
    "ProfileProblem",
    "RuleSetError",
    "Severity",
    "errors_among",
]

#: an error makes a rule set unusable; a warning is a likely mistake that does not
Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file; line and column count from 1."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def shifted(self, columns: int) -> Location:
        """The location `columns` characters further along the same line."""
        return Location(self.file, self.line, self.column + columns)


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about a rule file or a profile."""

    location: Location
    message: str
    code: str = field(default="invalid", compare=False)
    suggestion: str | None = field(default=None, compare=False)
    severity: Severity = field(default="error", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        text = f"{self.location}: {label}{self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


def errors_among(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that are errors, leaving out the warnings."""
    return [problem for problem in problems if problem.is_error]


@dataclass(frozen=True, order=True)
class ProfileProblem:
    """One finding about a situation profile; `path` is a JSON path such as `indicators.wgi.rl`."""

    path: str
    message: str
    code: str = field(default="invalid", compare=False)
    suggestion: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class AdvisorError(Exception):
    """Base class for the errors this package raises on purpose."""


class RuleSetError(AdvisorError):
    """The rule files have problems; all of them are in `.problems`, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))


class ProfileError(AdvisorError):
    """A situation profile does not fit the indicator catalogue; `.problems` lists why."""

    def __init__(self, problems: Iterable[ProfileProblem], source: str = "<profile>") -> None:
        self.problems: tuple[ProfileProblem, ...] = tuple(sorted(set(problems)))
        self.source = source
        super().__init__("\n".join(f"{source}: {p}" for p in self.problems))


class EngineError(AdvisorError):
    """durable_rules returned something the advisor did not expect (a bug to report)."""
