"""Group commit for coroutines: the requests of one event loop share a transaction and a
thread hop.

`GroupCommit` (api/group_commit.py) groups threads: each request waits in a
worker thread of its own for its commit. A request that is decided on the event
loop would then take a thread hop only to wait, and the worker threads, woken one
by one, pass the GIL back and forth with the loop. Here the waiting is done on the
loop: each request queues its rows with a future and awaits it; one task, started
when rows arrive and none is running, writes everything queued so far in one
worker thread (one hop for the group), settles each future, and goes on while
rows are queued. Nothing runs when nothing is written.

The same promises as `GroupCommit`: a future is settled only after the transaction
holding its rows has committed (acknowledged means durable); an error one member's
rows can cause (`split_on`) makes each member be written again on its own, so one
bad row fails its own request only; any other error fails every member of the
group. A request cancelled while it waits does not take its rows back: they are
written with the group, as they would have been by a thread that was no longer
listened to.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

__all__ = ["LoopGroupCommit"]

Row = TypeVar("Row")


class _Member(Generic[Row]):
    """One request's rows and the future it awaits."""

    __slots__ = ("done", "rows")

    def __init__(self, rows: Sequence[Row], done: asyncio.Future[None]) -> None:
        self.rows = rows
        self.done = done


class LoopGroupCommit(Generic[Row]):
    """Writes rows through `write` (blocking; one transaction per call, returning once
    committed) in a worker thread, grouping the rows of concurrent `submit` calls made on
    one event loop."""

    def __init__(
        self,
        write: Callable[[Sequence[Row]], None],
        *,
        split_on: tuple[type[BaseException], ...] = (),
        max_members: int = 64,
    ) -> None:
        self._write = write
        self._split_on = split_on
        self._max_members = max_members
        self._queue: deque[_Member[Row]] = deque()
        self._committer: asyncio.Task[None] | None = None
        #: transactions written, and the requests they held (members / groups: the sharing)
        self.groups = 0
        self.members = 0

    @property
    def queued(self) -> int:
        """Requests whose rows are not yet being written."""
        return len(self._queue)

    @property
    def committing(self) -> bool:
        """Whether the committing task is running."""
        return self._committer is not None

    async def submit(self, rows: Sequence[Row]) -> None:
        """Return once `rows` are committed; raise what the commit raised if they are not."""
        loop = asyncio.get_running_loop()
        member = _Member(rows, loop.create_future())
        self._queue.append(member)
        if self._committer is None:
            self._committer = loop.create_task(self._commit_queued())
        await member.done

    async def _commit_queued(self) -> None:
        group: list[_Member[Row]] = []
        try:
            while self._queue:
                size = min(len(self._queue), self._max_members)
                group = [self._queue.popleft() for _ in range(size)]
                errors = await run_in_threadpool(self._commit, [m.rows for m in group])
                self.groups += 1
                self.members += len(group)
                for member, error in zip(group, errors, strict=True):
                    if member.done.done():  # its request was cancelled meanwhile
                        continue
                    if error is None:
                        member.done.set_result(None)
                    else:
                        member.done.set_exception(error)
                group = []
        except BaseException:
            # Cancelled (the loop is closing) or broken: nobody may wait for ever. Whether the
            # group under way was committed is unknown, so its members are not told it was.
            for member in (*group, *self._queue):
                if not member.done.done():
                    member.done.cancel()
            self._queue.clear()
            raise
        finally:
            self._committer = None

    def _commit(self, group: list[Sequence[Row]]) -> list[BaseException | None]:
        """In a worker thread: write the group; each member's error, or None."""
        try:
            self._write([row for rows in group for row in rows])
        except self._split_on as exc:
            if len(group) == 1:
                return [exc]
            return [self._alone(rows) for rows in group]  # whose rows are at fault
        except Exception as exc:
            return [exc] * len(group)
        return [None] * len(group)

    def _alone(self, rows: Sequence[Row]) -> BaseException | None:
        try:
            self._write(rows)
        except Exception as exc:
            return exc
        return None
