"""Processes writing one SQLite log take turns through a lock file beside it."""

from __future__ import annotations

import select
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from advisor.api.decision_log import DecisionLog
from advisor.api.writer_turn import WriterTurn

from .test_decision_log import entry


def test_another_process_waits_for_the_turn_and_gets_it_once_released(tmp_path: Path) -> None:
    lock = tmp_path / "log.db-writers"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from advisor.api.writer_turn import WriterTurn
        turn = WriterTurn(Path({str(lock)!r}))
        print("waiting", flush=True)
        with turn:
            print("in", flush=True)
        """
    )
    with WriterTurn(lock):
        other = subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, bufsize=1
        )
        try:
            assert other.stdout is not None
            assert other.stdout.readline().strip() == "waiting"
            readable, _, _ = select.select([other.stdout], [], [], 1.0)
            assert readable == []  # still waiting while this process holds the turn
        except BaseException:
            other.kill()
            raise
    assert other.stdout.readline().strip() == "in"
    assert other.wait(timeout=60) == 0


def test_threads_of_one_process_take_turns_too(tmp_path: Path) -> None:
    turn = WriterTurn(tmp_path / "log.db-writers")
    inside: list[int] = []
    overlaps: list[int] = []

    def writer() -> None:
        for _ in range(200):
            with turn:
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(len(inside))
                inside.pop()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert overlaps == []
    turn.close()


def test_without_a_lock_file_writes_go_on(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    turn = WriterTurn(tmp_path / "missing-directory" / "log.db-writers")
    entered = False
    with turn:  # no lock to take: the write waits in SQLite's busy handler instead
        entered = True
    assert entered
    assert "no writers' queue" in caplog.text


def test_a_sqlite_log_writes_through_its_turn(tmp_path: Path) -> None:
    log = DecisionLog(f"sqlite:///{tmp_path / 'log.db'}")
    log.migrate()
    try:
        log.record([entry()])
        assert (tmp_path / "log.db-writers").exists()
        assert len(log.ids()) == 1
    finally:
        log.close()
