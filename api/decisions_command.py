"""`advisor decisions`: the decision log from the command line.

A command group: each action (`purge`, `export`) is an `Action` in `ACTIONS`, with
the same shape as a command. Contributed through the `advisor.commands` entry
point like `advisor serve`, so the core never imports the service; the heavy
imports (SQLAlchemy, pydantic-settings) happen only when an action runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.exit_codes import ExitCode

__all__ = ["ACTIONS", "HELP", "NAME", "Action", "add_arguments", "run"]

NAME = "decisions"
HELP = "manage the decision log: purge old decisions, export decisions"


@dataclass(frozen=True)
class Action:
    """One `advisor decisions ACTION`."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action in ACTIONS:
        action.add_arguments(actions.add_parser(action.name, help=action.help))


def run(args: argparse.Namespace) -> int:
    return next(a for a in ACTIONS if a.name == args.action).run(args)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 day: {days}")
    return days


def _purge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--days",
        type=_days,
        help="delete decisions older than this many days (default: ADVISOR_RETENTION_DAYS)",
    )
    parser.add_argument(
        "--database-url",
        help="the decision log (default: ADVISOR_DATABASE_URL, else sqlite:///decisions.db)",
    )


def _purge(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from .settings import Settings

    overrides: dict[str, Any] = {"retention_days": args.days, "database_url": args.database_url}
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors():
            _say(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}")
        return ExitCode.USAGE
    if settings.retention_days is None:
        _say("how old? give --days N or set ADVISOR_RETENTION_DAYS")
        return ExitCode.USAGE
    from .log_reading import missing_sqlite_file

    missing = missing_sqlite_file(settings.database_url)
    if missing is not None:
        _say(f"{missing}: no such database file")
        return ExitCode.USAGE
    return _purge_log(settings.database_url, settings.retention_days)


def _purge_log(url: str, days: int) -> int:
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from .decision_log import DecisionLog
    from .retention import purge_older_than

    log = DecisionLog(url)
    shown = log.url.render_as_string(hide_password=True)
    try:
        if not inspect(log.engine).has_table("decisions"):
            _say(f"{shown} holds no decision log (no decisions table)")
            return ExitCode.USAGE
        result = purge_older_than(log, days)
    except SQLAlchemyError as exc:
        _say(f"{shown}: the decision log cannot be purged: {str(exc).splitlines()[0]}")
        return ExitCode.EXTERNAL
    finally:
        log.close()
    print(
        f"purged {result.deleted} decision(s) recorded before "
        f"{result.before:%Y-%m-%dT%H:%M:%SZ} from {shown}"
    )
    return ExitCode.SUCCESS


def _say(message: str, action: str = "purge") -> None:
    print(f"advisor decisions {action}: {message}", file=sys.stderr)


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    from .log_reading import add_filter_arguments

    add_filter_arguments(parser)
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        metavar="FILE",
        help="where to write: JSON Lines, or Parquet for a .parquet suffix (needs pyarrow)",
    )


def _export(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from .decision_export import pyarrow_modules, write_export
    from .decision_query import DecisionQuery
    from .log_reading import (
        CommandLineError,
        LogUnavailable,
        database_url,
        decision_filter,
        opened_log,
        shown_url,
    )

    output: Path = args.output
    try:
        if output.suffix.lower() == ".parquet":
            pyarrow_modules()
        if not output.parent.is_dir():
            raise CommandLineError(f"--output {output}: no such directory {output.parent}")
        with opened_log(database_url(args.database_url)) as log:
            where = decision_filter(args)
            try:
                count = write_export(DecisionQuery(log.engine).records(where), output)
            except SQLAlchemyError as exc:
                raise LogUnavailable(
                    f"{shown_url(log)}: the decision log cannot be read: {str(exc).splitlines()[0]}"
                ) from None
    except (CommandLineError, ImportError) as exc:
        _say(str(exc), "export")
        return ExitCode.USAGE
    except LogUnavailable as exc:
        _say(str(exc), "export")
        return ExitCode.EXTERNAL
    except OSError as exc:
        _say(f"--output {output}: {exc.strerror or exc}", "export")
        return ExitCode.USAGE
    print(f"exported {count} decision(s) to {output}", file=sys.stderr)
    return ExitCode.SUCCESS


ACTIONS: tuple[Action, ...] = (
    Action(
        "purge",
        "delete decisions older than --days (or ADVISOR_RETENTION_DAYS) from the log",
        _purge_arguments,
        _purge,
    ),
    Action(
        "export",
        "write logged decisions (filtered as GET /v1/decisions) to JSON Lines or Parquet",
        _export_arguments,
        _export,
    ),
)
