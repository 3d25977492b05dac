"""A request rate per token: a token bucket for each, in each worker process.

A bucket holds up to a minute's worth of requests (`ADVISOR_RATE_PER_MINUTE`)
and refills at that rate, so a client may burst and then keeps to the rate.
Buckets live in the worker's memory, keyed by token name (only valid tokens
reach here, so their number is bounded by the tokens table): a client whose
requests are spread over N workers can get up to N times the rate.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter"]


@dataclass
class _Bucket:
    level: float
    updated: float


class RateLimiter:
    """`take(key)` is 0 when a request may go ahead, else the seconds to wait."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._capacity = float(per_minute)
        self._per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def take(self, key: str) -> int:
        """Spend one request of `key`'s bucket; 0 if there was one, else whole seconds to wait.

        Called from the event loop only (no await inside), so it needs no lock.
        """
        if not self.enabled:
            return 0
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self._capacity, now)
        bucket.level = min(self._capacity, bucket.level + (now - bucket.updated) * self._per_second)
        bucket.updated = now
        if bucket.level >= 1.0:
            bucket.level -= 1.0
            return 0
        return max(1, math.ceil((1.0 - bucket.level) / self._per_second))
