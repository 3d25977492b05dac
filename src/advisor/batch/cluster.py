"""`--scheduler tcp://HOST:PORT`: the partitions evaluated on a Dask distributed cluster.

Dask does the distributing: this process reads the inputs, submits partitions as
tasks and writes their results in order, as a local run does. The rule set is
scattered to the workers once, as its content (`RulePackage`), and each worker process
compiles it the first time a task needs it, keyed by its content hash; a worker needs
the `cooperation-advisor` package, no rule files. A worker that dies takes its tasks
with it; the scheduler runs them again elsewhere (Dask's `allowed-failures`), so the
output is still whole and in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from .evaluate import RulePackage, evaluate_rows
from .pools import Pending
from .rows import Payload, Shape

__all__ = ["INSTALL", "ClusterError", "DaskPool"]

INSTALL = "--scheduler needs Dask: pip install 'cooperation-advisor[dask]'"


class ClusterError(Exception):
    """The cluster could not be reached (`unreachable`), or failed the batch."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class DaskPool:
    """Partitions as tasks on a Dask cluster; a few per worker thread in flight."""

    def __init__(self, address: str, rules: RulePackage, shape: Shape, timeout: float) -> None:
        try:
            import distributed
        except ImportError:
            raise ClusterError(INSTALL, unreachable=True) from None
        client: Any = distributed.Client
        try:
            self._client: Any = client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            message = f"cannot reach the Dask scheduler at {address}: {exc}"
            raise ClusterError(message, unreachable=True) from None
        try:
            if not self._client.nthreads():
                self._client.wait_for_workers(1, timeout=timeout)
            threads = sum(self._client.nthreads().values())
            self._rules = self._client.scatter(rules, broadcast=True, hash=False)
        except TimeoutError:
            self._client.close()
            message = f"the Dask scheduler at {address} has no workers (waited {timeout:g} s)"
            raise ClusterError(message, unreachable=True) from None
        except OSError as exc:
            self._client.close()
            raise ClusterError(f"the Dask cluster at {address} failed: {exc}") from None
        self._package = rules
        self.ahead = max(4, 2 * threads)
        self._shape = shape
        self._run = uuid.uuid4().hex[:12]
        self._count = 0
        self._pending: list[Any] = []

    def submit(self, payloads: list[Payload]) -> Pending:
        self._count += 1
        key = f"advisor-batch-{self._run}-{self._count}"
        return _Task(self._submit(payloads, key), lambda: self._again(payloads, key))

    def _submit(self, payloads: list[Payload], key: str) -> Any:
        future = self._client.submit(
            evaluate_rows, self._rules, payloads, self._shape, key=key, pure=False
        )
        self._pending = [f for f in self._pending if not f.done()] + [future]
        return future

    def _again(self, payloads: list[Payload], key: str) -> Any:
        """The partition submitted anew, with the rule set scattered anew: a worker dying
        can make the scheduler forget a task, or take the rule set's copies with it."""
        self._rules = self._client.scatter(self._package, broadcast=True, hash=False)
        return self._submit(payloads, f"{key}-{uuid.uuid4().hex[:8]}")

    def close(self) -> None:
        if self._pending:
            self._client.cancel(self._pending)
        self._client.close()


#: times a partition the scheduler cancelled (a worker died under it) is submitted again
RESUBMISSIONS = 3


class _Task:
    """A task's result; a worker-side failure other than the advisor's own is the cluster's."""

    def __init__(self, future: Any, again: Callable[[], Any]) -> None:
        self._future = future
        self._again = again
        self._left = RESUBMISSIONS

    def result(self, timeout: float | None = None) -> Any:
        while True:
            try:
                return self._result(timeout)
            except _Cancelled:
                if self._left == 0:
                    raise ClusterError(
                        f"the Dask cluster cancelled a partition {RESUBMISSIONS + 1} times"
                    ) from None
                self._left -= 1
                try:
                    self._future = self._again()
                except Exception as exc:  # the cluster itself is gone (scheduler, network)
                    raise ClusterError(f"the Dask cluster failed the batch: {exc}") from None

    def _result(self, timeout: float | None) -> Any:
        try:
            return self._future.result(timeout=timeout)
        except TimeoutError:
            raise
        except Exception as exc:
            from distributed.client import FutureCancelledError
            from distributed.scheduler import KilledWorker

            if isinstance(exc, FutureCancelledError):
                raise _Cancelled from None
            if isinstance(exc, ImportError):
                raise ClusterError(
                    f"a Dask worker cannot run the advisor ({exc}): install"
                    " cooperation-advisor where the workers run"
                ) from None
            if isinstance(exc, KilledWorker | OSError):
                raise ClusterError(f"the Dask cluster failed the batch: {exc}") from None
            raise


class _Cancelled(Exception):
    """The scheduler cancelled the partition's task (it forgot it when a worker died)."""
