"""`advisor replay`: what a candidate rule set would change in the decisions already given.

Reads the decision log (filtered as `GET /v1/decisions`), decides each logged
profile again under `--rules` (here, or on a Dask cluster with `--scheduler`),
and writes a markdown report (`replay_report`) to stdout or `--output`.
Contributed through the `advisor.commands` entry point, as it needs the log.

Exit codes: 0, or 1 with `--fail-on-change` when any decision would change;
2 for bad usage (rule files with problems, no such log, a scheduler out of
reach); 4 when the log's database (or the Dask cluster, mid-run) fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.exit_codes import ExitCode

if TYPE_CHECKING:
    from advisor.errors import RuleSetError
    from advisor.language.ruleset import RuleSet

    from .replay import Candidate, Replay

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "replay"
HELP = "what a candidate rule set would change in the logged decisions (markdown)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .log_reading import add_filter_arguments

    parser.add_argument(
        "--rules",
        type=Path,
        required=True,
        metavar="CANDIDATE_DIR",
        help="the candidate rule set to decide the logged profiles with",
    )
    parser.add_argument(
        "--base",
        type=Path,
        default=Path("rules"),
        metavar="DIR",
        help="the rule set the logged decisions' rules are looked up in (default: rules)",
    )
    add_filter_arguments(parser)
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="decide on this Dask cluster (pip install 'cooperation-advisor[dask]')",
    )
    parser.add_argument(
        "--connect-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long to try to reach the Dask scheduler (default: 10)",
    )
    parser.add_argument(
        "--fail-on-change",
        action="store_true",
        help="exit 1 when any logged decision would change (for CI)",
    )
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write the report here, not stdout"
    )


def run(args: argparse.Namespace) -> int:
    from advisor.batch.cluster import ClusterError
    from advisor.hints import display_path

    from .log_reading import CommandLineError, LogUnavailable
    from .replay_report import render_replay

    try:
        found = _replay(args)
    except CommandLineError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    except LogUnavailable as exc:
        return _fail(str(exc), ExitCode.EXTERNAL)
    except ClusterError as exc:
        return _fail(str(exc), ExitCode.USAGE if exc.unreachable else ExitCode.EXTERNAL)
    text = render_replay(
        found, f"`{display_path(args.rules)}`", f"`{display_path(args.base)}`", _selection(args)
    )
    if args.output is None:
        sys.stdout.write(text)
    else:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            return _fail(f"--output {args.output}: {exc.strerror or exc}", ExitCode.USAGE)
    return ExitCode.PROBLEMS if found.changed and args.fail_on_change else ExitCode.SUCCESS


def _replay(args: argparse.Namespace) -> Replay:
    from sqlalchemy.exc import SQLAlchemyError

    from .decision_query import DecisionQuery
    from .log_reading import (
        CommandLineError,
        LogUnavailable,
        database_url,
        decision_filter,
        opened_log,
        shown_url,
    )
    from .replay import replay

    if args.scheduler is not None and "://" not in args.scheduler:
        raise CommandLineError(f"--scheduler {args.scheduler}: give e.g. tcp://host:8786")
    base, candidate = _rule_sets(args.base, args.rules)
    try:
        with opened_log(database_url(args.database_url)) as log:
            entries = DecisionQuery(log.engine).records(decision_filter(args))
            try:
                return replay(entries, base, candidate, args.scheduler, args.connect_timeout)
            except SQLAlchemyError as exc:
                first = str(exc).splitlines()[0]
                raise LogUnavailable(f"{shown_url(log)}: the log cannot be read: {first}") from None
    finally:
        candidate.advisor.close()


def _rule_sets(base_dir: Path, rules_dir: Path) -> tuple[RuleSet, Candidate]:
    """The base rule set (read, not compiled) and the candidate (compiled); their problems,
    if any, as a `CommandLineError`."""
    from advisor.batch.evaluate import RulePackage
    from advisor.errors import EngineError, RuleSetError
    from advisor.language.files import load_ruleset

    from .log_reading import CommandLineError
    from .replay import Candidate

    for option, directory in (("--base", base_dir), ("--rules", rules_dir)):
        if not directory.is_dir():
            raise CommandLineError(f"{option} {directory}: no such rule directory")
    try:
        base = load_ruleset(base_dir)
    except RuleSetError as exc:
        raise CommandLineError(_problems(exc, f"--base {base_dir}")) from None
    try:
        package, advisor = RulePackage.from_directory(rules_dir)
    except RuleSetError as exc:
        raise CommandLineError(_problems(exc, f"--rules {rules_dir}")) from None
    except EngineError as exc:
        raise CommandLineError(f"--rules {rules_dir}: the engine refused it: {exc}") from None
    return base, Candidate(package, advisor)


def _problems(error: RuleSetError, where: str) -> str:
    return f"{where}: the rule files have problems:\n" + "\n".join(
        f"  {problem}" for problem in error.problems
    )


def _selection(args: argparse.Namespace) -> str:
    """The filters, in words."""
    parts = []
    if args.country is not None:
        parts.append(f"country {args.country}")
    if args.ruleset is not None:
        parts.append(f"rule set `{args.ruleset}`")
    if args.since is not None:
        parts.append(f"recorded at or after {args.since:%Y-%m-%dT%H:%M:%S%z}")
    if args.until is not None:
        parts.append(f"recorded before {args.until:%Y-%m-%dT%H:%M:%S%z}")
    return ", ".join(parts) if parts else "every one in the log"


def _fail(message: str, code: ExitCode) -> int:
    print(f"advisor replay: {message}", file=sys.stderr)
    return code
