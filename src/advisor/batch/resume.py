"""`--resume`: what an interrupted run wrote, checked against the inputs, and where to go on.

Decision lines carry no row numbers, so the rows are checked again (parsed and checked
against the catalogue, not evaluated): every row that passes gave one line, in order,
and each line's country and period must be that row's. The long table names each
row; the last profile in it is taken out and done again, in case a hard stop cut it
short. Rows refused before the resumption point are refused again, into the new
errors file, so that file and the summary cover the whole batch.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from advisor.decide import Advisor
from advisor.decision.model import Detail

from .evaluate import check
from .outputs import TABLE_COLUMNS, Format
from .rows import Refused, Row

__all__ = ["ResumeError", "Resumed", "Written", "resume", "written"]


class ResumeError(Exception):
    """The output cannot be continued: it is not this batch's, or not readable."""


@dataclass
class Written:
    """What an earlier run left in the output."""

    #: each profile written, in order: (row or None for decision lines, country, period)
    profiles: list[tuple[int | None, str, str | None]]
    #: decision lines: the bytes of whole lines
    keep_bytes: int = 0
    #: decision lines: the rule set of the last decision
    ruleset: str | None = None
    #: decision lines: their level of detail
    detail: Detail = "compact"
    #: CSV: the table rows kept, as text; Parquet: the pyarrow table kept
    kept: Any = None


@dataclass
class Resumed:
    """How far the earlier run went: the rows it did, and those of them refused."""

    skipped: int = 0
    refused: list[tuple[Row, Refused]] = field(default_factory=list)


def written(path: Path, fmt: Format) -> Written:
    """What `path` holds so far; raises `ResumeError` if it is not a batch's output."""
    try:
        if fmt == "jsonl":
            return _decision_lines(path)
        if fmt == "csv":
            return _csv_table(path)
        return _parquet_table(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ResumeError(f"{path}: cannot read it as a batch's output: {exc}") from None


def resume(
    done: Written, rows: Iterator[Row], advisor: Advisor, detail: Detail = "compact"
) -> Resumed:
    """Read `rows` up to where the earlier run stopped, checking that it wrote them."""
    if done.ruleset is not None and done.ruleset != advisor.ruleset.content_hash:
        raise ResumeError(
            f"it was written with rule set {done.ruleset}, not {advisor.ruleset.content_hash}"
        )
    if done.profiles and done.profiles[0][0] is None and done.detail != detail:
        raise ResumeError(
            f"its decisions are at {done.detail} detail; resume with --detail {done.detail}"
        )
    if done.profiles and done.profiles[0][0] is not None:
        return _resume_table(done, rows, advisor)
    resumed = Resumed()
    expected = iter(done.profiles)
    left = len(done.profiles)
    while left:
        row = next(rows, None)
        if row is None:
            raise ResumeError(f"it holds {left} decision(s) more than the inputs give")
        checked = check(advisor, row.payload)
        if isinstance(checked, Refused):
            resumed.refused.append((row, checked))
            continue
        _same(row, next(expected), checked.country, checked.period)
        left -= 1
        resumed.skipped = row.position
    return resumed


def _resume_table(done: Written, rows: Iterator[Row], advisor: Advisor) -> Resumed:
    by_row = {int(position or 0): (country, period) for position, country, period in done.profiles}
    resumed = Resumed()
    last = max(by_row) if by_row else 0
    for row in rows:
        checked = check(advisor, row.payload)
        said = by_row.get(row.position)
        if isinstance(checked, Refused):
            if said is not None:
                raise ResumeError(f"row {row.position} is refused now, but has measures there")
            resumed.refused.append((row, checked))
        elif said is not None:
            _same(row, (row.position, *said), checked.country, checked.period)
        resumed.skipped = row.position
        if row.position >= last:
            break
    if resumed.skipped < last:
        raise ResumeError(f"it names row {last}, but the inputs hold {resumed.skipped} rows")
    return resumed


def _same(row: Row, said: tuple[int | None, str, str | None], country: str, period: Any) -> None:
    if (said[1], said[2]) != (country, period):
        raise ResumeError(
            f"row {row.position} ({row.input}) is {country} {period or ''}".rstrip()
            + f", but the output has {said[1]} {said[2] or ''} there".rstrip()
        )


def _decision_lines(path: Path) -> Written:
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1  # a line cut short by a hard stop is dropped
    profiles: list[tuple[int | None, str, str | None]] = []
    ruleset = None
    detail: Detail = "compact"
    for line in data[:keep].splitlines():
        decision = orjson.loads(line)
        profiles.append((None, decision["country"], decision["period"]))
        ruleset = decision["ruleset"]
        detail = "full" if decision.get("detail") == "full" else "compact"
    return Written(profiles, keep_bytes=keep, ruleset=ruleset, detail=detail)


def _csv_table(path: Path) -> Written:
    with path.open(newline="", encoding="utf-8") as text:
        records = list(csv.reader(text))
    if records and tuple(records[0]) != TABLE_COLUMNS:
        raise ValueError(f"the header is not {','.join(TABLE_COLUMNS)}")
    body = [r for r in records[1:] if len(r) == len(TABLE_COLUMNS)]
    last = max((int(r[0]) for r in body), default=0)
    kept = [r for r in body if int(r[0]) < last]
    profiles = {int(r[0]): (r[1], r[2] or None) for r in kept}
    return Written([(k, *v) for k, v in profiles.items()], kept=kept)


def _parquet_table(path: Path) -> Written:
    from .parquet import read_table

    table = read_table(path)
    positions = table.column("row").to_pylist()
    last = max(positions, default=0)
    kept = table.filter([p < last for p in positions])
    profiles = {
        p: (c, period)
        for p, c, period in zip(
            kept.column("row").to_pylist(),
            kept.column("country").to_pylist(),
            kept.column("period").to_pylist(),
            strict=True,
        )
    }
    return Written([(k, *v) for k, v in profiles.items()], kept=kept)
