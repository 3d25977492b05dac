"""What the routes ask for: the caller, checked to have a role, and the access log.

`AccessGuard` has already admitted the request; these check the role a route
needs and document the bearer scheme and the refusals in the OpenAPI schema. They do no
I/O, so they are `async def` (a plain `def` dependency costs a thread-pool hop).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..errors import ApiError, ErrorBody
from .guard import CALLER_KEY, AccessControl, Caller
from .tokens import Role

__all__ = [
    "ACCESS_ERRORS",
    "AccessDep",
    "Admin",
    "AdminCaller",
    "AuditorCaller",
    "ReaderCaller",
    "Signed",
    "require",
]

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A token from `advisor tokens add NAME --role reader|auditor|admin`.",
)

ACCESS_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        401: "No token, or one that is not known or was revoked (once any token exists).",
        403: "The token's role may not do this; or, while no token exists, the client is not "
        "on the service's own machine.",
        429: "The token is over ADVISOR_RATE_PER_MINUTE; Retry-After says when to come back.",
        503: "The tokens (in the decision log's database) cannot be read, so nothing is given.",
    }.items()
}


def require(role: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency giving the caller, refusing (403) one whose role is below `role`."""

    async def caller_with_role(
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Caller:
        caller: Caller | None = request.scope.get(CALLER_KEY)
        if caller is None:  # not admitted by the guard: refuse rather than guess
            raise ApiError(
                401,
                "unauthorized",
                "a token is needed: Authorization: Bearer <token>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if caller.role < role:
            raise ApiError(
                403,
                "forbidden",
                f"this needs the {role.label} role or above; the token {caller.label!r} has "
                f"the {caller.role.label} role",
            )
        return caller

    return caller_with_role


_reader, _auditor, _admin = require(Role.READER), require(Role.AUDITOR), require(Role.ADMIN)

ReaderCaller = Annotated[Caller, Depends(_reader)]
AuditorCaller = Annotated[Caller, Depends(_auditor)]
AdminCaller = Annotated[Caller, Depends(_admin)]
#: for `dependencies=[...]` of a router or route: any token (documents the scheme)
Signed = Depends(_reader)
Admin = Depends(_admin)


async def _access(request: Request) -> AccessControl:
    control: AccessControl | None = getattr(request.app.state, "access", None)
    if control is None:
        raise ApiError(503, "starting", "the service is starting")
    return control


AccessDep = Annotated[AccessControl, Depends(_access)]
