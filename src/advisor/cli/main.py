"""The `advisor` command: the top-level parser, and dispatch to one module per command.

Each command is a module with NAME, HELP, `add_arguments(parser)` and
`run(args) -> int`: the built-in ones live beside this file; other parts of the
distribution add theirs through the `advisor.commands` entry point group (that is
how `advisor serve` comes from the service without the core importing it).
Exit codes: `advisor.exit_codes.ExitCode`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from importlib import metadata
from typing import Protocol, cast

# Module by module, not `from advisor.cli import ...`: that would import this package's
# __init__, which imports this module.
import advisor.cli.batch as batch
import advisor.cli.check as check
import advisor.cli.diff as diff
import advisor.cli.graph as graph
import advisor.cli.new as new
import advisor.cli.overview as overview
import advisor.cli.profiles as profiles
import advisor.cli.recommend as recommend
import advisor.cli.ruledoc as ruledoc
import advisor.cli.schema as schema
import advisor.cli.validate as validate

__all__ = ["Command", "main"]


class Command(Protocol):
    """One `advisor` command: built in, or added by an `advisor.commands` entry point."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


BUILT_IN: tuple[Command, ...] = (
    recommend,
    batch,
    validate,
    check,
    schema,
    graph,
    diff,
    ruledoc,
    new,
    profiles,
    overview,
)


def _version() -> str:
    try:
        return metadata.version("cooperation-advisor")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _contributed_commands() -> list[Command]:
    """`advisor serve` comes from the service this way, so the core never imports it."""
    found = metadata.entry_points(group="advisor.commands")
    return [cast(Command, entry.load()) for entry in sorted(found, key=lambda e: e.name)]


def _commands() -> dict[str, Command]:
    return {command.NAME: command for command in (*BUILT_IN, *_contributed_commands())}


def _parser(commands: Iterable[Command] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor",
        description="Recommend security-cooperation measures for a situation profile.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _commands().values() if commands is None else commands:
        command.add_arguments(subparsers.add_parser(command.NAME, help=command.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    commands = _commands()
    args = _parser(commands.values()).parse_args(argv)
    return int(commands[args.command].run(args))
