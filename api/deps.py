"""Dependencies of the routes, as `Annotated` aliases: the services, the serving rule set, admin.

Who may call what is checked in `api.access`; `Admin` is re-exported here for the routes.
The dependencies do no I/O, so they are `async def`: FastAPI runs a plain `def` dependency
in the thread pool, a thread hop each (a tenth of a millisecond or more under load).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from .access.deps import Admin
from .decision_log import DecisionLog
from .errors import ApiError
from .holder import RuleSetHolder, ServingRuleSet
from .metrics import Metrics
from .settings import Settings
from .watcher import RuleSetWatcher

__all__ = ["Admin", "Services", "ServicesDep", "Serving"]


@dataclass(frozen=True)
class Services:
    """What one app (one worker process) runs on; built when the app starts."""

    settings: Settings
    holder: RuleSetHolder
    watcher: RuleSetWatcher
    log: DecisionLog
    metrics: Metrics


async def _services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise ApiError(503, "starting", "the service is starting")
    return services


ServicesDep = Annotated[Services, Depends(_services)]


async def _serving(services: ServicesDep) -> ServingRuleSet:
    # Read once per request: everything the request does uses this one rule set.
    return services.holder.current


Serving = Annotated[ServingRuleSet, Depends(_serving)]
