"""The decision log on SQLite and on a real PostgreSQL server: schema, durability, concurrency."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from advisor.api import Settings, create_app, decision_log
from advisor.api.decision_log import DecisionLog, LoggedDecision
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from ..conftest import LIBYA_2024
from .conftest import LOCAL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'log.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def log(database_url: str) -> Iterator[DecisionLog]:
    log = DecisionLog(database_url)
    log.migrate()
    yield log
    log.close()


def entry(decision: str = '{"fired": []}') -> LoggedDecision:
    return LoggedDecision(
        id=str(uuid.uuid4()),
        recorded_at=datetime.now(UTC),
        ruleset="sha256:" + "0" * 64,
        profile='{"country": "Libya"}',
        decision=decision,
    )


def test_migrations_create_the_schema_once(log: DecisionLog, database_url: str) -> None:
    log.migrate()  # again: nothing to do
    assert log.schema_is_current()
    engine = create_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"decisions", "tokens", "access_log", "alembic_version"} <= tables
        indexes = {i["name"] for i in inspect(engine).get_indexes("decisions")}
        assert indexes == {
            "ix_decisions_recorded_at",
            "ix_decisions_ruleset",
            "ix_decisions_country",
        }
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
                ("0002",)
            ]
    finally:
        engine.dispose()


def test_schema_is_not_current_before_migrating(database_url: str) -> None:
    log = DecisionLog(database_url)
    try:
        assert not log.schema_is_current()
    finally:
        log.close()


def test_a_recorded_decision_reads_back_exactly(log: DecisionLog) -> None:
    first, second = entry('{\n  "fired": ["a"]\n}'), entry()
    log.record([first, second])
    assert log.get(first.id) == first
    assert log.get(second.id) == second
    assert log.get(str(uuid.uuid4())) is None
    assert log.ids() == {first.id, second.id}


def test_a_batch_is_recorded_whole_or_not_at_all(log: DecisionLog) -> None:
    kept = entry()
    log.record([kept])
    with pytest.raises(IntegrityError):
        log.record([entry(), kept])  # the second repeats an id: the first must not stay
    assert log.ids() == {kept.id}


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    log = DecisionLog(f"sqlite:///{tmp_path / 'log.db'}")
    try:
        with log.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    finally:
        log.close()


def test_postgres_commits_wait_for_the_wal_flush(postgres_url: str) -> None:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    database = make_url(postgres_url).database
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{database}" SET synchronous_commit = off'))
    admin.dispose()
    log = DecisionLog(postgres_url)
    try:
        with log.engine.connect() as connection:
            assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
    finally:
        log.close()


def test_a_recorded_decision_survives_the_writer_being_killed(
    log: DecisionLog, database_url: str, tmp_path: Path
) -> None:
    """`record` returning means committed: a writer SIGKILLed right after loses nothing."""
    decision_id = str(uuid.uuid4())
    script = textwrap.dedent(
        f"""
        import os, signal
        from datetime import UTC, datetime
        from advisor.api.decision_log import DecisionLog, LoggedDecision
        log = DecisionLog({database_url!r})
        log.record([LoggedDecision({decision_id!r}, datetime.now(UTC), "h", "{{}}", "{{}}")])
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], timeout=60, check=False)
    assert result.returncode == -9
    assert log.get(decision_id) is not None


def test_processes_writing_one_sqlite_file_wait_for_each_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    log = DecisionLog(url)
    log.migrate()
    script = textwrap.dedent(
        f"""
        import uuid
        from datetime import UTC, datetime
        from advisor.api.decision_log import DecisionLog, LoggedDecision
        log = DecisionLog({url!r})
        for _ in range(100):
            log.record([LoggedDecision(str(uuid.uuid4()), datetime.now(UTC), "h", "{{}}", "{{}}")])
        """
    )
    writers = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    try:
        assert len(log.ids()) == 300
    finally:
        log.close()


def test_the_service_records_on_postgres(settings: Settings, postgres_url: str) -> None:
    app = create_app(settings.model_copy(update={"database_url": postgres_url}))
    with TestClient(app, client=LOCAL) as client:
        answer = client.post("/v1/recommendations", json=LIBYA_2024).json()
        record = client.get(f"/v1/decisions/{answer['decision_id']}").json()
        assert client.get("/readyz").json()["status"] == "ready"
    assert record["decision"]["rules"] == answer["rules"]
    log = DecisionLog(postgres_url)
    try:
        assert log.ids() == {answer["decision_id"]}
    finally:
        log.close()


