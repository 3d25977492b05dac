"""Faults heal by themselves: a decision log that cannot be written for a while, then can.

While the log cannot be written the service answers 503 and /readyz says why;
once it can, writes succeed again at once, under load, with no restart. Each
test prints how long healing took (run with -s to see it).

The faults are real. SQLite: the database file is made read-only while a worker
that has just started (the one before it was killed) opens its connections,
which sqlite3 then opens read-only without a word; chmod does not stop root, so
under root the service runs without the capabilities that let root ignore it. PostgreSQL: the
database is turned read-only for new sessions and the service's sessions are
ended, so the ones it opens next are read-only.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from advisor.api import Settings
from advisor.api.decision_log import DecisionLog
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .live import live_server
from .server import WITHOUT_FILE_OVERRIDE, advisor_server
from .steady_load import SteadyLoad, steady_load

pytestmark = pytest.mark.slow


def wait_for_readiness(base_url: str, status: int, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{base_url}/readyz", timeout=30)
        if response.status_code == status:
            return response
        assert time.monotonic() < deadline, f"/readyz stayed {response.status_code}"
        time.sleep(0.1)


def check_no_decision_lost(load: SteadyLoad, database_url: str) -> None:
    """Only 200 and 503 (or no answer, around a killed worker); every decision given is logged."""
    assert {a.status for a in load.answers} <= {200, 503, None}
    log = DecisionLog(database_url)
    try:
        assert load.acknowledged() <= log.ids()
    finally:
        log.close()


def test_a_sqlite_log_made_read_only_for_a_while_heals(tmp_path: Path, rules_dir: Path) -> None:
    if os.geteuid() == 0 and shutil.which(WITHOUT_FILE_OVERRIDE[0]) is None:
        pytest.skip("running as root without setpriv: a read-only file would not stop the server")
    database = tmp_path / "log.db"
    url = f"sqlite:///{database}"
    with (
        advisor_server(tmp_path, rules_dir, url, workers=1, honour_permissions=True) as server,
        steady_load(server.base_url) as load,
    ):
        (worker,) = server.worker_pids(1)
        load.first(200, since=0)
        os.chmod(database, 0o444)
        # The worker that replaces this one opens its connections while the file is read-only.
        os.kill(worker, signal.SIGKILL)
        load.first(503, since=time.monotonic())
        problem = wait_for_readiness(server.base_url, 503).json()["error"]["problems"][0]
        assert problem["code"] == "log-not-writable"
        assert "readonly" in problem["message"]
        os.chmod(database, 0o644)
        writable_again = time.monotonic()
        healed = load.first(200, since=writable_again)
        wait_for_readiness(server.base_url, 200)
    print(f"\nSQLite: writes succeeded again {healed.started - writable_again:.2f} s after")
    check_no_decision_lost(load, url)


def test_a_postgres_log_turned_read_only_for_a_while_heals(
    settings: Settings, postgres_url: str
) -> None:
    database = make_url(postgres_url).database
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")

    def read_only(on: bool) -> None:
        with admin.connect() as connection:
            value = "on" if on else "off"
            connection.execute(
                text(f'ALTER DATABASE "{database}" SET default_transaction_read_only = {value}')
            )
            if on:  # end the service's sessions: those it opens next are read-only
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": database},
                )

    try:
        with (
            live_server(settings.model_copy(update={"database_url": postgres_url})) as server,
            steady_load(server.base_url) as load,
        ):
            load.first(200, since=0)
            read_only(True)
            load.first(503, since=time.monotonic())
            problem = wait_for_readiness(server.base_url, 503).json()["error"]["problems"][0]
            assert problem["code"] == "log-not-writable"
            assert "read-only transaction" in problem["message"]
            read_only(False)
            writable_again = time.monotonic()
            healed = load.first(200, since=writable_again)
            wait_for_readiness(server.base_url, 200)
    finally:
        admin.dispose()
    print(f"\nPostgreSQL: writes succeeded again {healed.started - writable_again:.2f} s after")
    check_no_decision_lost(load, postgres_url)
