"""`advisor ruledoc`: regenerate the tables of a rule directory's README.md from its rules."""

from __future__ import annotations

import argparse
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.ruledoc import refresh
from advisor.errors import RuleSetError
from advisor.exit_codes import ExitCode
from advisor.hints import display_path

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "ruledoc"
HELP = "regenerate the tables in the rule directory's README.md from the rule files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rules", type=Path, nargs="?", default=Path("rules"), help="rule directory (default: rules)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 when the tables are out of date",
    )


def run(args: argparse.Namespace) -> int:
    rules: Path = args.rules
    readme = display_path(rules / "README.md")
    if not (rules / "README.md").is_file():
        return report.fail(f"{readme}: file not found", ExitCode.USAGE)
    try:
        stale = refresh(rules, write=not args.check)
    except RuleSetError as exc:
        return report.rule_problems(exc.problems)
    if args.check:
        if not stale:
            return ExitCode.SUCCESS
        return report.fail(
            f"{readme}: out of date\nrun: advisor ruledoc {rules}", ExitCode.PROBLEMS
        )
    print(f"{readme}: {'updated' if stale else 'already current'}")
    return ExitCode.SUCCESS
