"""Parquet, in and out, through pyarrow (`pip install 'cooperation-advisor[parquet]'`).

In: the same columns as a CSV input (`columns`), read a record batch at a time.
Out: the long table (`outputs`), written to OUT.partial and moved onto OUT when the
file is closed, so OUT is always a whole Parquet file; an interrupted run closes it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.hints import display_path
from advisor.language.ruleset import RuleSet

from .columns import TableColumns
from .rows import Found, Row, TableRow

__all__ = ["INSTALL", "ParquetTable", "ParquetWriter", "require_pyarrow"]

INSTALL = "Parquet needs pyarrow: pip install 'cooperation-advisor[parquet]'"
#: table rows gathered before a row group is written (fewer at close)
ROW_GROUP = 50_000


def require_pyarrow() -> Any:
    """The pyarrow.parquet module; raises `ImportError` saying how to install it."""
    try:
        import pyarrow.parquet
    except ImportError:
        raise ImportError(INSTALL) from None
    return pyarrow.parquet


@dataclass
class ParquetTable:
    path: Path
    name: str
    columns: TableColumns

    @classmethod
    def open(cls, path: Path, ruleset: RuleSet) -> ParquetTable:
        """The table's columns checked; raises `ValueError` with a list of problems."""
        try:
            parquet = require_pyarrow()
        except ImportError as exc:
            raise ValueError([str(exc)]) from None
        try:
            header = parquet.ParquetFile(path).schema_arrow.names
        except Exception as exc:  # pyarrow raises its own errors for a file that is not Parquet
            raise ValueError([f"not a Parquet file: {exc}"]) from None
        return cls(path, display_path(path), TableColumns.plan(header, ruleset))

    def count(self) -> int:
        return int(require_pyarrow().ParquetFile(self.path).metadata.num_rows)

    def rows(self) -> Iterator[Found]:
        record = 0
        for batch in require_pyarrow().ParquetFile(self.path).iter_batches(batch_size=4096):
            cells = batch.to_pydict()
            by_column = [cells[name] for name in batch.schema.names]
            for values in zip(*by_column, strict=True):
                record += 1
                yield self.name, None, record, self.columns.payload(values)


def schema() -> Any:
    import pyarrow

    return pyarrow.schema(
        [
            ("row", pyarrow.int64()),
            ("country", pyarrow.string()),
            ("period", pyarrow.string()),
            ("measure", pyarrow.string()),
            ("priority", pyarrow.string()),
            ("status", pyarrow.string()),
            ("rules", pyarrow.list_(pyarrow.string())),
        ]
    )


class ParquetWriter:
    """The long table into a Parquet file; `kept` rows (a resumed run's) come first."""

    def __init__(self, path: Path, kept: Any = None) -> None:
        parquet = require_pyarrow()
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self._writer = parquet.ParquetWriter(self.partial, schema())
        self._pending: list[tuple[int, TableRow]] = []
        if kept is not None and kept.num_rows:
            self._writer.write_table(kept.cast(schema()))

    def add(self, row: Row, table: Sequence[TableRow]) -> None:
        self._pending += [(row.position, line) for line in table]
        if len(self._pending) >= ROW_GROUP:
            self._write()

    def flush(self) -> None:
        """Row groups are written when full and at close: a Parquet file is whole only then."""

    def close(self) -> None:
        self._write()
        self._writer.close()
        os.replace(self.partial, self.path)

    def _write(self) -> None:
        if not self._pending:
            return
        import pyarrow

        names = schema().names
        columns: dict[str, list[Any]] = {name: [] for name in names}
        for position, line in self._pending:
            columns["row"].append(position)
            for name, value in zip(names[1:], line, strict=True):
                columns[name].append(value)
        self._writer.write_table(pyarrow.Table.from_pydict(columns, schema=schema()))
        self._pending = []


def read_table(path: Path) -> Any:
    """The long table written so far (a resumed run's output)."""
    return require_pyarrow().read_table(path, schema=schema())
