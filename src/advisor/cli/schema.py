"""`advisor schema`: write the JSON Schemas editors use, and name them on each YAML file."""

from __future__ import annotations

import argparse
from pathlib import Path

import advisor.cli.report as report
from advisor.cli.options import add_rules_option
from advisor.errors import RuleSetError
from advisor.exit_codes import ExitCode
from advisor.hints import display_path
from advisor.language.files import load_ruleset
from advisor.language.json_schema import stale_files

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "schema"
HELP = "write JSON Schemas for rule files and profiles (editors validate and complete)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_rules_option(
        parser,
        help="the rule directory whose indicator, measure and signal ids the schemas list "
        "(default: rules)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("schemas"),
        metavar="DIR",
        help="where to write the schemas (default: schemas)",
    )
    parser.add_argument(
        "--link",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also put a '# yaml-language-server: $schema=...' first line on each YAML file "
        "of DIR, naming the schema for what it holds (repeatable: rules, profiles)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 listing what is missing or out of date",
    )


def run(args: argparse.Namespace) -> int:
    output: Path = args.output
    linked: list[Path] = args.link
    for directory in linked:
        if not directory.is_dir():
            return report.fail(f"{display_path(directory)}: not a directory", ExitCode.USAGE)
    try:
        ruleset = load_ruleset(args.rules)
    except RuleSetError as exc:
        return report.rule_problems(exc.problems)
    stale = stale_files(output, linked, ruleset)
    if args.check:
        lines = [f"{display_path(item.path)}: {item.why}" for item in stale]
        if not stale:
            return ExitCode.SUCCESS
        lines.append("run: advisor schema" + _options(args))
        return report.fail("\n".join(lines), ExitCode.PROBLEMS)
    output.mkdir(parents=True, exist_ok=True)
    for item in stale:
        item.path.write_text(item.text, encoding="utf-8")
        print(f"{display_path(item.path)}: written")
    if not stale:
        print(f"{display_path(output)}: schemas already current")
    return ExitCode.SUCCESS


def _options(args: argparse.Namespace) -> str:
    """The options of this run that are not the defaults, to repeat without --check."""
    given = [("--rules", args.rules, Path("rules")), ("--output", args.output, Path("schemas"))]
    text = "".join(f" {option} {value}" for option, value, default in given if value != default)
    return text + "".join(f" --link {directory}" for directory in args.link)
