"""`advisor check`: validate the rules, run the features, and demand that every rule is covered.

The features run in a child pytest with only pytest-bdd and the advisor plugin
loaded and none of the host project's pytest configuration, so a rule
repository's CI gets the same result as a developer's machine. The exit code
is 0 when the rules are valid, every scenario passes and every rule both fired
in some scenario and stayed silent in another; 1 otherwise; 2 when the
command line names something that is not there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from advisor.analysis.coverage import RuleCoverage, read_records, rule_coverage
from advisor.decide import validate_directory
from advisor.errors import EngineError, Location, Problem
from advisor.hints import display_path
from advisor.language.ruleset import RuleSet

__all__ = ["add_check_parser", "run_check"]

EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3
# pytest's own exit codes: 0 all passed, 1 some failed; the others mean nothing ran
_PYTEST_OK, _PYTEST_FAILED = 0, 1
_NOT_RUN = {2: "a feature file could not be read (see above)", 5: "no scenario found"}


def add_check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="validate the rules, run the Gherkin features, require every rule covered both ways",
    )
    check.add_argument(
        "--rules",
        type=Path,
        default=Path("rules"),
        metavar="DIR",
        help="rule directory (default: rules)",
    )
    check.add_argument(
        "--features",
        type=Path,
        default=Path("features"),
        metavar="DIR",
        help="directory of .feature files (default: features)",
    )
    check.add_argument(
        "--profiles",
        type=Path,
        default=Path("examples/profiles"),
        metavar="DIR",
        help='profiles named by "Given the ... profile" (default: examples/profiles)',
    )
    check.add_argument(
        "--junit-xml",
        type=Path,
        metavar="FILE",
        help="also write the scenario results as JUnit XML",
    )


def run_check(args: argparse.Namespace) -> int:
    rules: Path = args.rules
    features: Path = args.features
    problems, ruleset = _validate(rules)
    if problems or ruleset is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in the rule files", file=sys.stderr)
        return EXIT_FAILED
    if not features.is_dir() or not any(features.rglob("*.feature")):
        print(f"{display_path(features)}: no feature files (*.feature) here", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"advisor check: {len(ruleset.rules)} rules in {display_path(rules)}, "
        f"scenarios in {display_path(features)}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="advisor-check-") as scratch:
        record_file = Path(scratch) / "coverage.json"
        code = _run_features(args, Path(scratch), record_file)
        if code not in (_PYTEST_OK, _PYTEST_FAILED):
            what = _NOT_RUN.get(code, f"pytest stopped with exit code {code}")
            print(f"{display_path(features)}: the features did not run: {what}", file=sys.stderr)
            return EXIT_FAILED if code in _NOT_RUN else EXIT_INTERNAL
        coverage = rule_coverage(ruleset, read_records(record_file))
    print()
    print(render_coverage(coverage))
    uncovered = [c for c in coverage if not c.covered]
    for item in uncovered:
        print(f'{item.location}: rule "{item.rule}" {_gap(item)}', file=sys.stderr)
    if code != _PYTEST_OK:
        print("advisor check failed: some scenarios fail (see above)", file=sys.stderr)
    if uncovered:
        print(
            f"advisor check failed: {len(uncovered)} of {len(coverage)} rules"
            " not covered both ways",
            file=sys.stderr,
        )
    return EXIT_FAILED if code != _PYTEST_OK or uncovered else 0


def _validate(rules: Path) -> tuple[list[Problem], RuleSet | None]:
    try:
        return validate_directory(rules)  # the engine's limits included
    except EngineError as exc:
        return [Problem(Location(display_path(rules)), str(exc), "engine")], None


def _run_features(args: argparse.Namespace, scratch: Path, record_file: Path) -> int:
    # An empty ini keeps the host project's pytest settings (addopts, strict markers) out.
    ini = scratch / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    command: list[str] = [
        sys.executable,
        "-m",
        "pytest",
        str(args.features),
        "-c",
        str(ini),
        "--rootdir",
        os.getcwd(),
        "-p",
        "pytest-bdd",
        "-p",
        "advisor",
        "-p",
        "no:cacheprovider",
        "-q",
        "--advisor-rules",
        str(args.rules),
        "--advisor-profiles",
        str(args.profiles),
        "--advisor-coverage",
        str(record_file),
    ]
    if args.junit_xml is not None:
        command += ["--junit-xml", str(args.junit_xml)]
    # Only the two plugins named above: nothing else installed may change the run.
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(command, env=env, check=False).returncode


def _gap(item: RuleCoverage) -> str:
    if not item.fired and not item.silent:
        return "is not put to the test by any passing scenario"
    if not item.fired:
        return "never fires in a passing scenario (add one where it fires)"
    return "never stays silent in a passing scenario (add one just on the other side of it)"


def render_coverage(coverage: Sequence[RuleCoverage]) -> str:
    """The per-rule table: where each rule is, in how many scenarios it fired or stayed silent."""
    header = ("rule", "defined at", "fired", "silent", "= false", "+ undetermined", "")
    rows = [
        (
            c.rule,
            str(c.location),
            str(len(c.fired)),
            str(len(c.silent)),
            str(len(c.false)),
            str(len(c.undetermined)),
            "" if c.covered else "UNCOVERED",
        )
        for c in coverage
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(widths[i]) if i < 2 or i == 6 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    covered = sum(c.covered for c in coverage)
    fired = sum(bool(c.fired) for c in coverage)
    silent = sum(bool(c.silent) for c in coverage)
    total = len(coverage) or 1
    lines.append(
        f"{covered} of {len(coverage)} rules covered both ways ({100 * covered // total}%): "
        f"{fired} fired in a scenario, {silent} stayed silent in one"
    )
    return "\n".join(lines)
