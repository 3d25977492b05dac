"""`advisor diff`: what a rule edit changes for real countries, as a pull-request comment.

The working rule set (`--rules`, default `rules`) and a base rule set (`--base`:
a directory, or a git revision of the repository holding `--rules`) each
evaluate the same profiles (`--profiles`, default `examples/profiles`); the
report (`advisor.analysis.impact_report`) lists what differs and why.

Exit codes: 0, or 1 with `--fail-on-change` when anything changed; 2 when the
input is wrong (a revision or directory that is not there, rule files with
problems, a profile neither rule set accepts).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.baseline import base_rules
from advisor.analysis.impact import DiffInputError, compare, profile_files, ruleset_changes
from advisor.analysis.impact_report import render_markdown
from advisor.cli.options import add_rules_option
from advisor.decide import Advisor
from advisor.errors import AdvisorError, RuleSetError
from advisor.exit_codes import ExitCode
from advisor.hints import display_path

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "diff"
HELP = "what a rule edit changes: evaluate profiles under a base and the current rule set"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        required=True,
        metavar="REF",
        help="a directory holding the other rule set, or a git revision (main, HEAD~1, a tag) "
        "of the repository holding --rules",
    )
    add_rules_option(
        parser,
        help="the changed rule directory, and its path at the base revision (default: rules)",
    )
    parser.add_argument(
        "--profiles",
        type=Path,
        default=Path("examples/profiles"),
        metavar="DIR",
        help="profiles to evaluate under both (default: examples/profiles)",
    )
    parser.add_argument(
        "--fail-on-change",
        action="store_true",
        help="exit 1 when any profile's decision changes (for CI)",
    )


def run(args: argparse.Namespace) -> int:
    rules: Path = args.rules
    try:
        profiles = profile_files(args.profiles)
        with base_rules(args.base, rules) as before:
            name = f"before the change, {before.label}"
            base = _load(before.directory, name, before.own_names)
        try:
            head = _load(rules, f"after the change, `{display_path(rules)}`")
            try:
                impacts = compare(base, head, profiles)
                changes = ruleset_changes(base.ruleset, head.ruleset)
            finally:
                head.close()
        finally:
            base.close()
    except DiffInputError as exc:
        return report.fail(exc, ExitCode.USAGE)
    sys.stdout.write(
        render_markdown(
            impacts,
            changes,
            before.label,
            f"`{display_path(rules)}`",
            display_path(args.profiles),
        )
    )
    changed = any(i.changed for i in impacts)
    return ExitCode.PROBLEMS if changed and args.fail_on_change else ExitCode.SUCCESS


def _load(directory: Path, name: str, rename: Callable[[str], str] = str) -> Advisor:
    """The rule set compiled; its problems, if any, as the input error (the rule set `name`)."""
    try:
        return Advisor.from_directory(directory)
    except AdvisorError as exc:
        if isinstance(exc, RuleSetError):
            lines = [str(p) for p in exc.problems]
        else:
            lines = [f"the engine refused the rule set: {exc}"]
        raise DiffInputError(report.problem_text(map(rename, lines), f" {name}")) from None
