"""`advisor schema`: write the JSON Schemas editors use, and name them on each YAML file."""

from __future__ import annotations

import argparse
from pathlib import Path

import advisor.cli.report as report
from advisor.exit_codes import ExitCode
from advisor.hints import display_path
from advisor.language.json_schema import stale_files

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "schema"
HELP = "write JSON Schemas for rule files and profiles (editors validate and complete)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
    stale = stale_files(output, linked)
    if args.check:
        lines = [f"{display_path(item.path)}: {item.why}" for item in stale]
        if not stale:
            return ExitCode.SUCCESS
        lines.append("run: advisor schema" + "".join(f" --link {d}" for d in linked))
        return report.fail("\n".join(lines), ExitCode.PROBLEMS)
    output.mkdir(parents=True, exist_ok=True)
    for item in stale:
        item.path.write_text(item.text, encoding="utf-8")
        print(f"{display_path(item.path)}: written")
    if not stale:
        print(f"{display_path(output)}: schemas already current")
    return ExitCode.SUCCESS
