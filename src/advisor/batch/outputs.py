"""Where a batch's results go, in input order, a partition at a time.

Decision lines (`.jsonl`): each decision's compact JSON on a line: the content of
`advisor recommend --format json`, without the indentation. The long table (`.csv`,
`.parquet`): a row per profile and measure, `TABLE_COLUMNS`; a profile that names no
measure has no row there. Refused rows go to the errors file, if one is given.

Each partition is written whole and flushed, lines complete, so a run stopped
between partitions leaves an output `--resume` can continue.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import orjson

from .rows import Refused, Row, TableRow

__all__ = [
    "FORMATS",
    "TABLE_COLUMNS",
    "CsvWriter",
    "DecisionLines",
    "ErrorLines",
    "Format",
    "Writer",
    "format_of",
]

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
FORMATS |= {".parquet": "parquet", ".pq": "parquet"}
TABLE_COLUMNS = ("row", "country", "period", "measure", "priority", "status", "rules")


def format_of(path: Path, given: str | None) -> Format:
    """The output format: as given, or by the file's suffix; raises `ValueError`."""
    if given is not None:
        return FORMATS["." + given]
    if str(path) == "-":
        return "jsonl"
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ValueError(
            f"{path}: cannot tell the output format from the suffix: name it .jsonl, .csv"
            " or .parquet, or give --format"
        )
    return found


class Writer(Protocol):
    """An output: results added a row at a time, flushed a partition at a time."""

    def add(self, row: Row, result: Any) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class DecisionLines:
    """A decision per line, as compact JSON, in input order."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._buffer: list[bytes] = []

    def add(self, row: Row, result: bytes) -> None:
        self._buffer += (result, b"\n")

    def flush(self) -> None:
        # one write per partition: whole lines, even when stopped right after
        self._stream.write(b"".join(self._buffer))
        self._stream.flush()
        self._buffer = []

    def close(self) -> None:
        self.flush()
        if self._stream is not sys.stdout.buffer:
            self._stream.close()


class CsvWriter:
    """The long table as CSV; a measure's rules separated by spaces."""

    def __init__(self, stream: IO[bytes], *, header: bool) -> None:
        self._stream = stream
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\n")
        if header:
            self._csv.writerow(TABLE_COLUMNS)
            self.flush()

    def add(self, row: Row, result: Sequence[TableRow]) -> None:
        for country, period, measure, priority, status, rules in result:
            line = (row.position, country, period, measure, priority, status, " ".join(rules))
            self._csv.writerow(line)

    def flush(self) -> None:
        self._stream.write(self._text.getvalue().encode("utf-8"))
        self._stream.flush()
        self._text.seek(0)
        self._text.truncate()

    def close(self) -> None:
        self.flush()
        if self._stream is not sys.stdout.buffer:
            self._stream.close()


class ErrorLines:
    """Refused rows, a JSON object per line: where the row is, and each problem."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._buffer: list[bytes] = []

    def add(self, row: Row, refused: Refused) -> None:
        entry = {**row.where(), "problems": refused.as_json()}
        self._buffer += (orjson.dumps(entry), b"\n")

    def flush(self) -> None:
        self._stream.write(b"".join(self._buffer))
        self._stream.flush()
        self._buffer = []

    def close(self) -> None:
        self.flush()
        self._stream.close()
