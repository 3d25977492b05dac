"""Group commit: who shares a transaction, who is told what, and when.

The writer here records what it was given and can be held mid-commit, so the
tests decide exactly who arrives during a commit; the decision log's own tests
(test_decision_log.py) run the same class against SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from advisor.api.group_commit import GroupCommit


class BadRow(Exception):
    pass


class Disk(Exception):
    pass


class Writer:
    """Commits (records) rows; the first commit waits for `release`; raises on 'bad' rows."""

    def __init__(self) -> None:
        self.commits: list[list[str]] = []
        self.events: list[str] = []
        self.release = threading.Event()
        self.fail_with: Exception | None = None
        self._lock = threading.Lock()

    def __call__(self, rows: Sequence[str]) -> None:
        if not self.commits:
            self.release.wait(timeout=60)
        if self.fail_with is not None:
            raise self.fail_with
        if "bad" in rows:
            raise BadRow(rows)
        with self._lock:
            self.commits.append(list(rows))
            self.events.extend(f"committed {row}" for row in rows)

    def acknowledged(self, row: str) -> None:
        with self._lock:
            self.events.append(f"acknowledged {row}")


def submit_all(
    commit: GroupCommit[str], writer: Writer, names: list[str]
) -> tuple[list[threading.Thread], dict[str, BaseException]]:
    """The first name leads and is held mid-commit; the others queue behind it."""
    errors: dict[str, BaseException] = {}

    def submit(name: str) -> None:
        try:
            commit.submit([name])
        except Exception as exc:
            errors[name] = exc
        else:
            writer.acknowledged(name)

    threads = [threading.Thread(target=submit, args=(name,)) for name in names]
    threads[0].start()
    wait_until(lambda: commit.queued == 0 and commit.leading)
    for thread in threads[1:]:
        thread.start()
    wait_until(lambda: commit.queued == len(names) - 1)
    writer.release.set()
    for thread in threads:
        thread.join(timeout=60)
    return threads, errors


def wait_until(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.001)


def test_requests_arriving_during_a_commit_share_the_next_one() -> None:
    writer = Writer()
    commit = GroupCommit(writer)
    submit_all(commit, writer, ["a", "b", "c", "d", "e"])
    assert writer.commits[0] == ["a"]
    assert sorted(writer.commits[1]) == ["b", "c", "d", "e"]
    assert (commit.groups, commit.members) == (2, 5)


def test_each_is_acknowledged_only_after_its_own_commit() -> None:
    writer = Writer()
    submit_all(GroupCommit(writer), writer, ["a", "b", "c"])
    for row in "abc":
        assert writer.events.index(f"committed {row}") < writer.events.index(f"acknowledged {row}")


def test_a_bad_row_fails_its_own_request_only() -> None:
    writer = Writer()
    commit = GroupCommit(writer, split_on=(BadRow,))
    _, errors = submit_all(commit, writer, ["a", "b", "bad", "c"])
    assert set(errors) == {"bad"}
    assert isinstance(errors["bad"], BadRow)
    assert sorted(row for rows in writer.commits for row in rows) == ["a", "b", "c"]


def test_a_failed_commit_fails_every_request_in_it() -> None:
    writer = Writer()
    writer.fail_with = Disk("disk full")
    _, errors = submit_all(GroupCommit(writer, split_on=(BadRow,)), writer, ["a", "b", "c"])
    assert set(errors) == {"a", "b", "c"}
    assert all(isinstance(e, Disk) for e in errors.values())
    assert writer.commits == []


def test_groups_are_capped() -> None:
    writer = Writer()
    commit = GroupCommit(writer, max_members=2)
    submit_all(commit, writer, ["a", "b", "c", "d", "e"])
    assert [len(rows) for rows in writer.commits] == [1, 2, 2]


def test_an_idle_commit_runs_at_once_in_the_callers_thread() -> None:
    seen: list[str] = []
    commit = GroupCommit(lambda rows: seen.append(threading.current_thread().name))
    commit.submit(["a"])
    assert seen == [threading.current_thread().name]
    assert not commit.leading


@pytest.mark.parametrize("threads", [16])
def test_many_threads_each_get_their_rows_committed_once(threads: int) -> None:
    committed: list[str] = []
    commit = GroupCommit(committed.extend)
    barrier = threading.Barrier(threads)

    def work(n: int) -> None:
        barrier.wait()
        for i in range(50):
            commit.submit([f"{n}-{i}"])

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(committed) == sorted(f"{n}-{i}" for n in range(threads) for i in range(50))
    assert not commit.leading
    assert commit.queued == 0
