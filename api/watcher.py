"""Each worker watches the rule files itself, and follows reloads asked of its siblings.

Polling (every `reload_interval` seconds, a `stat` of each rule file) rather than
inotify: it behaves the same on bind mounts and network filesystems, needs no
extra dependency, and its cost is a few system calls a second.

`POST /v1/ruleset/reload` reaches one worker. That worker reloads at once and
writes a new token to the reload marker in the shared runtime directory; every
other worker sees the token change at its next poll and reloads too, even when
the files look unchanged (say, restored with their old modification times).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import uuid
from pathlib import Path

from .holder import ReloadOutcome, RuleSetHolder

__all__ = ["RuleSetWatcher"]

logger = logging.getLogger("advisor.api")

MARKER = "reload-marker"


class RuleSetWatcher:
    """Polls the rule directory and the shared reload marker; reloads the holder on a change."""

    def __init__(self, holder: RuleSetHolder, interval: float, runtime_dir: Path | None) -> None:
        self.holder = holder
        self.interval = interval
        self._marker = runtime_dir / MARKER if runtime_dir is not None else None
        self._seen = self._read_marker()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        if self.interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="rules-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def poll(self) -> ReloadOutcome | None:
        """Reload if the files or the marker changed since the last look; the outcome if it did."""
        with self._lock:
            marker = self._read_marker()
            if marker == self._seen and not self.holder.changed_on_disk():
                return None
            self._seen = marker
        return self.holder.reload()

    def reload_everywhere(self) -> ReloadOutcome:
        """Reload here now, and tell the sibling workers to reload too."""
        outcome = self.holder.reload()
        if self._marker is not None:
            token = f"{os.getpid()}-{uuid.uuid4().hex}"
            temporary = self._marker.with_name(f".{MARKER}-{token}")
            try:
                temporary.write_text(token, encoding="utf-8")
                temporary.replace(self._marker)
            except OSError as exc:
                logger.warning("could not tell the other workers to reload: %s", exc)
            else:
                with self._lock:
                    self._seen = token
        return outcome

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # the watcher must outlive any one bad poll
                logger.exception("rule watcher poll failed")

    def _read_marker(self) -> str | None:
        if self._marker is None:
            return None
        with contextlib.suppress(OSError):
            return self._marker.read_text(encoding="utf-8")
        return None
