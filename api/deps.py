"""Dependencies of the routes, as `Annotated` aliases: the services, the serving rule set, admin."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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


def _services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise ApiError(503, "starting", "the service is starting")
    return services


ServicesDep = Annotated[Services, Depends(_services)]


def _serving(services: ServicesDep) -> ServingRuleSet:
    # Read once per request: everything the request does uses this one rule set.
    return services.holder.current


Serving = Annotated[ServingRuleSet, Depends(_serving)]

_bearer = HTTPBearer(
    auto_error=False, description="The admin token (ADVISOR_ADMIN_TOKEN) as a bearer token."
)


def _admin(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    expected = services.settings.admin_token
    if expected is None:
        raise ApiError(
            403, "forbidden", "admin endpoints are disabled: ADVISOR_ADMIN_TOKEN is unset"
        )
    if credentials is None:
        raise ApiError(
            401,
            "unauthorized",
            "an admin token is required: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    given = credentials.credentials.encode("utf-8")
    if not hmac.compare_digest(given, expected.get_secret_value().encode("utf-8")):
        raise ApiError(403, "forbidden", "the admin token is wrong")


Admin = Depends(_admin)
