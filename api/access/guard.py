"""Who may ask what: the access check in front of every request.

- `/healthz`, `/readyz`, `/metrics` are open to anyone.
- While no token exists, the service answers clients on this machine
  (loopback) only, whatever Authorization they send; any other client gets
  403 saying how to create a token.
- Once a token exists, every `/v1` request needs `Authorization: Bearer <token>`
  (401 without or with an unknown or revoked one). The docs (`/docs`,
  `/openapi.json`) stay readable: they describe the API, not its data.
- Each token's `/v1` requests are held to `ADVISOR_RATE_PER_MINUTE` (429 with
  Retry-After beyond it).

The caller is left in the request scope for the routes; what each role may do
is checked there (`api.access.deps`).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import ApiError, error_response
from ..settings import Settings
from .audit import AccessLog
from .cache import Holder, TokenCache
from .rate import RateLimiter
from .tokens import Role, TokenStore, hash_token

__all__ = ["ENV_ADMIN", "OPEN_PATHS", "AccessControl", "AccessGuard", "Caller", "is_loopback"]

logger = logging.getLogger("advisor.api")

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
#: the name ADVISOR_ADMIN_TOKEN goes by in the logs (no stored token can have a ':')
ENV_ADMIN = "env:ADVISOR_ADMIN_TOKEN"
CALLER_KEY = "advisor.caller"
_HOW_TO = "create one on the server with `advisor tokens add NAME --role reader`"


@dataclass(frozen=True)
class Caller:
    """Who is asking: a token's holder, or a loopback client while no token exists."""

    #: the token's name; None for a loopback client while no token exists
    name: str | None
    role: Role
    client: str | None

    @property
    def label(self) -> str:
        return self.name if self.name is not None else f"loopback client {self.client}"


class AccessControl:
    """One worker's tokens, rate buckets and access log."""

    def __init__(self, cache: TokenCache, limiter: RateLimiter, audit: AccessLog) -> None:
        self.cache = cache
        self.limiter = limiter
        self.audit = audit

    @classmethod
    def for_settings(cls, settings: Settings, engine: Engine) -> AccessControl:
        extra = {}
        if settings.admin_token is not None:
            secret = settings.admin_token.get_secret_value()
            extra[hash_token(secret)] = Holder(ENV_ADMIN, Role.ADMIN)
        cache = TokenCache(TokenStore(engine).active, settings.token_cache_seconds, extra)
        return cls(cache, RateLimiter(settings.rate_per_minute), AccessLog(engine))

    def start(self) -> None:
        """Read the tokens once, which logs how clients are admitted."""
        try:
            self.cache.refresh()
        except SQLAlchemyError as exc:
            logger.error("access: the tokens cannot be read (%s); /v1 answers 503", exc)

    async def admit(self, scope: Scope) -> Caller | None:
        """The caller of a request, None where none is needed; raises `ApiError` to refuse."""
        path: str = scope["path"]
        api = path == "/v1" or path.startswith("/v1/")
        token = _bearer(scope)
        client = _client(scope)
        if not self.cache.fresh():
            await run_in_threadpool(self._refresh)
        if token is not None:
            holder = self.cache.lookup(token)
            if holder is None:
                holder = await run_in_threadpool(self._lookup_again, token)
            if holder is not None:
                if api:
                    self._limit(holder.name)
                return Caller(holder.name, holder.role, client)
            if self.cache.any_token():
                raise _unauthorized("the token is not known, or it was revoked", "invalid_token")
            # While no token exists a token means nothing: the client is judged by its address.
        if self.cache.any_token():
            if api:
                raise _unauthorized("a token is needed: Authorization: Bearer <token>", None)
            return None
        if client is not None and is_loopback(client):
            return Caller(None, Role.ADMIN, client)
        raise ApiError(
            403,
            "loopback-only",
            "no access token exists yet, so this service answers only clients on its own "
            f"machine; {_HOW_TO} and send it as Authorization: Bearer <token>",
        )

    def _refresh(self) -> None:
        try:
            self.cache.refresh()
        except SQLAlchemyError as exc:
            raise _tokens_unreadable(exc) from exc

    def _lookup_again(self, token: str) -> Holder | None:
        try:
            return self.cache.lookup_again(token)
        except SQLAlchemyError as exc:
            raise _tokens_unreadable(exc) from exc

    def _limit(self, name: str) -> None:
        wait = self.limiter.take(name)
        if wait:
            raise ApiError(
                429,
                "rate-limited",
                f"token {name!r} is over its rate of {self.limiter.per_minute} requests a "
                f"minute; try again in {wait} s",
                headers={"Retry-After": str(wait)},
            )


class AccessGuard:
    """ASGI middleware: admits or refuses each request before it is routed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        control: AccessControl | None = getattr(scope["app"].state, "access", None)
        try:
            if control is None:
                raise ApiError(503, "starting", "the service is starting")
            scope[CALLER_KEY] = await control.admit(scope)
        except ApiError as exc:
            response = error_response(exc.status, exc.code, exc.message, headers=exc.headers)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


@functools.lru_cache(maxsize=1024)  # asked on every request, by a handful of clients
def is_loopback(host: str) -> bool:
    """Whether an address is this machine's own (127.0.0.0/8, ::1, or ::ffff:127.x)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0])[:64] if client else None


def _bearer(scope: Scope) -> str | None:
    """The bearer token, None when no Authorization header came; 401 for any other form."""
    values: list[bytes] = [v for k, v in scope.get("headers", ()) if k == b"authorization"]
    if not values:
        return None
    if len(values) > 1:
        raise _unauthorized("send one Authorization header, not several", "invalid_request")
    scheme, _, credentials = values[0].decode("latin-1").strip().partition(" ")
    token = credentials.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("use Authorization: Bearer <token>", "invalid_request")
    return token


def _unauthorized(message: str, error: str | None) -> ApiError:
    challenge = "Bearer" if error is None else f'Bearer error="{error}"'
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": challenge})


def _tokens_unreadable(exc: SQLAlchemyError) -> ApiError:
    # The tokens live in the decision log's database: same failure, same code, same remedy.
    return ApiError(
        503,
        "decision-log-unavailable",
        "the decision log's database cannot be read, so the caller's access cannot be "
        f"checked and the answer is not given: {type(exc).__name__}",
        headers={"Retry-After": "1"},
    )
