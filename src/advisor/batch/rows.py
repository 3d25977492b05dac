"""What a batch passes around: rows read from the inputs, and what evaluating one gives."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from advisor.errors import ProfileProblem

__all__ = [
    "Found",
    "Payload",
    "Problem",
    "Refused",
    "Result",
    "Row",
    "Shape",
    "TableRow",
    "partitions",
    "problems_of",
]

#: how a row travels to whoever evaluates it, as plain picklable data:
#: ("json", text or UTF-8 bytes) | ("yaml", text) | ("data", mapping) | ("refused", problems)
Payload = tuple[str, Any]
#: one problem of a row: path, message, code, suggestion
Problem = tuple[str, str, str, str | None]
#: what the evaluation of a row gives: decision lines (compact, or full detail) or table rows
Shape = Literal["decisions", "full decisions", "table"]
#: a row as an input gives it: the file it is from, its line, its record, what it holds
Found = tuple[str, int | None, int | None, Payload]
#: one row of the long table: country, period, measure, priority, status, rules
TableRow = tuple[str, str | None, str, str | None, str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Row:
    """One profile of the batch and where it was read."""

    #: 1-based, across all inputs in the order given: the `row` of the table and of --errors
    position: int
    #: the input file, as given on the command line (a profile file, for a directory)
    input: str
    #: the line of a JSONL or CSV input (a CSV record's first line)
    line: int | None
    #: the record of a Parquet input, from 1
    record: int | None
    payload: Payload

    def where(self) -> dict[str, Any]:
        """The row's place, as --errors gives it."""
        found: dict[str, Any] = {"row": self.position, "input": self.input}
        if self.line is not None:
            found["line"] = self.line
        if self.record is not None:
            found["record"] = self.record
        return found


@dataclass(frozen=True, slots=True)
class Refused:
    """A row that could not be evaluated, and every problem with it."""

    problems: tuple[Problem, ...]

    def as_json(self) -> list[dict[str, Any]]:
        return [
            {"path": path, "message": message, "code": code, "suggestion": suggestion}
            for path, message, code, suggestion in self.problems
        ]


#: a decision's compact JSON (shape "decisions"), its table rows (shape "table"), or a refusal
Result = bytes | list[TableRow] | Refused


def problems_of(found: Iterable[ProfileProblem]) -> Refused:
    return Refused(tuple((p.path, p.message, p.code, p.suggestion) for p in found))


def partitions(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """The rows in consecutive lists of `size` (the last may be shorter)."""
    partition: list[Row] = []
    for row in rows:
        partition.append(row)
        if len(partition) >= size:
            yield partition
            partition = []
    if partition:
        yield partition
