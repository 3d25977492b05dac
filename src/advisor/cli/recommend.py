"""`advisor recommend`: evaluate a situation profile and print the decision."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.overrides import apply_changes
from advisor.cli.options import add_rules_option
from advisor.decide import Advisor
from advisor.decision.model import DETAILS, Detail
from advisor.decision.render import render_decision
from advisor.errors import EngineError, ProfileError, RuleSetError
from advisor.exit_codes import ExitCode
from advisor.language.profile import read_profile, read_profile_stream

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "recommend"
HELP = "evaluate a profile (YAML or JSON) and print the decision"
#: how problems name a profile read from `-`
STDIN = "standard input"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "profile",
        type=Path,
        help="situation profile file (.yaml or .json); '-' reads it from standard input",
    )
    add_rules_option(parser)
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument(
        "--detail",
        choices=DETAILS,
        default="compact",
        help="JSON only: compact refers to the rule set's texts by id, full inlines them "
        "(default: compact, as the service answers)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="INDICATOR=VALUE",
        help="try a value without editing the profile (YAML: 7.5, true, weak, "
        "'{2023: 51700, 2024: 36468}'); repeatable",
    )
    parser.add_argument(
        "--unset",
        action="append",
        default=[],
        metavar="INDICATOR",
        help="try the profile without an indicator; repeatable",
    )
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help="also list, per recommendation, the single-indicator changes that remove or raise it",
    )


def run(args: argparse.Namespace) -> int:
    profile_path: Path = args.profile
    from_stdin = str(profile_path) == "-"
    source = STDIN if from_stdin else str(profile_path)
    try:
        advisor = Advisor.from_directory(args.rules)
    except (RuleSetError, EngineError) as exc:
        return report.loading_failure(exc)
    try:
        profile = (
            read_profile_stream(sys.stdin, STDIN) if from_stdin else read_profile(profile_path)
        )
        if args.set or args.unset:
            profile = apply_changes(profile, args.set, args.unset, advisor.ruleset)
        observations = advisor.observe(profile, source)
        # the report reads titles, sources and conditions: the full decision
        detail: Detail = args.detail if args.format == "json" else "full"
        decision = advisor.evaluate(observations, detail=detail, sensitivity=args.sensitivity)
    except ProfileError as exc:
        return report.profile_refused(exc)
    except EngineError as exc:
        return report.engine_failure(exc)
    finally:
        advisor.close()
    if args.format == "json":
        sys.stdout.write(decision.to_json() + "\n")
    else:
        sys.stdout.write(render_decision(decision))
    return ExitCode.SUCCESS
