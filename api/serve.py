"""`advisor serve`: a supervisor process and N uvicorn worker processes sharing one socket.

The supervisor is uvicorn's own (`uvicorn.supervisors.Multiprocess`, 0.54): it
binds the listening socket once, spawns the workers with it, checks each every
half second and replaces one that has died, say killed by a crash in the
engine's C core (see docs/durable-rules.md). Threads would not help: the C core
holds the GIL throughout an evaluation.

Before any worker starts, the supervisor
1. loads and compiles the rule files, printing every problem and exiting 1 if
   there are any (a service never starts on a broken rule set);
2. brings the decision log's schema up to date, once, so the workers do not
   race each other to create it;
3. makes a runtime directory the workers share: the reload marker, the last
   good copy of the rule files (for a replacement worker started while the
   files are broken) and the Prometheus files of every worker.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from uvicorn.config import LOGGING_CONFIG, STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from advisor import AdvisorError, RuleSetError
from advisor.exit_codes import ExitCode

from .decision_log import DecisionLog
from .holder import RuleSetHolder
from .server_config import server_config
from .settings import Settings

__all__ = ["bind_listener", "serve", "serve_command"]

logger = logging.getLogger("advisor.api")


def serve_command(
    rules: Path | None = None,
    host: str | None = None,
    port: int | None = None,
    workers: int | None = None,
    database_url: str | None = None,
) -> int:
    """`advisor serve`: command-line options over `ADVISOR_*` variables over defaults."""
    overrides: dict[str, Any] = {
        "rules_dir": rules,
        "host": host,
        "port": port,
        "workers": workers,
        "database_url": database_url,
    }
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"])
            print(f"advisor serve: {name}: {error['msg']}", file=sys.stderr)
        return ExitCode.USAGE
    return serve(settings)


def serve(settings: Settings) -> int:
    """Run the service until SIGINT or SIGTERM; the exit code."""
    log_config = _log_config()
    logging.config.dictConfig(log_config)
    runtime = Path(tempfile.mkdtemp(prefix="advisor-serve-"))
    try:
        try:
            holder = RuleSetHolder(settings.rules_dir, keep=runtime / "rulesets")
        except AdvisorError as exc:
            problems = exc.problems if isinstance(exc, RuleSetError) else (exc,)
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"{settings.rules_dir}: the service was not started", file=sys.stderr)
            return ExitCode.PROBLEMS
        content_hash = holder.current.content_hash
        del holder  # the supervisor evaluates nothing; each worker compiles its own
        log = DecisionLog(settings.database_url)
        try:
            log.migrate()
        except SQLAlchemyError as exc:
            print(f"the decision log cannot be prepared: {exc}", file=sys.stderr)
            return ExitCode.EXTERNAL
        finally:
            log.close()
        metrics_dir = runtime / "metrics"
        metrics_dir.mkdir()
        workers = settings.model_copy(update={"runtime_dir": runtime, "migrate": False})
        # Spawned workers read their settings back from the environment they inherit.
        os.environ.update(workers.environment())
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        config = server_config(
            settings,
            "advisor.api.worker:app_from_env",
            factory=True,
            workers=settings.workers,
            log_config=log_config,
        )
        listener = bind_listener(config)
        host, port = listener.getsockname()[:2]
        logger.info(
            "serving %s (%s) on http://%s:%d with %d worker(s); decision log %s",
            settings.rules_dir,
            content_hash,
            host,
            port,
            settings.workers,
            log.url.render_as_string(hide_password=True),
        )
        supervisor = Multiprocess(config, sockets=[listener])
        supervisor.run()
        if any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes):
            return STARTUP_FAILURE  # uvicorn's own code (3): a worker could not start
        return ExitCode.SUCCESS
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def _log_config() -> dict[str, Any]:
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["advisor"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def bind_listener(config: uvicorn.Config) -> socket.socket:
    """uvicorn's listening socket, with TCP_NODELAY set for the connections it accepts.

    uvicorn makes this socket with proto 0, so asyncio does not set TCP_NODELAY on the
    connections it accepts; Nagle then holds each short response body back for the
    client's delayed ACK (40 ms on Linux) on every keep-alive request. Accepted sockets
    inherit the option from the listener.
    """
    listener = config.bind_socket()
    if listener.family in (socket.AF_INET, socket.AF_INET6):
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener
