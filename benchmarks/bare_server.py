"""Serve `bare_app` the way `advisor serve` serves the advisor (api/serve.py).

    python -m benchmarks.bare_server --port 8001 --workers 2

The same uvicorn settings: its `Multiprocess` supervisor over one bound
socket, the same worker count, uvicorn's default logging configuration
(access log included) and graceful-shutdown timeout.

One difference, on purpose: the listening socket is marked as TCP.
`Config.bind_socket` creates it with protocol number 0, and asyncio only sets
TCP_NODELAY on sockets whose protocol is IPPROTO_TCP, so the accepted
connections keep Nagle's algorithm: a response written as headers, then a
body shorter than a segment, waits for the client's delayed ACK, about 40 ms
on Linux. The advisor's answer (about 70 kB, more than a loopback segment)
does not wait; the bare endpoint's 5 kB echo would, and would then measure
the kernel's timer rather than FastAPI.
"""

from __future__ import annotations

import argparse
import socket
import sys

import uvicorn
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
        log_config=LOGGING_CONFIG,
        timeout_graceful_shutdown=10,
    )
    bound = config.bind_socket()
    listening = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    Multiprocess(config, sockets=[listening]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
