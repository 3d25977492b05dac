"""`advisor check`: validate the rules, run the features, and demand that every rule is covered.

The exit code is 0 when the rules are valid (warnings are printed and pass
unless `--strict`), every scenario passes and every rule both fired in some
scenario and stayed silent in another; 1 otherwise; 2 when the command line
names something that is not there. How the features run
is `advisor.analysis.scenarios`; this module reads the command line and prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.coverage import RuleCoverage
from advisor.analysis.generated import stale_generated
from advisor.analysis.scenarios import run_features
from advisor.cli.options import add_rules_option
from advisor.decide import validate_directory
from advisor.errors import EngineError, Location, Problem, errors_among
from advisor.exit_codes import ExitCode
from advisor.hints import display_path
from advisor.language.ruleset import RuleSet

__all__ = ["HELP", "NAME", "add_arguments", "render_coverage", "run"]

NAME = "check"
HELP = "validate the rules, run the Gherkin features, require every rule covered both ways"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_rules_option(parser)
    parser.add_argument(
        "--features",
        type=Path,
        default=Path("features"),
        metavar="DIR",
        help="directory of .feature files (default: features)",
    )
    parser.add_argument(
        "--profiles",
        type=Path,
        default=Path("examples/profiles"),
        metavar="DIR",
        help='profiles named by "Given the ... profile", in DIR or a folder inside it '
        "(default: examples/profiles)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="fail (exit 1) on warnings in the rule files too"
    )
    parser.add_argument(
        "--junit-xml",
        type=Path,
        metavar="FILE",
        help="also write the scenario results as JUnit XML",
    )


def run(args: argparse.Namespace) -> int:
    rules: Path = args.rules
    features: Path = args.features
    problems, ruleset = _validate(rules)
    if errors_among(problems) or ruleset is None:
        return report.rule_problems(problems)
    if report.rule_warnings(problems, args.strict) != ExitCode.SUCCESS:
        return ExitCode.PROBLEMS
    if not features.is_dir() or not any(features.rglob("*.feature")):
        return report.fail(
            f"{display_path(features)}: no feature files (*.feature) here", ExitCode.USAGE
        )
    print(
        f"advisor check: {len(ruleset.rules)} rules in {display_path(rules)}, "
        f"scenarios in {display_path(features)}",
        flush=True,
    )
    # generated files out of date: a notice with the command, not a failure
    for stale in stale_generated(rules, ruleset):
        print(stale, file=sys.stderr, flush=True)
    scenarios = run_features(ruleset, rules, features, args.profiles, args.junit_xml)
    if not scenarios.ran:
        return report.fail(
            f"{display_path(features)}: the features did not run: {scenarios.why_not_run}",
            ExitCode.PROBLEMS if scenarios.input_at_fault else ExitCode.INTERNAL,
        )
    print()
    print(render_coverage(scenarios.coverage))
    for item in scenarios.uncovered:
        print(f'{item.location}: rule "{item.rule}" {_gap(item)}', file=sys.stderr)
        for line in _lacking(item):
            print(line, file=sys.stderr)
    if not scenarios.passed:
        print("advisor check failed: some scenarios fail (see above)", file=sys.stderr)
    if scenarios.uncovered:
        print(
            f"advisor check failed: {len(scenarios.uncovered)} of {len(scenarios.coverage)} rules"
            " not covered both ways",
            file=sys.stderr,
        )
    failed = not scenarios.passed or scenarios.uncovered
    return ExitCode.PROBLEMS if failed else ExitCode.SUCCESS


def _validate(rules: Path) -> tuple[list[Problem], RuleSet | None]:
    try:
        return validate_directory(rules)  # the engine's limits included
    except EngineError as exc:
        return [Problem(Location(display_path(rules)), str(exc), "engine")], None


def _gap(item: RuleCoverage) -> str:
    if item.silent_only_for_lack_of_data and not item.fired:
        return (
            "never fires in a passing scenario, and is silent only for lack of data,"
            " which is not silence (add a scenario where it fires, and one where it is false)"
        )
    if item.silent_only_for_lack_of_data:
        return (
            "is silent only for lack of data, which is not silence: give the missing values,"
            " just on the other side of its threshold, in one of these scenarios"
        )
    if not item.fired and not item.silent:
        return "is not put to the test by any passing scenario"
    if not item.fired:
        return "never fires in a passing scenario (add one where it fires)"
    return "never stays silent in a passing scenario (add one just on the other side of it)"


def _lacking(item: RuleCoverage) -> list[str]:
    """Where a silent-looking scenario was only undetermined, and what it should add."""
    if item.silent:
        return []
    return [
        f"  {gap}: undetermined, not false: add {', '.join(gap.missing)}" for gap in item.lacking
    ]


def render_coverage(coverage: Sequence[RuleCoverage]) -> str:
    """The per-rule table: where each rule is, in how many scenarios it fired or stayed silent.

    Silent counts only scenarios where the rule was false with its data present;
    undetermined ones (data missing) are shown apart and never count as silence.
    """
    header = ("rule", "defined at", "fired", "silent (false)", "undetermined", "")
    rows = [
        (
            c.rule,
            str(c.location),
            str(len(c.fired)),
            str(len(c.silent)),
            str(len(c.undetermined)),
            "" if c.covered else "UNCOVERED",
        )
        for c in coverage
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(widths[i]) if i < 2 or i == 5 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    covered = sum(c.covered for c in coverage)
    fired = sum(bool(c.fired) for c in coverage)
    silent = sum(bool(c.silent) for c in coverage)
    total = len(coverage) or 1
    lines.append(
        f"{covered} of {len(coverage)} rules covered both ways ({100 * covered // total}%): "
        f"{fired} fired in a scenario, {silent} stayed silent (false, its data present) in one"
    )
    return "\n".join(lines)
