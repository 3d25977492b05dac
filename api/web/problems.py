"""Where to show each problem the API reports: beside a form field, a URL change, or a line.

The API names a profile problem by its JSON path (`indicators.gti.scor`) and a rule
file problem by `file:line:col`; a page puts each beside what the analyst typed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from advisor.language.loader import parse_yaml

__all__ = ["Shown", "indicator_in", "place_in_text", "shown"]


@dataclass(frozen=True)
class Shown:
    """A problem as a page shows it: where, what, and the suggestion."""

    where: str
    message: str
    suggestion: str | None = None
    #: the indicator the problem is about, if any (its form field shows it)
    indicator: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def text(self) -> str:
        return self.message + (f" ({self.suggestion})" if self.suggestion else "")


def indicator_in(path: str, names: Collection[str]) -> tuple[str | None, str]:
    """(indicator, rest) of a path under `indicators.` or `sources.`, longest known name
    first (ids hold dots); an unknown name is taken whole (`gti.scor`)."""
    for head in ("indicators.", "sources."):
        if not path.startswith(head):
            continue
        tail = path[len(head) :]
        parts = tail.split(".")
        for cut in range(len(parts), 0, -1):
            name = ".".join(parts[:cut])
            if name in names:
                return name, ".".join(parts[cut:])
        return tail, ""
    return None, ""


def shown(problems: Iterable[dict[str, Any]], names: Collection[str]) -> list[Shown]:
    """The API's problems, each with the indicator it concerns."""
    found = []
    for problem in problems:
        path = problem.get("path") or ""
        location = problem.get("location") or {}
        indicator, _ = indicator_in(path, names)
        found.append(
            Shown(
                where=path or _where(location),
                message=str(problem.get("message", "")),
                suggestion=problem.get("suggestion"),
                indicator=indicator,
                line=location.get("line") or None,
                column=location.get("column") or None,
            )
        )
    return found


def _where(location: dict[str, Any]) -> str:
    if not location:
        return ""
    return f"{location.get('file')}:{location.get('line')}:{location.get('column')}"


def place_in_text(problems: list[Shown], text: str) -> list[Shown]:
    """Each problem of a pasted profile with the line and column it points at in `text`."""
    document = parse_yaml(text, "pasted")
    placed = []
    for problem in problems:
        if problem.line is None and problem.where and not document.problems:
            path = _key_path(problem.where, problem.indicator)
            spot = document.locate(path, key=True)
            problem = Shown(
                problem.where,
                problem.message,
                problem.suggestion,
                problem.indicator,
                spot.line,
                spot.column,
            )
        placed.append(problem)
    return placed


def _key_path(where: str, indicator: str | None) -> tuple[str, ...]:
    if indicator is not None:
        head = where.split(".", 1)[0]
        rest = where[len(head) + 1 + len(indicator) :].lstrip(".")
        return (head, indicator, *([rest] if rest else []))
    return tuple(where.split(".")) if where and where != "$" else ()
