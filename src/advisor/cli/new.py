"""`advisor new rule|indicator|measure ID`: write a commented template, validate, say what next.

The texts come from `advisor.analysis.scaffold`; this module writes them, runs the
rule set's validation at once and prints where to edit. Exit 0 when the rule set
validates with the new entry, 1 when it does not yet (a rule written without
`--when` has a placeholder condition, and validation points at it), 2 when nothing
was written (an unknown measure, an id taken or refused).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.scaffold import (
    PLACEHOLDER_CONDITION,
    Edit,
    ScaffoldRefused,
    indicator_edit,
    measure_edit,
    rule_edit,
    scenario_edit,
)
from advisor.cli.options import add_rules_option
from advisor.decide import validate_directory
from advisor.errors import EngineError, RuleSetError, errors_among
from advisor.exit_codes import ExitCode
from advisor.hints import display_path
from advisor.language.files import load_ruleset
from advisor.language.json_schema import link_file
from advisor.language.models import Area, IndicatorType, Priority
from advisor.language.ruleset import RuleSet

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "new"
HELP = "write a commented template for a new rule (with two scenarios), indicator or measure"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    rule = kinds.add_parser("rule", help="a rule recommending a measure, and two scenarios")
    rule.add_argument("id", metavar="ID")
    rule.add_argument("--measure", required=True, metavar="ID", help="the measure it recommends")
    rule.add_argument(
        "--priority",
        type=Priority,
        choices=list(Priority),
        default=Priority.MEDIUM,
        help="(default: medium)",
    )
    rule.add_argument(
        "--when",
        metavar="CONDITION",
        help="its condition; the scenarios then get values that fire it and that keep it "
        f"silent (default: {PLACEHOLDER_CONDITION}, to replace)",
    )
    rule.add_argument(
        "--file",
        metavar="NAME",
        help="the rule file (default: the one with most rules on measures of the same area)",
    )
    rule.add_argument(
        "--features",
        type=Path,
        default=Path("features"),
        metavar="DIR",
        help="where the feature files are (default: features)",
    )
    indicator = kinds.add_parser("indicator", help="an indicator of the catalogue")
    indicator.add_argument("id", metavar="ID")
    indicator.add_argument("--type", required=True, type=IndicatorType, choices=list(IndicatorType))
    indicator.add_argument(
        "--categories", default="", metavar="A,B", help="the words of a category indicator"
    )
    measure = kinds.add_parser("measure", help="a measure of the catalogue")
    measure.add_argument("id", metavar="ID")
    measure.add_argument("--area", required=True, type=Area, choices=list(Area))
    for command in (rule, indicator, measure):
        add_rules_option(command)


def run(args: argparse.Namespace) -> int:
    try:
        ruleset = load_ruleset(args.rules)
    except RuleSetError as exc:
        print("fix the rule set before adding to it:")
        return report.rule_problems(exc.problems)
    try:
        edit = _entry(ruleset, args)
    except ScaffoldRefused as exc:
        return report.fail(f"nothing written: {exc}", ExitCode.USAGE)
    _write(edit, f"new {args.kind} {args.id}", args.rules.parent / "schemas")
    try:
        problems, after = validate_directory(args.rules)
    except EngineError as exc:
        return report.engine_failure(exc)
    stubs: Edit | None = None
    if args.kind == "rule":
        stubs = scenario_edit(after, args.id, args.measure, edit.path, args.features)
        _write(stubs, f"two scenarios for {args.id}")
    _next_steps(args, edit, stubs)
    if errors_among(problems):
        print("\nThe rule set does not validate yet:")
        return report.rule_problems(RuleSetError(problems).problems)
    print(f"\n{display_path(args.rules)}: validates with the new {args.kind}")
    # likely mistakes are printed, and fail only where `validate --strict` would
    return report.rule_warnings(problems)


def _entry(ruleset: RuleSet, args: argparse.Namespace) -> Edit:
    if args.kind == "rule":
        return rule_edit(
            ruleset,
            args.rules,
            args.id,
            args.measure,
            file=args.file,
            when=args.when,
            priority=args.priority,
        )
    if args.kind == "indicator":
        words = tuple(word.strip() for word in args.categories.split(",") if word.strip())
        return indicator_edit(ruleset, args.rules, args.id, args.type, categories=words)
    return measure_edit(ruleset, args.rules, args.id, args.area)


def _write(edit: Edit, what: str, schemas: Path | None = None) -> None:
    new = not edit.path.exists()
    edit.path.parent.mkdir(parents=True, exist_ok=True)
    edit.path.write_text(edit.text, encoding="utf-8")
    line = edit.line
    if new and schemas is not None and schemas.is_dir():
        # a new rule file names its schema on its first line, as `advisor schema --link` does
        linked = link_file(edit.path, schemas)
        if linked is not None:
            edit.path.write_text(linked, encoding="utf-8")
            line += 1
    print(f"{display_path(edit.path)}:{line}: {what}")


def _next_steps(args: argparse.Namespace, edit: Edit, stubs: Edit | None) -> None:
    where = f"{display_path(edit.path)}:{edit.line}"
    print("\nNext:")
    print(f"  - edit {where}: replace each TODO")
    if args.kind == "rule" and args.when is None:
        print(f"  - write its condition in place of `when: {PLACEHOLDER_CONDITION}`")
    if stubs is not None:
        added = "\n".join(stubs.text.split("\n")[stubs.line - 1 :])
        filled = "<Country>" not in added
        task = "check the values and name the situations" if filled else "fill the <placeholders>"
        print(f"  - {display_path(stubs.path)}:{stubs.line}: {task}")
        print(
            f"  - advisor check --rules {args.rules} --features {args.features}"
            " (the rule must fire in one scenario and stay silent, with data, in the other)"
        )
    rules = args.rules
    print(f"  - advisor ruledoc {rules}; advisor schema --rules {rules} (editors learn the id)")
