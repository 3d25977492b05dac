"""Processes writing one SQLite file take turns, woken as soon as the turn is free.

`advisor serve` runs several worker processes over one SQLite decision log, and
each commits its group of decisions as soon as the previous one is done. SQLite
lets one writer in at a time; a writer that finds the file locked sleeps in its
busy handler for 1, 2, 5, 10, 15, 20, 25 ... ms before trying again, whatever the
holder's commit takes (well under a millisecond here), and under steady load the
other process has often started its next commit by then. Meanwhile every request
of the sleeping worker waits, and its clients with them. An exclusive `flock` on a
file beside the database puts the writers in a queue instead: the kernel wakes the
next one when the turn is released. SQLite's own locking is unchanged underneath
(the busy timeout still covers other writers: purges, tokens, the access log).

`flock` rather than `fcntl` locks: SQLite uses `fcntl` byte-range locks on the
database, and those are per process, so a second `fcntl` lock in the same process
would interfere with them. The lock file is never written; a process that dies
releases its turn with its file descriptors. Within a process one thread at a time
writes a log (its group commit has one leader), and the turn also holds a thread
lock so that this does not depend on the caller.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from types import TracebackType

__all__ = ["WriterTurn"]

logger = logging.getLogger("advisor.api")


class WriterTurn:
    """A context manager: this process's turn to write the database beside `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._warned = False

    def __enter__(self) -> WriterTurn:
        self._threads.acquire()
        try:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _file(self) -> int | None:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as exc:
                # Writes still work without it, waiting in SQLite's busy handler instead;
                # the next write tries again.
                if not self._warned:
                    self._warned = True
                    logger.warning("decision log: no writers' queue (%s); SQLite's lock only", exc)
        return self._fd
