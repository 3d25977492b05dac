"""`advisor serve`, contributed to the command line through the `advisor.commands` entry point.

The command line finds this module by its entry point, so the core never imports the
service; the service's own dependencies (uvicorn, FastAPI, SQLAlchemy) load only when
the command runs, which keeps `advisor --help` and the other commands light.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "serve"
HELP = "run the HTTP service (settings: ADVISOR_* variables, see README)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, help="rule directory (default: rules)")
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: 8000)")
    parser.add_argument("--workers", type=int, help="worker processes (default: 2)")
    parser.add_argument("--database-url", help="decision log (default: sqlite:///decisions.db)")


def run(args: argparse.Namespace) -> int:
    from .serve import serve_command

    return serve_command(args.rules, args.host, args.port, args.workers, args.database_url)