def test_concurrent_records_are_all_committed(log: DecisionLog) -> None:
    """Group commit under real threads: every record returns with its rows in the log."""
    barrier = threading.Barrier(16)
    recorded: list[str] = []

    def writer() -> None:
        barrier.wait()
        for _ in range(10):
            e = entry()
            log.record([e])
            recorded.append(e.id)

    threads = [threading.Thread(target=writer) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(recorded) == 160
    assert log.ids() == set(recorded)


def test_a_duplicate_among_concurrent_records_fails_alone(log: DecisionLog) -> None:
    kept = entry()
    log.record([kept])
    barrier = threading.Barrier(8)
    outcomes: dict[int, str] = {}

    def writer(n: int) -> None:
        barrier.wait()
        try:
            log.record([kept if n == 0 else entry()])
        except IntegrityError:
            outcomes[n] = "refused"
        else:
            outcomes[n] = "recorded"

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == {0: "refused", **dict.fromkeys(range(1, 8), "recorded")}
    assert len(log.ids()) == 8


def test_concurrent_coroutines_records_are_all_committed_sharing_transactions(
    log: DecisionLog,
) -> None:
    """`record_async` from many coroutines of one loop: every call returns with its rows in
    the log, and calls waiting together went to the database together."""
    recorded: list[str] = []
    commits: list[object] = []
    event.listen(log.engine, "commit", commits.append)

    async def client() -> None:
        for _ in range(10):
            e = entry()
            await log.record_async([e])
            recorded.append(e.id)

    async def scenario() -> None:
        await asyncio.gather(*(client() for _ in range(16)))

    asyncio.run(scenario())
    assert len(recorded) == 160
    assert log.ids() == set(recorded)
    assert len(commits) < len(recorded)


def test_a_duplicate_among_concurrent_coroutine_records_fails_alone(log: DecisionLog) -> None:
    kept = entry()
    log.record([kept])
    outcomes: dict[int, str] = {}

    async def client(n: int) -> None:
        try:
            await log.record_async([kept if n == 0 else entry()])
        except IntegrityError:
            outcomes[n] = "refused"
        else:
            outcomes[n] = "recorded"

    async def scenario() -> None:
        await asyncio.gather(*(client(n) for n in range(8)))

    asyncio.run(scenario())
    assert outcomes == {0: "refused", **dict.fromkeys(range(1, 8), "recorded")}
    assert len(log.ids()) == 8


def test_every_acknowledged_coroutine_record_survives_a_kill_mid_load(
    log: DecisionLog, database_url: str
) -> None:
    """As below, with coroutines on one event loop (the service's way): each id printed
    once `record_async` returns is in the log after the process is killed mid-load."""
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal, uuid
        from datetime import UTC, datetime
        from advisor.api.decision_log import DecisionLog, LoggedDecision
        log = DecisionLog({database_url!r})
        acknowledged = 0

        async def client():
            global acknowledged
            while True:
                entry = LoggedDecision(str(uuid.uuid4()), datetime.now(UTC), "h", "{{}}", "{{}}")
                await log.record_async([entry])
                os.write(1, (entry.id + "\\n").encode())
                acknowledged += 1
                if acknowledged == 200:
                    os.kill(os.getpid(), signal.SIGKILL)

        async def main():
            await asyncio.gather(*(client() for _ in range(16)))

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == -9, result.stderr
    acknowledged = set(result.stdout.split())
    assert len(acknowledged) >= 200
    assert acknowledged <= log.ids()


def test_every_acknowledged_record_survives_a_kill_mid_load(
    log: DecisionLog, database_url: str
) -> None:
    """Threads record and print each id once `record` returns; the process is then killed
    while others are still committing. Every id printed is in the log."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys, threading, uuid
        from datetime import UTC, datetime
        from advisor.api.decision_log import DecisionLog, LoggedDecision
        log = DecisionLog({database_url!r})
        lock = threading.Lock()
        acknowledged = 0

        def writer():
            global acknowledged
            while True:
                entry = LoggedDecision(str(uuid.uuid4()), datetime.now(UTC), "h", "{{}}", "{{}}")
                log.record([entry])
                with lock:
                    os.write(1, (entry.id + "\\n").encode())
                    acknowledged += 1
                    if acknowledged == 200:
                        os.kill(os.getpid(), signal.SIGKILL)

        for _ in range(8):
            threading.Thread(target=writer, daemon=True).start()
        threading.Event().wait()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == -9, result.stderr
    acknowledged = set(result.stdout.split())
    assert len(acknowledged) >= 200
    assert acknowledged <= log.ids()


def test_the_log_says_whether_it_can_be_written(log: DecisionLog, database_url: str) -> None:
    outcome = log.writable(max_age=0)
    assert outcome.ok
    assert outcome.error is None
    fresh = DecisionLog(database_url.replace("/log.db", "/empty.db"))
    try:
        if fresh.url.get_backend_name() == "sqlite":
            refused = fresh.writable(max_age=0)  # no table to write to
            assert not refused.ok
            assert refused.error is not None
            assert "decisions" in refused.error
    finally:
        fresh.close()


def test_purge_deletes_only_what_is_older_than_the_cutoff(
    log: DecisionLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decision_log, "PURGE_BATCH", 3)  # several batches
    now = datetime.now(UTC)
    old = [dataclasses.replace(entry(), recorded_at=now - timedelta(days=40)) for _ in range(7)]
    recent = [dataclasses.replace(entry(), recorded_at=now - timedelta(days=20)) for _ in range(2)]
    log.record([*old, *recent])
    assert log.purge(now - timedelta(days=30)) == 7
    assert log.ids() == {e.id for e in recent}
    assert log.purge(now - timedelta(days=30)) == 0
