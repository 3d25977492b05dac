"""Load on a real `advisor serve`: concurrency with a broken save, and a worker killed mid-load.

Each test prints its figures (run with -s to see them).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from advisor.api.decision_log import DecisionLog

from ..conftest import LIBYA_2024
from .server import Server, advisor_server

pytestmark = pytest.mark.slow

THREADS = 8


@dataclass(frozen=True)
class Outcome:
    kind: str
    started: float
    seconds: float
    status: int | None  # None: the connection failed, no answer
    body: Any = None


def good_profile(n: int) -> dict[str, Any]:
    return {**LIBYA_2024, "indicators": {**LIBYA_2024["indicators"], "acled.events": 100 + n}}


# kind -> (how to send it, the status it must get)
REQUESTS: dict[str, tuple[Callable[[httpx.Client, int], httpx.Response], int]] = {
    "good": (lambda c, n: c.post("/v1/recommendations", json=good_profile(n)), 200),
    "unknown-indicator": (
        lambda c, n: c.post("/v1/recommendations", json={"country": "X", "indicators": {"x.y": n}}),
        422,
    ),
    "out-of-range": (
        lambda c, n: c.post(
            "/v1/recommendations",
            json={"country": "X", "indicators": {"goci.human_smuggling": 10 + n}},
        ),
        422,
    ),
    "nan": (
        lambda c, n: c.post(
            "/v1/recommendations",
            content=b'{"country": "X", "indicators": {"wgi.rule_of_law": NaN}}',
            headers={"content-type": "application/json"},
        ),
        422,
    ),
    "malformed": (
        lambda c, n: c.post(
            "/v1/recommendations",
            content=b'{"country": ',
            headers={"content-type": "application/json"},
        ),
        400,
    ),
}
# Of every 10 requests: 6 good, 4 bad of various kinds.
MIX = ["good", "unknown-indicator", "good", "good", "out-of-range"]
MIX += ["good", "good", "nan", "good", "malformed"]


def run_load(
    server: Server, total: int, at: int, event: Callable[[], None]
) -> tuple[list[Outcome], float, float]:
    """`total` requests from THREADS threads; `event()` runs once request number `at` starts.

    Returns the outcomes, when the event ran and how long the load took.
    """
    numbers = itertools.count()
    outcomes: list[Outcome] = []
    event_time: list[float] = []
    reached = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            while (n := next(numbers)) < total:
                if n == at:
                    reached.set()
                kind = MIX[n % len(MIX)]
                send, _ = REQUESTS[kind]
                started = time.perf_counter()
                try:
                    response = send(http, n)
                except httpx.TransportError:
                    outcomes.append(Outcome(kind, started, time.perf_counter() - started, None))
                    continue
                body = response.json() if response.content else None
                outcomes.append(
                    Outcome(
                        kind, started, time.perf_counter() - started, response.status_code, body
                    )
                )

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    assert reached.wait(timeout=300)
    event_time.append(time.perf_counter())
    event()
    for thread in threads:
        thread.join(timeout=600)
    return outcomes, event_time[0], time.perf_counter() - began


def report(name: str, outcomes: list[Outcome], elapsed: float, **extra: object) -> None:
    good = sorted(o.seconds for o in outcomes if o.kind == "good" and o.status == 200)
    quantiles = statistics.quantiles(good, n=100)
    figures = {
        "requests": len(outcomes),
        "seconds": round(elapsed, 2),
        "per_second": round(len(outcomes) / elapsed),
        "good_ms_p50": round(quantiles[49] * 1000, 1),
        "good_ms_p99": round(quantiles[98] * 1000, 1),
        "statuses": dict(sorted(_count(o.status for o in outcomes).items(), key=str)),
        **extra,
    }
    print(f"\n{name}: {json.dumps(figures)}")


def _count(values: Any) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def logged_ids(database: str) -> set[str]:
    log = DecisionLog(database)
    try:
        return log.ids()
    finally:
        log.close()


def test_concurrent_load_with_a_broken_rule_file_saved_halfway(
    tmp_path: Path, rules_dir: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'decisions.db'}"
    rules = rules_dir / "rules.yaml"
    with advisor_server(tmp_path, rules_dir, database) as server:
        good_hash = httpx.get(f"{server.base_url}/v1/ruleset").json()["content_hash"]

        def save_broken_rules() -> None:
            text = rules.read_text(encoding="utf-8")
            rules.write_text(text.replace("wgi.rule_of_law <= -1.5", "wgi.rule_of_lw <= -1.5"))

        outcomes, saved_at, elapsed = run_load(server, 2000, 1000, save_broken_rules)

        assert len(outcomes) == 2000
        assert [o for o in outcomes if o.status is None or o.status >= 500] == []
        for outcome in outcomes:
            assert outcome.status == REQUESTS[outcome.kind][1], outcome
        good = [o for o in outcomes if o.kind == "good"]
        assert len(good) == 1200
        assert {o.body["ruleset"] for o in good} == {good_hash}
        assert sum(o.started > saved_at for o in good) > 100  # load went on after the save
        # Every worker noticed the broken save, reported it, and serves the last good set.
        statuses: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + 30
        while len(statuses) < 2 or any(not s["last_reload_error"] for s in statuses.values()):
            assert time.monotonic() < deadline, statuses
            status = httpx.get(f"{server.base_url}/v1/ruleset").json()
            statuses[status["worker"]] = status
        for status in statuses.values():
            assert status["content_hash"] == good_hash
            (problem,) = status["last_reload_error"]["problems"]
            assert problem["location"] == {"file": "rules.yaml", "line": 60, "column": 38}
        after = httpx.post(f"{server.base_url}/v1/recommendations", json=LIBYA_2024)
        assert after.status_code == 200
        assert after.json()["ruleset"] == good_hash
        assert "rules/rules.yaml:60:38: unknown indicator" in server.output()
    acknowledged = {o.body["decision_id"] for o in good}
    assert len(acknowledged) == 1200
    assert acknowledged | {after.json()["decision_id"]} == logged_ids(database)
    report("concurrent", outcomes, elapsed)


def test_a_worker_killed_during_load(tmp_path: Path, rules_dir: Path) -> None:
    database = f"sqlite:///{tmp_path / 'decisions.db'}"
    with advisor_server(tmp_path, rules_dir, database) as server:
        workers = server.worker_pids(2)
        victim = min(workers)

        def kill_a_worker() -> None:
            os.kill(victim, signal.SIGKILL)

        outcomes, killed_at, elapsed = run_load(server, 1500, 400, kill_a_worker)

        answered = [o for o in outcomes if o.status is not None]
        assert [o for o in answered if o.status >= 500] == []
        for outcome in answered:
            assert outcome.status == REQUESTS[outcome.kind][1], outcome
        lost = [o for o in outcomes if o.status is None]
        assert len(lost) <= THREADS  # at most the requests in flight to, or queued on, the victim
        after_kill = [o for o in answered if o.kind == "good" and o.started > killed_at]
        assert len(after_kill) > 500  # the service kept answering
        # The supervisor replaced the dead worker.
        deadline = time.monotonic() + 60
        replaced: set[int] = set()
        while len(replaced) < 2:
            assert time.monotonic() < deadline, replaced
            replaced = server.worker_pids(2) - {victim}
        assert f"Child process [{victim}] died" in server.output()
        metrics = httpx.get(f"{server.base_url}/metrics").text
    acknowledged = {o.body["decision_id"] for o in answered if o.kind == "good"}
    logged = logged_ids(database)
    assert acknowledged <= logged  # every decision a client holds is in the log
    decided = next(
        float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith('advisor_evaluations_total{outcome="decided"}')
    )
    assert decided >= len(acknowledged)  # the dead worker's counts are still in the sum
    report(
        "fault",
        outcomes,
        elapsed,
        lost=len(lost),
        acknowledged=len(acknowledged),
        logged=len(logged),
        good_after_kill=len(after_kill),
    )
