"""The app under a real uvicorn server in this process, on a port it binds itself.

Lighter than `advisor serve` (no worker processes), with the same uvicorn
settings and HTTP protocol (`advisor.api.server_config`), so the connection-level
limits are the real ones. The listener binds port 0 and the tests use the port
it got.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from advisor.api import Settings, create_app
from advisor.api.serve import bind_listener
from advisor.api.server_config import server_config
from fastapi import FastAPI

__all__ = ["LiveServer", "live_server"]


@dataclass(frozen=True)
class LiveServer:
    app: FastAPI
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@contextlib.contextmanager
def live_server(settings: Settings) -> Iterator[LiveServer]:
    """Serve `create_app(settings)` on 127.0.0.1 until the block ends."""
    app = create_app(settings)
    config = server_config(settings, app, host="127.0.0.1", port=0, log_config=None)
    listener = bind_listener(config)
    host, port = listener.getsockname()[:2]
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive():
                raise AssertionError("the server stopped while starting")
            if time.monotonic() > deadline:
                raise AssertionError("the server did not start")
            time.sleep(0.02)
        yield LiveServer(app, host, port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
