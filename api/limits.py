"""Limits on each request: how many run at once, how long a body may take, and what
happens to a body the service did not read.

- **Concurrency.** A worker handles at most `max_concurrency` requests at once;
  one more gets 503 with `Retry-After` at once, rather than a queue that grows
  until every client times out. Health checks and metrics are not counted, so a
  busy worker still says it is alive.
- **Body time.** The whole body must arrive within `body_timeout` seconds of
  the end of the headers: a body trickled a byte at a time, or shorter than
  its Content-Length, gets 408 and the connection is closed. (The headers have
  their own limit, in the HTTP protocol: `api/server_config.py`.)
- **Answering before the body is read.** When the service answers without
  reading the whole body (413, 415, 503, 404 ...), it first reads and discards
  the rest, up to `drain_max_bytes`. A client still sending would otherwise be
  reset: closing a socket with unread data sends TCP RST, and Python clients
  (urllib always asks to close) then see "connection reset" instead of the
  answer. A body declared larger than the cap, or one whose client waits for
  `100 Continue`, is not read: the answer says `Connection: close`.
- **Hang-ups.** A client that closes its connection while sending the body is
  an info line in the log, counted as status 499 in `/metrics`, not an error.
"""

from __future__ import annotations

import logging

import anyio
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, error_response
from .settings import Settings

__all__ = ["CLIENT_CLOSED", "EXEMPT_PATHS", "RETRY_AFTER_S", "RequestLimits"]

logger = logging.getLogger("advisor.api")

#: paths the concurrency limit does not count: probes must get through to a busy worker
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
RETRY_AFTER_S = 1
#: the status counted for a request whose client hung up before it was answered (as nginx)
CLIENT_CLOSED = 499
_CLOSE = (b"connection", b"close")


class _BodyTimeout(Exception):
    pass


class _Body:
    """One request's body as the app receives it: timed, counted, and drained if unread."""

    def __init__(self, scope: Scope, receive: Receive, timeout: float, drain_max: int) -> None:
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").decode("latin-1")
        self.declared = int(length) if length.isdigit() else None
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        self.complete = not chunked and not self.declared
        self.expects_continue = headers.get(b"expect", b"").lower() == b"100-continue"
        self.timeout = timeout
        self.deadline = anyio.current_time() + timeout
        self.drain_max = drain_max
        self.received = 0
        self.read_any = False
        self.timed_out = False
        self.disconnected = False
        self._receive = receive

    async def receive(self) -> Message:
        """The app's `receive`: 408 once the body is overdue."""
        try:
            return await self._next()
        except _BodyTimeout:
            raise ApiError(
                408,
                "body-timeout",
                f"the request body did not arrive within {self.timeout:g} s",
                headers={"Connection": "close"},
            ) from None

    async def _next(self) -> Message:
        if self.complete or self.disconnected or self.timed_out:
            return await self._receive()  # after the body: the app waits for a disconnect
        self.read_any = True
        try:
            with anyio.fail_after(max(self.deadline - anyio.current_time(), 0)):
                message = await self._receive()
        except TimeoutError:
            self.timed_out = True
            raise _BodyTimeout from None
        if message["type"] == "http.disconnect":
            self.disconnected = True
        elif message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        return message

    def answering(self, send: Send) -> Send:
        """`send`, reading the rest of the body before the answer starts."""

        async def send_after_body(message: Message) -> None:
            if message["type"] == "http.response.start" and not self.complete:
                await self._drain()
                if not self.complete:
                    message = {**message, "headers": [*message.get("headers", []), _CLOSE]}
            await send(message)

        return send_after_body

    async def _drain(self) -> None:
        if self.disconnected or self.timed_out:
            return
        if self.expects_continue and not self.read_any:
            return  # the client waits for a word from us before it sends the body
        if self.declared is not None and self.declared > self.drain_max:
            return  # pointless: the answer must close the connection anyway
        try:
            while not (self.complete or self.disconnected) and self.received <= self.drain_max:
                await self._next()
        except _BodyTimeout:
            pass


class RequestLimits:
    """ASGI middleware applying the limits above to every HTTP request of one worker."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_concurrency = settings.max_concurrency
        self.body_timeout = settings.body_timeout
        self.drain_max = settings.drain_max_bytes
        #: requests being handled now (one event loop per worker: no lock needed)
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = _Body(scope, receive, self.body_timeout, self.drain_max)
        send = body.answering(send)
        counted = scope.get("path") not in EXEMPT_PATHS
        if counted and self.in_flight >= self.max_concurrency:
            response = error_response(
                503,
                "overloaded",
                f"this worker is handling {self.max_concurrency} requests already; "
                f"try again in {RETRY_AFTER_S} s",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
            await response(scope, body.receive, send)
            return
        self.in_flight += counted
        try:
            await self.app(scope, body.receive, send)
        except ClientDisconnect:
            logger.info(
                "%s %s: the client hung up after %d bytes of the body; not answered",
                scope.get("method"),
                scope.get("path"),
                body.received,
            )
            # Nobody will read this (the server drops it); it tells the metrics what happened.
            await send({"type": "http.response.start", "status": CLIENT_CLOSED, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        finally:
            self.in_flight -= counted
