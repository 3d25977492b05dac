"""A batch's inputs: what each file holds, checked before a row is read, then its rows.

An input is a JSONL file (`.jsonl`, `.ndjson`: a profile per line, blank lines
skipped), a CSV or Parquet table (`.csv`, `.parquet`: a profile per row, see
`columns`), a profile file (`.yaml`, `.yml`, `.json`), or a directory of profile files
(read recursively, in name order, hidden ones left out). Problems with an input as a
whole (missing, unreadable, an unknown column) refuse the batch before anything is
written; problems with one row refuse that row only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from advisor.hints import display_path
from advisor.language.profile import PROFILE_SUFFIXES
from advisor.language.ruleset import RuleSet

from .columns import TableColumns
from .rows import Found, Payload, Row

__all__ = ["InputError", "Source", "open_inputs", "read_rows"]

#: a profile file larger than this is refused, as `advisor recommend` refuses it
MAX_PROFILE_BYTES = 1_000_000
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
_SUFFIXES |= {".pq": "parquet"} | dict.fromkeys(PROFILE_SUFFIXES, "profile")
_UNREADABLE = "unreadable"


class InputError(Exception):
    """Inputs the batch cannot read at all; each problem names its input."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class Source(Protocol):
    """One input of the batch."""

    name: str

    def count(self) -> int:
        """How many rows it holds (for progress), reading no more than needed."""
        ...

    def rows(self) -> Iterator[Found]: ...


@dataclass
class JsonLines:
    path: Path
    name: str

    def count(self) -> int:
        with self.path.open("rb") as lines:
            return sum(1 for line in lines if line.strip())

    def rows(self) -> Iterator[Found]:
        with self.path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                # decoded where it is evaluated, not here
                yield self.name, number, None, ("json", line)


@dataclass
class ProfileFiles:
    name: str
    files: list[Path]

    def count(self) -> int:
        return len(self.files)

    def rows(self) -> Iterator[Found]:
        for path in self.files:
            yield display_path(path), None, None, _profile_file(path)


@dataclass
class CsvTable:
    path: Path
    name: str
    columns: TableColumns

    def count(self) -> int:
        with self._open() as text:
            return sum(1 for record in csv.reader(text) if record) - 1

    def rows(self) -> Iterator[Found]:
        with self._open() as text:
            reader = csv.reader(text)
            try:
                next(reader, None)
                last = reader.line_num
                for record in reader:
                    first, last = last + 1, reader.line_num
                    if not record:
                        continue
                    if not _utf8(record):
                        yield self.name, first, None, _refused("not UTF-8 text", "encoding")
                        continue
                    yield self.name, first, None, self.columns.payload(record)
            except csv.Error as exc:  # a NUL byte, a field past the csv module's limit
                raise InputError([f"{self.name}:{reader.line_num}: {exc}"]) from None

    def _open(self) -> TextIO:
        # Bytes that are not UTF-8 refuse their row, not the file (see _utf8).
        return self.path.open(newline="", encoding="utf-8-sig", errors="surrogateescape")


def open_inputs(paths: Sequence[Path], ruleset: RuleSet) -> list[Source]:
    """Each input, checked as a whole; raises `InputError` listing every problem."""
    sources: list[Source] = []
    problems: list[str] = []
    for path in paths:
        name = display_path(path)
        try:
            sources.append(_open_input(path, name, ruleset))
        except InputError as exc:
            problems += exc.problems
        except OSError as exc:
            problems.append(f"{name}: cannot read: {exc.strerror or exc}")
    if problems:
        raise InputError(problems)
    return sources


def read_rows(sources: Sequence[Source]) -> Iterator[Row]:
    """Every row of the inputs, in order, numbered from 1 across them all."""
    position = 0
    for source in sources:
        for name, line, record, payload in source.rows():
            position += 1
            yield Row(position, name, line, record, payload)


def _open_input(path: Path, name: str, ruleset: RuleSet) -> Source:
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in PROFILE_SUFFIXES
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            raise InputError([f"{name}: no profile files (*.yaml, *.yml, *.json) here"])
        return ProfileFiles(name, files)
    if not path.exists():
        raise InputError([f"{name}: no such file or directory"])
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind == "jsonl":
        return JsonLines(path, name)
    if kind == "profile":
        return ProfileFiles(name, [path])
    if kind == "csv":
        return _csv(path, name, ruleset)
    if kind == "parquet":
        from .parquet import ParquetTable

        try:
            return ParquetTable.open(path, ruleset)
        except ValueError as exc:
            raise InputError([f"{name}: {problem}" for problem in exc.args[0]]) from None
    raise InputError(
        [
            f"{name}: cannot tell what it holds from its suffix: give a .jsonl, .csv or"
            " .parquet file, a profile file (.yaml, .json) or a directory of them"
        ]
    )


def _csv(path: Path, name: str, ruleset: RuleSet) -> CsvTable:
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as text:
        header = next(csv.reader(text), None)
    if not header:
        raise InputError([f"{name}: empty: the first line names the columns"])
    if not _utf8(header):
        raise InputError([f"{name}: the header is not UTF-8 text"])
    try:
        columns = TableColumns.plan(header, ruleset)
    except ValueError as exc:
        raise InputError([f"{name}: {problem}" for problem in exc.args[0]]) from None
    return CsvTable(path, name, columns)


def _profile_file(path: Path) -> Payload:
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            return _refused("profile file is too large", "too-large")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return _refused(f"not UTF-8 text: {exc.reason}", "encoding")
    except OSError as exc:
        return _refused(f"cannot read the profile: {exc.strerror or exc}", _UNREADABLE)
    return ("json" if path.suffix.lower() == ".json" else "yaml", text)


def _refused(message: str, code: str) -> Payload:
    return ("refused", [("$", message, code, None)])


def _utf8(cells: Sequence[str]) -> bool:
    try:
        "".join(cells).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
