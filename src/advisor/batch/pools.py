"""Who evaluates the partitions: this process, local worker processes, or a Dask cluster
(`cluster`); and the loop that hands them out and takes the results back in order.

A few partitions per worker are in flight at once, so workers never wait for the
writer, and memory stays bounded however long the input.
"""

from __future__ import annotations

import concurrent.futures
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from .evaluate import RulePackage, evaluate_rows, start_worker
from .rows import Payload, Result, Row, Shape

__all__ = ["InlinePool", "Pending", "Pool", "ProcessPool", "Stopped", "in_order"]

#: how often a wait for a partition looks whether the user asked to stop (seconds)
POLL = 0.2


class Stopped(Exception):
    """The user asked to stop (Ctrl-C): the results so far are written, no more."""


class Pending(Protocol):
    """A partition handed out: concurrent.futures' and Dask's futures both fit."""

    def result(self, timeout: float | None = None) -> list[Result]: ...


class Pool(Protocol):
    """Evaluates partitions; `ahead` of them may be in flight at once."""

    ahead: int

    def submit(self, payloads: list[Payload]) -> Pending: ...

    def close(self) -> None: ...


class _Done:
    def __init__(self, results: list[Result]) -> None:
        self._results = results

    def result(self, timeout: float | None = None) -> list[Result]:
        return self._results


class InlinePool:
    """Evaluates each partition here, as it is handed out (`--workers 1`)."""

    ahead = 1

    def __init__(self, rules: RulePackage, shape: Shape) -> None:
        self._rules = rules
        self._shape = shape

    def submit(self, payloads: list[Payload]) -> Pending:
        return _Done(evaluate_rows(self._rules, payloads, self._shape))

    def close(self) -> None:
        pass


class ProcessPool:
    """`workers` local processes, each compiling the rule set once when it starts."""

    def __init__(self, rules: RulePackage, shape: Shape, workers: int) -> None:
        self.ahead = 2 * workers + 1
        self._key = rules.content_hash
        self._shape = shape
        self._executor = concurrent.futures.ProcessPoolExecutor(
            workers, initializer=start_worker, initargs=(rules,)
        )

    def submit(self, payloads: list[Payload]) -> Pending:
        return self._executor.submit(evaluate_rows, self._key, payloads, self._shape)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def in_order(
    pool: Pool, partitions: Iterable[list[Row]], stopping: Callable[[], bool]
) -> Iterator[tuple[list[Row], Sequence[Result]]]:
    """Each partition with its results, in input order, `pool.ahead` in flight at once.

    Raises `Stopped` when `stopping()` turns true, between two partitions' results."""
    flight: deque[tuple[list[Row], Pending]] = deque()
    source = iter(partitions)
    while True:
        while len(flight) < pool.ahead:
            rows = next(source, None)
            if rows is None:
                break
            flight.append((rows, pool.submit([row.payload for row in rows])))
        if not flight:
            return
        rows, pending = flight.popleft()
        yield rows, _wait(pending, stopping)
        if stopping():
            raise Stopped


def _wait(pending: Pending, stopping: Callable[[], bool]) -> list[Result]:
    while True:
        try:
            return pending.result(timeout=POLL)
        except TimeoutError:
            if stopping():
                raise Stopped from None
