"""`advisor validate`: check the rule files, the engine's limits included; list every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.generated import stale_generated
from advisor.decide import validate_directory
from advisor.errors import EngineError, RuleSetError, errors_among
from advisor.exit_codes import ExitCode

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "validate"
HELP = "check rule files; list every problem and warning"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rules", type=Path, nargs="?", default=Path("rules"), help="rule directory (default: rules)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="fail (exit 1) on warnings too, not only on errors"
    )


def run(args: argparse.Namespace) -> int:
    rules: Path = args.rules
    try:
        problems, ruleset = validate_directory(rules)
    except EngineError as exc:
        return report.engine_failure(exc)
    listed = RuleSetError(problems).problems  # sorted, each once
    if errors_among(listed):
        return report.rule_problems(listed)
    if report.rule_warnings(listed, args.strict) != ExitCode.SUCCESS:
        return ExitCode.PROBLEMS
    assert ruleset is not None
    warned = f" ({len(listed)} warning(s) above)" if listed else ""
    print(
        f"{rules}: {len(ruleset.indicators)} indicators, {len(ruleset.measures)} measures, "
        f"{len(ruleset.signals)} signals, {len(ruleset.rules)} rules: no problems{warned}"
    )
    # generated files out of date: a notice with the command, not a problem (exit 0)
    for stale in stale_generated(rules, ruleset):
        print(stale, file=sys.stderr)
    return ExitCode.SUCCESS
