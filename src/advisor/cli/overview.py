"""`advisor overview PROFILE_DIR...`: every profile's decision as one country-by-measure matrix.

Reads the profiles (`.yaml`, `.yml`, `.json`) in each directory given, or the
profile files given, evaluates each with one rule set and prints the matrix
(`advisor.analysis.overview`): priority, withheld, provisional safeguard, as a
terminal table or (`--format markdown`) a markdown table for a report.
Exit codes: 0; 1 rule files with problems; 2 a profile refused or no profile found.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.overview import overview, render_overview
from advisor.cli.options import add_rules_option
from advisor.decide import Advisor
from advisor.decision.document import Decision
from advisor.errors import EngineError, ProfileError, RuleSetError
from advisor.exit_codes import ExitCode
from advisor.hints import display_path
from advisor.language.profile import PROFILE_SUFFIXES, read_profile

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "overview"
HELP = "a region at a glance: the decisions of many profiles as one country-by-measure matrix"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "profiles",
        nargs="+",
        type=Path,
        metavar="PROFILE_DIR",
        help="a directory of profiles (its .yaml and .json files), or a profile file",
    )
    add_rules_option(parser)
    parser.add_argument(
        "--format",
        choices=("table", "markdown"),
        default="table",
        help="output format (default: table)",
    )


def _profile_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in PROFILE_SUFFIXES)
            if not found:
                raise FileNotFoundError(f"{display_path(path)}: no profiles (*.yaml, *.json) here")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{display_path(path)}: no such profile or directory")
    return files


def run(args: argparse.Namespace) -> int:
    try:
        files = _profile_files(args.profiles)
    except FileNotFoundError as exc:
        return report.fail(exc, ExitCode.USAGE)
    try:
        advisor = Advisor.from_directory(args.rules)
    except (RuleSetError, EngineError) as exc:
        return report.loading_failure(exc)
    decisions: list[Decision] = []
    try:
        for path in files:
            profile = advisor.observe(read_profile(path), display_path(path))
            decisions.append(advisor.evaluate(profile))
    except ProfileError as exc:
        return report.profile_refused(exc)
    except EngineError as exc:
        return report.engine_failure(exc)
    finally:
        advisor.close()
    matrix = overview(decisions, advisor.ruleset)
    sys.stdout.write(render_overview(matrix, markdown=args.format == "markdown"))
    return ExitCode.SUCCESS
