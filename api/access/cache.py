"""The active tokens, held in memory by each worker and read again every few seconds.

Checking a token is then one hash and one dict lookup, with no database
round trip. The table is read again when the copy is older than
`ADVISOR_TOKEN_CACHE_SECONDS`, so a revocation takes effect in every worker
within that time; and when a token is not in the copy (a token added a moment
ago works at once), at most once a second, so a flood of bad tokens costs at most
one query a second. If the table cannot be read, a copy past its age is not
used: the service refuses (503) rather than honour a token that may be revoked.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .tokens import Role, hash_token

__all__ = ["MISS_REFRESH_S", "Holder", "TokenCache"]

logger = logging.getLogger("advisor.api")

#: least time between two reads of the table caused by unknown tokens
MISS_REFRESH_S = 1.0


@dataclass(frozen=True)
class Holder:
    """Who a valid token belongs to."""

    name: str
    role: Role


class TokenCache:
    """Hash -> holder for the active tokens, read from `load` at most every `max_age` seconds."""

    def __init__(
        self,
        load: Callable[[], Sequence[tuple[str, str, Role]]],
        max_age: float,
        extra: Mapping[str, Holder] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._max_age = max_age
        self._extra = dict(extra or {})  # by hash: tokens from settings, not the table
        self._clock = clock
        self._lock = threading.Lock()
        self._by_hash: dict[str, Holder] = {}
        self._loaded_at: float | None = None

    def fresh(self) -> bool:
        """Whether the copy may be used without reading the table (no I/O)."""
        loaded = self._loaded_at
        return loaded is not None and self._clock() - loaded < self._max_age

    def refresh(self, within: float | None = None) -> None:
        """Read the table unless the copy was read within `within` seconds (default: its
        maximum age); raises what the database raises."""
        limit = self._max_age if within is None else within
        with self._lock:
            loaded = self._loaded_at
            if loaded is not None and self._clock() - loaded < limit:
                return
            rows = self._load()
            by_hash = {digest: Holder(name, role) for digest, name, role in rows}
            by_hash.update(self._extra)
            if self._loaded_at is None or bool(by_hash) != bool(self._by_hash):
                _announce(len(by_hash))
            self._by_hash = by_hash
            self._loaded_at = self._clock()

    def any_token(self) -> bool:
        """Whether any token is active (call after `refresh`)."""
        return bool(self._by_hash)

    def count(self) -> int:
        return len(self._by_hash)

    def lookup(self, token: str) -> Holder | None:
        """The holder of a token in the current copy (call after `refresh`)."""
        return self._by_hash.get(hash_token(token))

    def lookup_again(self, token: str) -> Holder | None:
        """After a miss: read the table again unless it was read within the last second."""
        self.refresh(within=min(MISS_REFRESH_S, self._max_age))
        return self.lookup(token)


def _announce(active: int) -> None:
    """Say which way the service admits clients: at start, and whenever that changes."""
    if active:
        logger.info(
            "access: %d active token(s); every /v1 request needs Authorization: Bearer <token>",
            active,
        )
    else:
        logger.warning(
            "access: no token exists, so only clients on this machine (loopback) are served; "
            "create one with `advisor tokens add NAME --role reader|auditor|admin`"
        )
