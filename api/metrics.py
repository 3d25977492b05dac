"""Prometheus metrics: requests, evaluations, rule set reloads.

Under `advisor serve` the workers are separate processes behind one socket, so
a scrape reaches one of them at random. The supervisor therefore sets
`PROMETHEUS_MULTIPROC_DIR` (inside its runtime directory) before it starts
them: each worker writes its samples to files there, and `/metrics` sums every
worker's, including those of workers that have died, so counters never go
back. Without that variable (one process, tests) the samples stay in memory.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .holder import ReloadOutcome

__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "MetricsMiddleware"]

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """The service's metrics, registered on a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "advisor_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "advisor_http_request_duration_seconds",
            "Time from request to response, by route template and method.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.evaluations = Counter(
            "advisor_evaluations",
            "Profiles evaluated, by outcome: decided, refused (bad profile), failed.",
            ["outcome"],
            registry=self.registry,
        )
        self.evaluation_time = Histogram(
            "advisor_evaluation_duration_seconds",
            "Time to check and evaluate one profile.",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.reloads = Counter(
            "advisor_ruleset_reloads",
            "Rule set reloads, by result: ok or failed (the last good rule set kept serving).",
            ["result"],
            registry=self.registry,
        )

    def count_reload(self, outcome: ReloadOutcome) -> None:
        self.reloads.labels(result="ok" if outcome.ok else "failed").inc()

    def exposition(self) -> bytes:
        """The text format, summed over every worker when running under the supervisor."""
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if directory:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (never the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before answering

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "<unmatched>"
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
