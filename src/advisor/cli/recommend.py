"""`advisor recommend`: evaluate a situation profile and print the decision."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.overrides import apply_changes
from advisor.cli.options import add_rules_option
from advisor.decide import Advisor
from advisor.decision.render import render_decision
from advisor.errors import EngineError, ProfileError, RuleSetError
from advisor.exit_codes import ExitCode
from advisor.language.profile import read_profile

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "recommend"
HELP = "evaluate a profile (YAML or JSON) and print the decision"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", type=Path, help="situation profile file (.yaml or .json)")
    add_rules_option(parser)
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="output format (default: table)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="INDICATOR=VALUE",
        help="try a value without editing the profile (YAML: 7.5, true, weak); repeatable",
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
    try:
        advisor = Advisor.from_directory(args.rules)
    except (RuleSetError, EngineError) as exc:
        return report.loading_failure(exc)
    try:
        profile = read_profile(profile_path)
        if args.set or args.unset:
            profile = apply_changes(profile, args.set, args.unset)
        observations = advisor.observe(profile, str(profile_path))
        decision = advisor.evaluate(observations, sensitivity=args.sensitivity)
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
