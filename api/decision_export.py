"""Logged decisions written out for analysis: JSON Lines, or a Parquet table.

A line is `{decision_id, recorded_at, ruleset, token, country, profile, decision}`
with the profile and the decision spliced in as stored, byte for byte (as
`GET /v1/decisions/{id}` answers them), not parsed and serialised again. The
Parquet table has the same columns, the profile and decision as JSON text.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from .decision_log import LoggedDecision

__all__ = ["PARQUET_INSTALL", "export_line", "pyarrow_modules", "write_export"]

PARQUET_INSTALL = "a .parquet export needs pyarrow: pip install 'cooperation-advisor[parquet]'"
#: decisions held in memory before a Parquet row group is written
_ROW_GROUP = 5000


def export_line(entry: LoggedDecision) -> bytes:
    """One JSON line (newline included) for a logged decision."""
    head = orjson.dumps(
        {
            "decision_id": entry.id,
            "recorded_at": entry.recorded_at,
            "ruleset": entry.ruleset,
            "token": entry.token,
            "country": entry.country,
        },
        option=orjson.OPT_UTC_Z,
    )
    parts = (head[:-1], b',"profile":', entry.profile.encode(), b',"decision":')
    return b"".join((*parts, entry.decision.encode(), b"}\n"))


def write_export(entries: Iterable[LoggedDecision], output: Path) -> int:
    """Write the decisions to `output` (Parquet for a .parquet suffix, else JSONL) by way
    of a temporary file, so a failed export leaves no half-written file; how many."""
    partial = output.with_name(output.name + ".partial")
    try:
        if output.suffix.lower() == ".parquet":
            count = _write_parquet(entries, partial)
        else:
            count = _write_lines(entries, partial)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _write_lines(entries: Iterable[LoggedDecision], path: Path) -> int:
    count = 0
    with path.open("wb") as stream:
        for entry in entries:
            stream.write(export_line(entry))
            count += 1
    return count


def _write_parquet(entries: Iterable[LoggedDecision], path: Path) -> int:
    pa, pq = pyarrow_modules()
    schema = pa.schema(
        [
            ("decision_id", pa.string()),
            ("recorded_at", pa.timestamp("us", tz="UTC")),
            ("ruleset", pa.string()),
            ("token", pa.string()),
            ("country", pa.string()),
            ("profile", pa.string()),
            ("decision", pa.string()),
        ]
    )
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        held: list[LoggedDecision] = []
        for entry in entries:
            held.append(entry)
            count += 1
            if len(held) >= _ROW_GROUP:
                writer.write_table(_table(pa, schema, held))
                held = []
        if held or count == 0:
            writer.write_table(_table(pa, schema, held))
    return count


def _table(pa: Any, schema: Any, held: list[LoggedDecision]) -> Any:
    return pa.table(
        {
            "decision_id": [e.id for e in held],
            "recorded_at": [e.recorded_at for e in held],
            "ruleset": [e.ruleset for e in held],
            "token": [e.token for e in held],
            "country": [e.country for e in held],
            "profile": [e.profile for e in held],
            "decision": [e.decision for e in held],
        },
        schema=schema,
    )


def pyarrow_modules() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(PARQUET_INSTALL) from None
    return pa, pq
