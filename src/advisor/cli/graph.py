"""`advisor graph`: draw the rule map (indicators -> signals -> rules -> measures)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import advisor.cli.report as report
from advisor.analysis.rulemap import RuleMap, build_map, focus
from advisor.analysis.rulemap_render import (
    GraphvizFailed,
    GraphvizMissing,
    graphviz,
    to_dot,
    to_mermaid,
    to_svg,
)
from advisor.cli.options import add_rules_option
from advisor.errors import RuleSetError
from advisor.exit_codes import ExitCode
from advisor.hints import did_you_mean
from advisor.language.files import load_ruleset
from advisor.language.ruleset import RuleSet

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "graph"
HELP = "draw the rule map: indicators -> signals -> rules -> measures"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_rules_option(parser)
    parser.add_argument(
        "--format",
        choices=("mermaid", "dot", "svg"),
        default="mermaid",
        help="mermaid and dot are text; svg needs Graphviz (default: mermaid)",
    )
    parser.add_argument(
        "--measure",
        action="append",
        default=[],
        metavar="ID",
        help="only this measure and the rules, signals and indicators that feed it (repeatable)",
    )
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID",
        help="only this rule, what feeds it and the measures it acts on (repeatable)",
    )
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of the terminal"
    )


def run(args: argparse.Namespace) -> int:
    try:
        # Before the rules load: a missing Graphviz is the first thing to tell.
        dot_program = graphviz() if args.format == "svg" else ""
    except GraphvizMissing as exc:
        return report.fail(exc, ExitCode.USAGE)
    try:
        ruleset = load_ruleset(args.rules)
    except RuleSetError as exc:
        return report.rule_problems(exc.problems)
    unknown = _unknown_focus(ruleset, args.measure, args.rule)
    if unknown:
        return report.fail("\n".join(unknown), ExitCode.USAGE)
    graph = build_map(ruleset)
    if args.measure or args.rule:
        graph = focus(graph, args.measure, args.rule)
    try:
        text = _draw(graph, args.format, dot_program)
    except GraphvizFailed as exc:
        return report.fail(exc, ExitCode.EXTERNAL)
    if args.output is None:
        sys.stdout.write(text)
        return ExitCode.SUCCESS
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        return report.fail(f"cannot write {args.output}: {exc.strerror or exc}", ExitCode.USAGE)
    return ExitCode.SUCCESS


def _unknown_focus(ruleset: RuleSet, measures: list[str], rules: list[str]) -> list[str]:
    """A line for each --measure or --rule the rule set does not define."""
    return [
        f'unknown {kind} "{item}"' + (f" ({hint})" if (hint := did_you_mean(item, known)) else "")
        for kind, items, known in (
            ("measure", measures, ruleset.measures),
            ("rule", rules, ruleset.rules),
        )
        for item in items
        if item not in known
    ]


def _draw(graph: RuleMap, form: str, dot_program: str) -> str:
    if form == "mermaid":
        return to_mermaid(graph)
    if form == "dot":
        return to_dot(graph)
    return to_svg(to_dot(graph), dot_program)
