"""Retention: the service purges old decisions by itself, and `advisor decisions purge` does too."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from advisor.api import Settings, create_app
from advisor.api.decision_log import DecisionLog, LoggedDecision
from fastapi.testclient import TestClient

from ..conftest import LIBYA_2024
from .conftest import LOCAL


def entry(age_days: float) -> LoggedDecision:
    return LoggedDecision(
        id=str(uuid.uuid4()),
        recorded_at=datetime.now(UTC) - timedelta(days=age_days),
        ruleset="sha256:" + "0" * 64,
        profile="{}",
        decision="{}",
    )


@pytest.fixture
def aged_log(tmp_path: Path) -> tuple[str, list[LoggedDecision], list[LoggedDecision]]:
    """A SQLite log holding decisions 100 and 40 days old (old) and 10 days old (recent)."""
    url = f"sqlite:///{tmp_path / 'aged.db'}"
    log = DecisionLog(url)
    log.migrate()
    old = [entry(100), entry(40)]
    recent = [entry(10)]
    log.record([*old, *recent])
    log.close()
    return url, old, recent


def ids_in(url: str) -> set[str]:
    log = DecisionLog(url)
    try:
        return log.ids()
    finally:
        log.close()


def purge(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "advisor.cli", "decisions", "purge", *args]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**clean, **(env or {})},
    )


def test_the_service_purges_what_is_past_retention(
    settings: Settings, aged_log: tuple[str, list[LoggedDecision], list[LoggedDecision]]
) -> None:
    url, old, recent = aged_log
    kept = {"database_url": url, "retention_days": 30, "purge_interval": 0.1}
    with TestClient(create_app(settings.model_copy(update=kept)), client=LOCAL) as client:
        given = client.post("/v1/recommendations", json=LIBYA_2024).json()["decision_id"]
        deadline = time.monotonic() + 60
        while any(e.id in ids_in(url) for e in old):
            assert time.monotonic() < deadline, "the old decisions were never purged"
            time.sleep(0.05)
        assert client.get(f"/v1/decisions/{given}").status_code == 200
    assert ids_in(url) == {given, *(e.id for e in recent)}


def test_without_retention_the_service_keeps_everything(
    settings: Settings, aged_log: tuple[str, list[LoggedDecision], list[LoggedDecision]]
) -> None:
    url, old, recent = aged_log
    forever = {"database_url": url, "purge_interval": 0.1}
    with TestClient(create_app(settings.model_copy(update=forever)), client=LOCAL) as client:
        assert client.get("/readyz").status_code == 200
        assert "log-purger" not in {thread.name for thread in threading.enumerate()}
    assert {e.id for e in [*old, *recent]} <= ids_in(url)


def test_purge_command_deletes_decisions_older_than_days(
    aged_log: tuple[str, list[LoggedDecision], list[LoggedDecision]],
) -> None:
    url, _old, recent = aged_log
    done = purge("--days", "30", "--database-url", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("purged 2 decision(s) recorded before ")
    assert ids_in(url) == {e.id for e in recent}
    again = purge("--days", "30", "--database-url", url)
    assert again.stdout.startswith("purged 0 decision(s)")


def test_purge_command_reads_the_environment(
    aged_log: tuple[str, list[LoggedDecision], list[LoggedDecision]],
) -> None:
    url, old, recent = aged_log
    done = purge(env={"ADVISOR_RETENTION_DAYS": "50", "ADVISOR_DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert ids_in(url) == {old[1].id, recent[0].id}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --days N or set ADVISOR_RETENTION_DAYS"),
        (("--days", "0"), "must be at least 1 day"),
        (("--days", "soon"), "not a whole number of days"),
        (("--days", "3", "--database-url", "sqlite:///nowhere/log.db"), "no such database file"),
    ],
)
def test_purge_command_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    done = purge(*args)
    assert done.returncode == 2
    assert message in done.stderr


def test_purge_command_refuses_a_database_without_a_log(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    done = purge("--days", "3", "--database-url", f"sqlite:///{other}")
    assert done.returncode == 2
    assert "holds no decision log" in done.stderr


def test_purge_command_on_an_unreachable_database_exits_4() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=5"
    done = purge("--days", "3", "--database-url", url)
    assert done.returncode == 4
    assert "cannot be purged" in done.stderr
