"""uvicorn as the service runs it: its settings, and an HTTP protocol with a time limit on
request heads.

uvicorn limits how long an idle keep-alive connection stays open, but once a
client has sent one byte of a request it waits for the rest of the head for
ever: a client sending a header byte every few seconds holds a connection, and
a few hundred such clients hold the server (slowloris). `HeaderTimeoutProtocol`
gives every request head `header_timeout` seconds, counted from the connection's
start or the end of the previous answer, then answers 408 and closes. The time
limit on bodies is in the app (`api/limits.py`), where the answer can be an
ordinary error response.

The settings travel to each worker process inside the uvicorn config (pickled
when the worker is spawned), which is why the header timeout is a field of
`ServiceConfig` rather than something the protocol reads from the environment
on every connection.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from .errors import error_response
from .settings import Settings

__all__ = ["HeaderTimeoutProtocol", "ServiceConfig", "server_config"]

GRACEFUL_SHUTDOWN_S = 10


class ServiceConfig(uvicorn.Config):
    """uvicorn's config, with the service's protocol and the time it gives a request head."""

    def __init__(self, app: Any, *, header_timeout: float, **options: Any) -> None:
        super().__init__(app, http=HeaderTimeoutProtocol, **options)
        self.header_timeout = header_timeout


def server_config(settings: Settings, app: Any, **options: Any) -> ServiceConfig:
    """The uvicorn config for `app` (an ASGI app, or an import string with `factory=True`)."""
    options = {
        "host": settings.host,
        "port": settings.port,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
        **options,
    }
    return ServiceConfig(app, header_timeout=settings.header_timeout, **options)


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head is overdue."""

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout: float = getattr(config, "header_timeout", 10.0)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_begun = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is not None:
            self._head_begun = True
        super().data_received(data)
        if self._head_timer is not None and self._in_request():
            self._head_timer.cancel()
            self._head_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self._in_request():
            self._await_head()  # the next request on this keep-alive connection

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def _in_request(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _await_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_begun = False
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_overdue)

    def _head_overdue(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._head_begun:  # a request was started: say why it ends
            self.logger.info(
                "%s: no complete request head within %g s; closed", self.client, self.header_timeout
            )
            self.transport.write(_request_timeout(self.header_timeout))
        self.transport.close()


def _request_timeout(seconds: float) -> bytes:
    message = f"the request line and headers did not arrive within {seconds:g} s"
    body = bytes(error_response(408, "header-timeout", message).body)
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body
