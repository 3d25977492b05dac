"""The `advisor` command: recommend, validate, check, serve, schema, graph, diff.

Exit codes: 0 success, 1 the rule files have problems (or, for check, a
scenario fails or a rule is uncovered; for diff --fail-on-change, something
changed), 2 the profile or the command line is wrong, 3 an internal engine
error (a bug to report), 4 an external program failed (Graphviz).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Protocol, cast

from advisor.analysis.impact import add_diff_parser, run_diff
from advisor.analysis.overrides import apply_changes
from advisor.analysis.rulemap import add_graph_parser, run_graph
from advisor.cli.check import add_check_parser, run_check
from advisor.decide import Advisor, validate_directory
from advisor.decision.render import render_decision
from advisor.errors import EngineError, ProfileError, RuleSetError
from advisor.language.json_schema import add_schema_parser, run_schema
from advisor.language.profile import read_profile

__all__ = ["main"]

EXIT_RULES, EXIT_INPUT, EXIT_ENGINE = 1, 2, 3


def _version() -> str:
    try:
        return metadata.version("cooperation-advisor")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


class ContributedCommand(Protocol):
    """A command another part of the distribution adds (`advisor.commands` entry points)."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _contributed_commands() -> list[ContributedCommand]:
    """`advisor serve` comes from the service this way, so the core never imports it."""
    found = metadata.entry_points(group="advisor.commands")
    return [cast(ContributedCommand, entry.load()) for entry in sorted(found, key=lambda e: e.name)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor",
        description="Recommend security-cooperation measures for a situation profile.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    recommend = commands.add_parser(
        "recommend", help="evaluate a profile (YAML or JSON) and print the decision"
    )
    recommend.add_argument("profile", type=Path, help="situation profile file (.yaml or .json)")
    recommend.add_argument(
        "--rules", type=Path, default=Path("rules"), help="rule directory (default: rules)"
    )
    recommend.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="output format (default: table)",
    )
    recommend.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="INDICATOR=VALUE",
        help="try a value without editing the profile (YAML: 7.5, true, weak); repeatable",
    )
    recommend.add_argument(
        "--unset",
        action="append",
        default=[],
        metavar="INDICATOR",
        help="try the profile without an indicator; repeatable",
    )
    recommend.add_argument(
        "--sensitivity",
        action="store_true",
        help="also list, per recommendation, the single-indicator changes that remove or raise it",
    )

    validate = commands.add_parser("validate", help="check rule files; list every problem")
    validate.add_argument(
        "rules", type=Path, nargs="?", default=Path("rules"), help="rule directory (default: rules)"
    )
    add_check_parser(commands)
    add_schema_parser(commands)
    add_graph_parser(commands)
    add_diff_parser(commands)

    for command in _contributed_commands():
        command.add_arguments(commands.add_parser(command.NAME, help=command.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args.rules)
    if args.command == "check":
        return run_check(args)
    if args.command == "schema":
        return run_schema(args)
    if args.command == "graph":
        return run_graph(args)
    if args.command == "diff":
        return run_diff(args)
    for command in _contributed_commands():
        if args.command == command.NAME:
            return command.run(args)
    return _recommend(args)


def _print_problems(error: RuleSetError) -> None:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(f"{len(error.problems)} problem(s) in the rule files", file=sys.stderr)


def _engine_failure(exc: EngineError) -> int:
    print(f"internal engine error (please report it): {exc}", file=sys.stderr)
    return EXIT_ENGINE


def _validate(rules: Path) -> int:
    try:
        problems, ruleset = validate_directory(rules)  # the engine's limits included
    except EngineError as exc:
        return _engine_failure(exc)
    if problems:
        _print_problems(RuleSetError(problems))
        return EXIT_RULES
    assert ruleset is not None
    print(
        f"{rules}: {len(ruleset.indicators)} indicators, {len(ruleset.measures)} measures, "
        f"{len(ruleset.signals)} signals, {len(ruleset.rules)} rules: no problems"
    )
    return 0


def _recommend(args: argparse.Namespace) -> int:
    profile_path: Path = args.profile
    try:
        advisor = Advisor.from_directory(args.rules)
    except RuleSetError as exc:
        _print_problems(exc)
        return EXIT_RULES
    except EngineError as exc:
        return _engine_failure(exc)
    try:
        profile = read_profile(profile_path)
        if args.set or args.unset:
            profile = apply_changes(profile, args.set, args.unset)
        observations = advisor.observe(profile, str(profile_path))
        decision = advisor.evaluate(observations, sensitivity=args.sensitivity)
    except ProfileError as exc:
        print(f"{exc.source}: the profile was refused:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INPUT
    except EngineError as exc:
        return _engine_failure(exc)
    finally:
        advisor.close()
    if args.format == "json":
        sys.stdout.write(decision.to_json() + "\n")
    else:
        sys.stdout.write(render_decision(decision))
    return 0
