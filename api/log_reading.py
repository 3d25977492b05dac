"""What the commands reading the decision log share: its options, and opening it.

`advisor decisions export` and `advisor replay` take the same filters as
`GET /v1/decisions` (a country, a rule set hash, a time range) and read the log
with the listing's query (`decision_query`). A log that is not there (a SQLite
file missing, no decisions table) is the command line's fault (`CommandLineError`,
exit 2); a database that does not answer is not (`LogUnavailable`, exit 4).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from .decision_log import DecisionLog
from .decision_query import DecisionFilter

__all__ = [
    "CommandLineError",
    "LogUnavailable",
    "add_filter_arguments",
    "database_url",
    "decision_filter",
    "missing_sqlite_file",
    "moment",
    "opened_log",
    "shown_url",
]


class CommandLineError(Exception):
    """The command line names no decision log: the message says why."""


class LogUnavailable(Exception):
    """The decision log's database cannot be reached or read."""


def moment(text: str) -> datetime:
    """A time on the command line: ISO 8601 (`2026-01-31T12:00:00Z`) or a date (midnight);
    without a zone, UTC, as every time in the log is."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        found = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {text!r} (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)"
        ) from None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """--database-url and the listing's filters."""
    parser.add_argument(
        "--database-url",
        help="the decision log (default: ADVISOR_DATABASE_URL, else sqlite:///decisions.db)",
    )
    parser.add_argument("--country", help="only decisions for this country (as logged)")
    parser.add_argument(
        "--since", type=moment, metavar="TIME", help="only decisions recorded at or after TIME"
    )
    parser.add_argument(
        "--until", type=moment, metavar="TIME", help="only decisions recorded before TIME"
    )
    parser.add_argument(
        "--ruleset", metavar="HASH", help="only decisions made with this rule set (sha256:...)"
    )


def decision_filter(args: argparse.Namespace) -> DecisionFilter:
    return DecisionFilter(
        country=args.country, ruleset=args.ruleset, since=args.since, until=args.until
    )


def database_url(given: str | None) -> str:
    """--database-url, else the service's setting (ADVISOR_DATABASE_URL or its default)."""
    if given is not None:
        return given
    from pydantic import ValidationError

    from .settings import Settings

    try:
        return Settings().database_url
    except ValidationError as exc:
        raise CommandLineError(f"the service's settings are not valid: {exc}") from None


@contextmanager
def opened_log(url: str) -> Iterator[DecisionLog]:
    """The log at `url`, checked to hold decisions; closed afterwards.

    Raises `CommandLineError` (no such file, no decisions table, not a database URL) or
    `LogUnavailable` (the database does not answer)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        missing = missing_sqlite_file(url)
        if missing is not None:
            raise CommandLineError(f"{missing}: no such database file")
        log = DecisionLog(url)
    except (ArgumentError, ImportError) as exc:
        raise CommandLineError(f"not a usable database URL: {exc}") from None
    try:
        try:
            holds_decisions = inspect(log.engine).has_table("decisions")
        except SQLAlchemyError as exc:
            raise LogUnavailable(
                f"{shown_url(log)}: the decision log cannot be read: {str(exc).splitlines()[0]}"
            ) from None
        if not holds_decisions:
            raise CommandLineError(f"{shown_url(log)} holds no decision log (no decisions table)")
        yield log
    finally:
        log.close()


def shown_url(log: DecisionLog) -> str:
    """The log's URL without its password."""
    return log.url.render_as_string(hide_password=True)


def missing_sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names when it does not exist (SQLite would create it)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path
