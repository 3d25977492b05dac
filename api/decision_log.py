"""The decision log: every decision the service gives, stored before the client hears of it.

SQLAlchemy Core over SQLite (default) or PostgreSQL; the schema comes from the
Alembic migrations shipped in `api/migrations`, so it is created the same way
from a checkout or an installed copy.

Durability: `record` returns only after the transaction has committed.
SQLite runs in WAL mode with `synchronous=FULL`, which syncs the WAL to disk
at every commit: a committed decision survives a power cut, not only a crash
of the process. (`NORMAL` in WAL mode syncs only at checkpoints, so the last
commits can be lost to a power cut; that is not "on disk".) Several worker
processes write the same file, so each connection waits up to `BUSY_TIMEOUT_S`
for the write lock instead of failing. PostgreSQL commits wait for the WAL
flush unless `synchronous_commit` is off, which each connection turns back on.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection, make_url

__all__ = ["BUSY_TIMEOUT_S", "DecisionLog", "LoggedDecision", "metadata"]

BUSY_TIMEOUT_S = 30
MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x61647669  # "advi": PostgreSQL advisory lock key for schema changes

metadata = MetaData()

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False, index=True),
    Column("ruleset", String(80), nullable=False, index=True),
    # JSON as text: the decision exactly as the client received it, byte for byte
    Column("profile", Text, nullable=False),
    Column("decision", Text, nullable=False),
    # the name of the token that wrote it (NULL: written without one); see api/access
    Column("token", String(64), nullable=True),
    Column("country", String(120), nullable=True),
)


@dataclass(frozen=True)
class LoggedDecision:
    """One row of the log."""

    id: str
    recorded_at: datetime
    ruleset: str
    profile: str
    decision: str
    #: the name of the token that wrote it; None when written without one
    token: str | None = None
    country: str | None = None

    def profile_data(self) -> Any:
        return json.loads(self.profile)

    def decision_data(self) -> Any:
        return json.loads(self.decision)


class DecisionLog:
    """Writes and reads decisions; safe to share between threads."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.engine: Engine = _create_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    def migrate(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is there already)."""
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Two services starting on one fresh database must not both create the table.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            config = _alembic_config(connection)
            command.upgrade(config, "head")

    def schema_is_current(self) -> bool:
        """Whether the database is at the newest migration."""
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
        return set(current) == set(_heads())

    def record(self, entries: Sequence[LoggedDecision]) -> None:
        """Store decisions in one transaction; returns once it is committed."""
        if not entries:
            return
        rows = [
            {
                "id": e.id,
                "recorded_at": e.recorded_at,
                "ruleset": e.ruleset,
                "profile": e.profile,
                "decision": e.decision,
                "token": e.token,
                "country": e.country,
            }
            for e in entries
        ]
        with self.engine.begin() as connection:
            connection.execute(insert(decisions), rows)

    def get(self, decision_id: str) -> LoggedDecision | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(decisions).where(decisions.c.id == decision_id)
            ).one_or_none()
        if row is None:
            return None
        recorded_at: datetime = row.recorded_at
        if recorded_at.tzinfo is None:  # SQLite keeps no time zone; every time written is UTC
            recorded_at = recorded_at.replace(tzinfo=UTC)
        return LoggedDecision(
            row.id, recorded_at, row.ruleset, row.profile, row.decision, row.token, row.country
        )

    def ids(self) -> set[str]:
        """Every recorded decision id (for tests and audits of small logs)."""
        with self.engine.connect() as connection:
            return set(connection.execute(select(decisions.c.id)).scalars())


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if parsed.get_backend_name() == "postgresql":
        event.listen(engine, "connect", _postgres_durable)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    finally:
        cursor.close()


def _postgres_durable(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SHOW synchronous_commit")
        if cursor.fetchone()[0] == "off":
            cursor.execute("SET synchronous_commit TO on")
    finally:
        cursor.close()
    dbapi_connection.commit()


@functools.cache
def _heads() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(_alembic_config(None)).get_heads())


def _alembic_config(connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = metadata
    return config
