"""Group commit: requests writing at the same time share one transaction, so one disk sync.

Each decision must be durable before its client hears of it, and a durable commit
costs a sync of the log to disk (milliseconds; about 3.5 ms on the machine the
benchmarks ran on), whatever its size. One commit per request caps a worker at a
few hundred decisions a second, and the commits of the workers queue for SQLite's
one write lock. Here, the requests that arrive while a commit is under way wait
for it to finish and then go to disk together in the next one.

Leader and followers, not a writer thread. The first request to arrive when no
commit is under way leads: it commits its own rows at once (an idle service adds
no latency and no thread hop). Requests arriving meanwhile queue up as followers.
When the leader's commit is over it settles its group (each member learns its
outcome), hands the lead to the oldest follower, and returns to its client; the
new leader commits everything queued so far as one group. No thread runs when
nothing is written, a failure reaches exactly the requests whose rows it concerns,
and nobody waits for a timer: the group is whatever arrived during the last sync.

A member is told "done" only after the transaction holding its rows has
committed, so the guarantee of one commit per request stands: acknowledged means
durable. If a group's transaction fails with an error that one member's rows can
cause (a duplicate id: `split_on`), each member is written again on its own, so
one bad row fails its own request only. Any other error (the disk, the
connection) fails every member of the group: none of them was recorded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["GroupCommit"]

Row = TypeVar("Row")

_WAITING, _LEADING, _DONE = "waiting", "leading", "done"


class _Member(Generic[Row]):
    """One request's rows, and what became of them."""

    __slots__ = ("error", "rows", "state", "wake")

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows
        self.state = _WAITING
        self.error: BaseException | None = None
        self.wake = threading.Event()


class GroupCommit(Generic[Row]):
    """Writes rows through `write` (one transaction per call, returning once committed),
    grouping the rows of concurrent `submit` calls into one transaction."""

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
        self._lock = threading.Lock()
        self._queue: list[_Member[Row]] = []
        self._leading = False
        #: transactions written, and the requests they held (members / groups: the sharing)
        self.groups = 0
        self.members = 0

    @property
    def queued(self) -> int:
        """Requests waiting for the commit under way to finish."""
        with self._lock:
            return len(self._queue)

    @property
    def leading(self) -> bool:
        """Whether a commit is under way."""
        return self._leading

    def submit(self, rows: Sequence[Row]) -> None:
        """Return once `rows` are committed; raise what the commit raised if they are not."""
        member = _Member(rows)
        with self._lock:
            self._queue.append(member)
            if not self._leading:
                self._leading = True
                member.state = _LEADING
        if member.state != _LEADING:
            member.wake.wait()
        if member.state == _LEADING:
            self._lead()
        if member.error is not None:
            raise member.error

    def _lead(self) -> None:
        with self._lock:
            group = self._queue[: self._max_members]
            del self._queue[: self._max_members]
        try:
            self._commit(group)
        finally:
            with self._lock:
                self.groups += 1
                self.members += len(group)
                successor = self._queue[0] if self._queue else None
                if successor is None:
                    self._leading = False
                else:
                    successor.state = _LEADING
            for member in group:
                member.state = _DONE
                member.wake.set()
            if successor is not None:
                successor.wake.set()

    def _commit(self, group: list[_Member[Row]]) -> None:
        try:
            self._write([row for member in group for row in member.rows])
        except self._split_on as exc:
            if len(group) == 1:
                group[0].error = exc
                return
            for member in group:  # whose rows are at fault: each on its own
                try:
                    self._write(member.rows)
                except BaseException as own:
                    member.error = own
        except BaseException as exc:
            for member in group:
                member.error = exc
