"""A Dask worker preload for the tests (`dask worker --preload die_once.py`): the worker's
process ends itself, abruptly, as it starts its second `advisor batch` task, once: the
file named by DIE_ONCE_MARKER remembers, so the worker its nanny restarts lives on."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin


class DieOnce(WorkerPlugin):
    def __init__(self, marker: Path) -> None:
        self.marker = marker
        self.started = 0

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith("advisor-batch-"):
            return
        self.started += 1
        if self.started == 2 and not self.marker.exists():
            self.marker.write_text(f"{os.getpid()} {key}\n", encoding="utf-8")
            os._exit(1)


async def dask_setup(worker: Any) -> None:
    await worker.plugin_add(DieOnce(Path(os.environ["DIE_ONCE_MARKER"])), name="die-once")
