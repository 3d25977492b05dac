"""Serve `bare_app` the way `advisor serve` serves the advisor (api/serve.py).

    python -m benchmarks.bare_server --port 8001 --workers 2

The same uvicorn settings: its `Multiprocess` supervisor over one bound
socket, the same worker count, uvicorn's default logging configuration
(access log included) and graceful-shutdown timeout, and the same HTTP parser:
h11, which the service's protocol (`advisor.api.server_config`) extends. Left
to "auto", uvicorn would pick httptools for this endpoint alone wherever that
is installed, and the benchmark would compare parsers rather than request paths.

Both set TCP_NODELAY on the listening socket (`advisor.api.serve.bind_listener`):
under uvicorn's `bind_socket` alone a response shorter than a segment waits
about 40 ms for the client's delayed ACK, and the benchmark would measure the
kernel's timer rather than FastAPI.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn
from advisor.api.serve import bind_listener
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    config = uvicorn.Config(
        "benchmarks.bare_app:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="h11",
        log_config=LOGGING_CONFIG,
        timeout_graceful_shutdown=10,
    )
    Multiprocess(config, sockets=[bind_listener(config)]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
