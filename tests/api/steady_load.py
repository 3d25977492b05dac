"""Requests flowing while a test breaks something: a few threads POSTing profiles in a loop."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx2 as httpx

from ..conftest import LIBYA_2024

__all__ = ["Answer", "SteadyLoad", "steady_load"]


@dataclass(frozen=True)
class Answer:
    started: float  # time.monotonic()
    status: int | None  # None: no answer (the connection failed)
    decision_id: str | None = None


class SteadyLoad:
    """Every answer the threads got, in the order they came."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=60) as http:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    response = http.post("/v1/recommendations", json=LIBYA_2024)
                except httpx.TransportError:
                    answer = Answer(started, None)
                    time.sleep(0.05)  # the server is going away or coming back
                else:
                    decision_id = (
                        response.json()["decision_id"] if response.status_code == 200 else None
                    )
                    answer = Answer(started, response.status_code, decision_id)
                with self._lock:
                    self.answers.append(answer)

    def first(self, status: int, since: float, timeout: float = 90) -> Answer:
        """The first answer with `status` to a request started after `since`, waiting for it."""
        return self.wait(lambda a: a.status == status and a.started > since, timeout)

    def wait(self, wanted: Callable[[Answer], bool], timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = next((a for a in self.answers if wanted(a)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                statuses = sorted({str(a.status) for a in self.answers})
                raise AssertionError(f"no such answer in {timeout:g} s; statuses seen: {statuses}")
            time.sleep(0.05)

    def acknowledged(self) -> set[str]:
        """The ids of every decision a client was given."""
        return {a.decision_id for a in self.answers if a.decision_id is not None}


@contextlib.contextmanager
def steady_load(base_url: str, threads: int = 4) -> Iterator[SteadyLoad]:
    load = SteadyLoad(base_url)
    workers = [threading.Thread(target=load.run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield load
    finally:
        load.stop.set()
        for worker in workers:
            worker.join(timeout=90)
