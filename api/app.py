"""The app factory: `create_app(settings)` wires settings, rule set, decision log and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from advisor import RuleSet

from .access import AccessControl, AccessGuard
from .decision_log import DecisionLog
from .deps import Services
from .errors import ApiError, install_error_handlers
from .holder import RuleSetHolder
from .limits import RequestLimits
from .metrics import Metrics, MetricsMiddleware
from .openapi import install_openapi, operation_id
from .retention import Purger
from .routes import catalogue, decisions, health, recommendations, ruleset
from .settings import Settings
from .watcher import RuleSetWatcher
from .web import install_workbench

__all__ = ["create_app"]

DESCRIPTION = """\
POST a country's situation profile; get the security-cooperation measures its
indicators call for, each with the rules and values behind it. Every decision
is recorded (`decision_id`) before it is returned. Errors share one shape:
`{"error": {"status", "code", "message", "problems": [{"path" | "location", ...}]}}`.
"""


def create_app(settings: Settings) -> FastAPI:
    """A new app; rule set, decision log and watcher start with it (its lifespan)."""
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await run_in_threadpool(_start, settings, metrics)
        app.state.services = services
        app.state.access = await run_in_threadpool(_access, settings, services.log)
        purger = Purger(services.log, settings.retention_days, settings.purge_interval)
        services.watcher.start()
        purger.start()
        try:
            yield
        finally:
            purger.stop()
            services.watcher.stop()
            services.log.close()

    app = FastAPI(
        title="Cooperation Advisor",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        # /docs and /redoc are the workbench's, with their assets served here (api/web/docs.py)
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(AccessGuard)  # inside the metrics: refusals are counted too
    # The last added is the outermost: the metrics see every answer the limits give.
    app.add_middleware(RequestLimits, settings=settings)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    for module in (recommendations, catalogue, ruleset, decisions, health):
        app.include_router(module.router)
    install_workbench(app)

    def serving_ruleset() -> RuleSet:
        services: Services | None = getattr(app.state, "services", None)
        if services is None:
            raise ApiError(503, "starting", "the service is starting")
        return services.holder.current.advisor.ruleset

    install_openapi(app, serving_ruleset, settings.max_batch)
    return app


def _start(settings: Settings, metrics: Metrics) -> Services:
    keep = settings.runtime_dir / "rulesets" if settings.runtime_dir is not None else None
    holder = RuleSetHolder(settings.rules_dir, keep, on_reload=metrics.count_reload)
    log = DecisionLog(settings.database_url)
    if settings.migrate:
        log.migrate()
    watcher = RuleSetWatcher(holder, settings.reload_interval, settings.runtime_dir)
    return Services(settings, holder, watcher, log, metrics)


def _access(settings: Settings, log: DecisionLog) -> AccessControl:
    access = AccessControl.for_settings(settings, log.engine)
    access.start()  # logs whether tokens are needed or only loopback clients are served
    return access


def _version() -> str:
    try:
        return version("cooperation-advisor")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"
