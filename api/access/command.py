"""`advisor tokens add|list|revoke`: the service's access tokens, in its database.

Contributed to the command line through the `advisor.commands` entry point, like
`advisor serve`. The database is `--database-url`, else `ADVISOR_DATABASE_URL`,
else the service's default; its schema is brought up to date first, so tokens
can be made before the service has ever started.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from advisor.exit_codes import ExitCode

if TYPE_CHECKING:
    from .tokens import TokenInfo, TokenStore

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "tokens"
HELP = "add, list or revoke the service's access tokens (see README, Security)"
ROLES = ("reader", "auditor", "admin")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="make a token; it is printed once, only its hash kept")
    add.add_argument("name", metavar="NAME", help="the token's name, as the logs will show it")
    add.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="reader: recommend and read its own decisions; auditor: read and list all "
        "decisions; admin: also reload the rules",
    )
    listing = actions.add_parser("list", help="name, role, created, revoked (never the token)")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    revoke = actions.add_parser("revoke", help="revoke a token (the service stops taking it)")
    revoke.add_argument("name", metavar="NAME")
    for sub in (add, listing, revoke):
        sub.add_argument(
            "--database-url",
            help="the service's database (default: ADVISOR_DATABASE_URL, else "
            "sqlite:///decisions.db)",
        )


def run(args: argparse.Namespace) -> int:
    # Imported here: `advisor --help` and the other commands need no SQLAlchemy.
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from ..decision_log import DecisionLog
    from ..settings import Settings
    from .tokens import Role, TokenError, TokenStore

    url = (
        args.database_url
        or os.environ.get("ADVISOR_DATABASE_URL")
        or Settings.model_fields["database_url"].default
    )
    try:
        log = DecisionLog(url)
    except ArgumentError as exc:
        print(f"advisor tokens: --database-url: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        log.migrate()
        store = TokenStore(log.engine)
        if args.action == "add":
            token = store.add(args.name, Role.from_label(args.role))
            print(token)
            print(
                f"advisor tokens: made {args.name!r} ({args.role}); this is the only time the "
                "token is shown: keep it now",
                file=sys.stderr,
            )
        elif args.action == "list":
            _print_list(store, args.format)
        else:
            info = store.revoke(args.name)
            print(f"advisor tokens: {info.name!r} revoked at {_when(info.revoked_at)}")
        return ExitCode.SUCCESS
    except TokenError as exc:
        print(f"advisor tokens: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except SQLAlchemyError as exc:
        message = str(exc).splitlines()[0]
        print(f"advisor tokens: the database cannot be used: {message}", file=sys.stderr)
        return ExitCode.EXTERNAL
    finally:
        log.close()


def _print_list(store: TokenStore, output: str) -> None:
    infos = store.list()
    if output == "json":
        rows = [
            {
                "name": i.name,
                "role": i.role.label,
                "created": _when(i.created_at),
                "revoked": _when(i.revoked_at) if i.revoked_at else None,
            }
            for i in infos
        ]
        print(json.dumps(rows, indent=2))
        return
    table = [("NAME", "ROLE", "CREATED", "REVOKED"), *(_row(i) for i in infos)]
    widths = [max(len(row[column]) for row in table) for column in range(3)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[3]]))


def _row(info: TokenInfo) -> tuple[str, str, str, str]:
    revoked = _when(info.revoked_at) if info.revoked_at else "-"
    return info.name, info.role.label, _when(info.created_at), revoked


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.isoformat(timespec="seconds")
