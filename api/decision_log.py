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
for the write lock instead of failing; their writes of decisions queue for it in
the kernel rather than in SQLite's sleeping busy handler (`api/writer_turn.py`, a
lock file `<database>-writers` beside the database). PostgreSQL commits wait for
the WAL flush unless `synchronous_commit` is off, which each connection turns back on.

Concurrent `record` calls share one transaction, so one sync (`api/group_commit.py`:
why, and why each call still returns only once its own rows are committed).
`record_async` does the same for coroutines without a thread each: the requests of
one event loop wait on the loop and go to a worker thread as one group
(`api/loop_commit.py`), which then joins any `record` calls of the moment.

Faults heal. A connection whose statement fails with an operational error (the
disk, a file made read-only, a server gone or turned read-only) is discarded, and
with it every connection the pool held from before: sqlite3 silently opens a
read-only connection when the file cannot be written at that moment, and a pool
that kept it would fail every write long after the file is writable again.
PostgreSQL connections are also checked before use (`pool_pre_ping`). Whether the
log can be written is known cheaply: the outcome of the last write, or, when
there has been none for a while, a probe (a delete of nothing, rolled back).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
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
    delete,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.engine import URL, Connection, ExceptionContext, make_url
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError, SQLAlchemyError

from .group_commit import GroupCommit
from .loop_commit import LoopGroupCommit
from .writer_turn import WriterTurn

__all__ = ["BUSY_TIMEOUT_S", "DecisionLog", "LoggedDecision", "WriteOutcome", "metadata"]

BUSY_TIMEOUT_S = 30
PURGE_BATCH = 1000
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
    """One row of the log; its fields are the table's columns, by name."""

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

    def row(self) -> dict[str, Any]:
        """The row to insert: one value per field, so a new column is a new field."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class WriteOutcome:
    """Whether the last write (or probe) of the log succeeded, and when (`time.monotonic`)."""

    ok: bool
    at: float
    error: str | None = None


class DecisionLog:
    """Writes and reads decisions; safe to share between threads."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.engine: Engine = _create_engine(url)
        self._commits: GroupCommit[dict[str, Any]] = GroupCommit(
            self._insert, split_on=(IntegrityError,)
        )
        #: per event loop (a test may run several apps, each on its own loop, on one log)
        self._loop_commits: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, LoopGroupCommit[dict[str, Any]]
        ] = weakref.WeakKeyDictionary()
        self._last_write: WriteOutcome | None = None
        self._probe_lock = threading.Lock()
        self._turn = _writers_turn(self.url)

    def close(self) -> None:
        self.engine.dispose()
        if isinstance(self._turn, WriterTurn):
            self._turn.close()

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
        """Store decisions in one transaction (shared with concurrent calls); returns once
        it is committed, raises if it was not."""
        if not entries:
            return
        with self._noting_write():
            self._commits.submit([e.row() for e in entries])

    async def record_async(self, entries: Sequence[LoggedDecision]) -> None:
        """`record` for a coroutine: the same transaction sharing and promise (returns once
        committed, raises if not), waiting on the event loop rather than in a thread."""
        if not entries:
            return
        loop = asyncio.get_running_loop()
        commits = self._loop_commits.get(loop)
        if commits is None:
            # Groups of the loop become one member of the threads' group commit.
            commits = LoopGroupCommit(self._commits.submit, split_on=(IntegrityError,))
            self._loop_commits[loop] = commits
        with self._noting_write():
            await commits.submit([e.row() for e in entries])

    @contextlib.contextmanager
    def _noting_write(self) -> Iterator[None]:
        """Notes whether the log could be written (`writable`); rows at fault do not count."""
        try:
            yield
        except IntegrityError:
            raise  # these rows are at fault, not the log
        except SQLAlchemyError as exc:
            self._last_write = WriteOutcome(False, time.monotonic(), _first_line(exc))
            raise
        self._last_write = WriteOutcome(True, time.monotonic())

    def writable(self, max_age: float) -> WriteOutcome:
        """Whether the log can be written: the last write's outcome if it is under
        `max_age` seconds old, else a probe's (a delete of nothing, rolled back)."""
        last = self._last_write
        if last is not None and time.monotonic() - last.at < max_age:
            return last
        with self._probe_lock:
            last = self._last_write
            if last is not None and time.monotonic() - last.at < max_age:
                return last  # another thread probed meanwhile
            try:
                with self.engine.connect() as connection:
                    transaction = connection.begin()
                    try:
                        connection.execute(delete(decisions).where(decisions.c.id == ""))
                    finally:
                        transaction.rollback()
            except SQLAlchemyError as exc:
                last = WriteOutcome(False, time.monotonic(), _first_line(exc))
            else:
                last = WriteOutcome(True, time.monotonic())
            self._last_write = last
            return last

    def purge(self, before: datetime) -> int:
        """Delete the decisions recorded before `before` (in batches, so that writers are not
        held up for long); how many were deleted."""
        cutoff = before.astimezone(UTC)
        oldest = select(decisions.c.id).where(decisions.c.recorded_at < cutoff).limit(PURGE_BATCH)
        total = 0
        while True:
            with self.engine.begin() as connection:
                deleted = connection.execute(
                    delete(decisions).where(decisions.c.id.in_(oldest))
                ).rowcount
            total += deleted
            if deleted < PURGE_BATCH:
                return total

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

    def _insert(self, rows: Sequence[dict[str, Any]]) -> None:
        with self._turn, self.engine.begin() as connection:
            connection.execute(insert(decisions), list(rows))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
        if parsed.get_backend_name() == "postgresql":
            event.listen(engine, "connect", _postgres_durable)
    event.listen(engine, "handle_error", _discard_failed_connections)
    return engine


def _writers_turn(url: URL) -> contextlib.AbstractContextManager[object]:
    """What a write of decisions holds: its turn among the processes writing one SQLite file."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return contextlib.nullcontext()
    return WriterTurn(Path(f"{url.database}-writers"))


def _discard_failed_connections(context: ExceptionContext) -> None:
    """A connection whose statement failed for operational reasons is not to be trusted.

    Marking the error a disconnect makes SQLAlchemy close this connection and retire
    every other one the pool held (they were opened under the same conditions: a
    file read-only for a moment, a server that has failed over); new ones are opened
    as needed. Integrity and programming errors leave connections alone.
    """
    if isinstance(context.sqlalchemy_exception, OperationalError | InternalError):
        context.is_disconnect = True


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
