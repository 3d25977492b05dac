"""`advisor validate`: check the rule files, the engine's limits included; list every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.generated import stale_generated
from advisor.decide import validate_directory
from advisor.errors import EngineError, RuleSetError
from advisor.exit_codes import ExitCode

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "validate"
HELP = "check rule files; list every problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rules", type=Path, nargs="?", default=Path("rules"), help="rule directory (default: rules)"
    )


def run(args: argparse.Namespace) -> int:
    rules: Path = args.rules
    try:
        problems, ruleset = validate_directory(rules)
    except EngineError as exc:
        return report.engine_failure(exc)
    if problems:
        return report.rule_problems(RuleSetError(problems).problems)  # sorted, each once
    assert ruleset is not None
    print(
        f"{rules}: {len(ruleset.indicators)} indicators, {len(ruleset.measures)} measures, "
        f"{len(ruleset.signals)} signals, {len(ruleset.rules)} rules: no problems"
    )
    # generated files out of date: a notice with the command, not a problem (exit 0)
    for stale in stale_generated(rules, ruleset):
        print(stale, file=sys.stderr)
    return ExitCode.SUCCESS
