"""Group commit on an event loop: who shares a transaction, who is told what, and when.

The same writer as test_group_commit.py (it records what it was given and holds its
first commit until released), driven by coroutines on one loop; the decision log's
tests run the class against SQLite and PostgreSQL through `DecisionLog.record_async`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest
from advisor.api.loop_commit import LoopGroupCommit

from .test_group_commit import BadRow, Disk, Writer


async def submit_all(
    commit: LoopGroupCommit[str], writer: Writer, names: list[str]
) -> dict[str, BaseException]:
    """The first name's commit is held under way while the others queue behind it."""
    errors: dict[str, BaseException] = {}

    async def submit(name: str) -> None:
        try:
            await commit.submit([name])
        except Exception as exc:
            errors[name] = exc
        else:
            writer.acknowledged(name)

    first = asyncio.create_task(submit(names[0]))
    await until(lambda: commit.committing and commit.queued == 0)
    others = [asyncio.create_task(submit(name)) for name in names[1:]]
    await until(lambda: commit.queued == len(names) - 1)
    writer.release.set()
    await asyncio.wait_for(asyncio.gather(first, *others), timeout=60)
    return errors


async def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.001)


def test_requests_arriving_during_a_commit_share_the_next_one() -> None:
    writer = Writer()
    commit: LoopGroupCommit[str] = LoopGroupCommit(writer)
    asyncio.run(submit_all(commit, writer, ["a", "b", "c", "d", "e"]))
    assert writer.commits[0] == ["a"]
    assert sorted(writer.commits[1]) == ["b", "c", "d", "e"]
    assert (commit.groups, commit.members) == (2, 5)
    assert not commit.committing


def test_each_is_acknowledged_only_after_its_own_commit() -> None:
    writer = Writer()
    asyncio.run(submit_all(LoopGroupCommit(writer), writer, ["a", "b", "c"]))
    for row in "abc":
        assert writer.events.index(f"committed {row}") < writer.events.index(f"acknowledged {row}")


def test_a_bad_row_fails_its_own_request_only() -> None:
    writer = Writer()
    commit: LoopGroupCommit[str] = LoopGroupCommit(writer, split_on=(BadRow,))
    errors = asyncio.run(submit_all(commit, writer, ["a", "b", "bad", "c"]))
    assert set(errors) == {"bad"}
    assert isinstance(errors["bad"], BadRow)
    assert sorted(row for rows in writer.commits for row in rows) == ["a", "b", "c"]


def test_a_failed_commit_fails_every_request_in_it() -> None:
    writer = Writer()
    writer.fail_with = Disk("disk full")
    commit: LoopGroupCommit[str] = LoopGroupCommit(writer, split_on=(BadRow,))
    errors = asyncio.run(submit_all(commit, writer, ["a", "b", "c"]))
    assert set(errors) == {"a", "b", "c"}
    assert all(isinstance(e, Disk) for e in errors.values())
    assert writer.commits == []


def test_groups_are_capped() -> None:
    writer = Writer()
    commit: LoopGroupCommit[str] = LoopGroupCommit(writer, max_members=2)
    asyncio.run(submit_all(commit, writer, ["a", "b", "c", "d", "e"]))
    assert [len(rows) for rows in writer.commits] == [1, 2, 2]


def test_the_write_runs_in_a_worker_thread_not_on_the_loop() -> None:
    seen: list[str] = []
    commit: LoopGroupCommit[str] = LoopGroupCommit(
        lambda rows: seen.append(threading.current_thread().name)
    )

    async def one() -> str:
        await commit.submit(["a"])
        return threading.current_thread().name

    loop_thread = asyncio.run(one())
    assert len(seen) == 1
    assert seen != [loop_thread]
    assert not commit.committing


def test_a_request_cancelled_while_waiting_leaves_the_others_answered() -> None:
    writer = Writer()
    commit: LoopGroupCommit[str] = LoopGroupCommit(writer)

    async def scenario() -> None:
        first = asyncio.create_task(commit.submit(["a"]))
        await until(lambda: commit.committing and commit.queued == 0)
        cancelled = asyncio.create_task(commit.submit(["b"]))
        kept = asyncio.create_task(commit.submit(["c"]))
        await until(lambda: commit.queued == 2)
        cancelled.cancel()
        writer.release.set()
        await asyncio.wait_for(asyncio.gather(first, kept), timeout=60)
        assert cancelled.cancelled()

    asyncio.run(scenario())
    # The cancelled request's row went with its group: nobody is left half-written.
    assert sorted(row for rows in writer.commits for row in rows) == ["a", "b", "c"]
    assert not commit.committing


@pytest.mark.parametrize("clients", [16])
def test_many_coroutines_each_get_their_rows_committed_once(clients: int) -> None:
    committed: list[str] = []
    commit: LoopGroupCommit[str] = LoopGroupCommit(committed.extend)

    async def client(n: int) -> None:
        for i in range(50):
            await commit.submit([f"{n}-{i}"])

    async def scenario() -> None:
        await asyncio.gather(*(client(n) for n in range(clients)))

    asyncio.run(scenario())
    assert sorted(committed) == sorted(f"{n}-{i}" for n in range(clients) for i in range(50))
    assert commit.groups < commit.members  # they did share
    assert not commit.committing
    assert commit.queued == 0
