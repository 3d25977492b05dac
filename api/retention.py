"""Retention: decisions older than `ADVISOR_RETENTION_DAYS` leave the log.

The service purges by itself: each worker, every `purge_interval` seconds
(the first time soon after it starts). Workers purging the same log do no harm:
a purge deletes in batches of `PURGE_BATCH` rows, each its own short
transaction, so writers are never held up for long, and a second purge finds
nothing left to delete. `advisor decisions purge` does the same once, from the
command line (a cron job, or a log the service no longer writes).
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .decision_log import DecisionLog

__all__ = ["PurgeResult", "Purger", "purge_older_than"]

logger = logging.getLogger("advisor.api")

#: the first purge waits up to this long, so that workers started together do not all purge at once
FIRST_PURGE_JITTER_S = 10.0


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    #: decisions recorded before this moment (UTC) were deleted
    before: datetime


def purge_older_than(log: DecisionLog, days: int, now: datetime | None = None) -> PurgeResult:
    """Delete the decisions recorded more than `days` days before `now`."""
    before = (now or datetime.now(UTC)) - timedelta(days=days)
    return PurgeResult(log.purge(before), before)


class Purger:
    """A daemon thread purging the log every `interval` seconds while the app runs."""

    def __init__(self, log: DecisionLog, days: int | None, interval: float) -> None:
        self.log = log
        self.days = days
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.days is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="log-purger", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        assert self.days is not None
        wait = random.uniform(0, min(FIRST_PURGE_JITTER_S, self.interval))
        while not self._stop.wait(wait):
            wait = self.interval
            try:
                result = purge_older_than(self.log, self.days)
            except Exception as exc:  # the next purge may succeed; the service goes on
                logger.warning("purging the decision log failed: %s", exc)
                continue
            if result.deleted:
                logger.info(
                    "purged %d decisions recorded before %s (retention %d days)",
                    result.deleted,
                    f"{result.before:%Y-%m-%dT%H:%M:%SZ}",
                    self.days,
                )
