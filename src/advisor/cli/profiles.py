"""`advisor profiles import`: situation profiles from the published index files.

    advisor profiles import FILE... --period 2024 --country Mali --country Niger
                           --output DIR [--observations FILE] [--names FILE] [--rules DIR]

Each FILE is read in its publisher's layout (`advisor.indices`); one profile per
country is written to DIR as `<country>-<period>.yaml`, each value with its source.
A file the importer wrote before is replaced; one an analyst wrote is not (`--force`).
When the output is inside the project whose `schemas/` folder sits beside the rule
folder, each profile's first line names its schema, as `advisor schema --link` does.
Exit codes: 0; 2 for a file, country or value the importer cannot use (on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import advisor.cli.report as report
from advisor.cli.options import add_rules_option
from advisor.errors import ProfileError, RuleSetError
from advisor.exit_codes import ExitCode
from advisor.hints import display_path
from advisor.indices import ImportInputError, ImportResult, import_profiles
from advisor.indices.writer import profile_text, written_by_importer
from advisor.language.files import load_ruleset
from advisor.language.json_schema import link_file

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "profiles"
HELP = "build situation profiles from the published index files (profiles import)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    command = actions.add_parser(
        "import",
        help="one profile per country from FSI, GI-TOC, WGI, GTI, ACLED, World Bank and "
        "UNHCR files",
        description="Read the published files (.xlsx or .csv, as their publishers give them) "
        "and write one profile per country and period, each value with its source.",
    )
    command.add_argument("files", nargs="+", type=Path, metavar="FILE", help="published files")
    command.add_argument(
        "--period", required=True, type=_year, help="the year the profiles describe, e.g. 2024"
    )
    command.add_argument(
        "--country",
        action="append",
        required=True,
        metavar="NAME",
        help="a country, by any name of the country-name table or its ISO code; repeatable",
    )
    command.add_argument(
        "--output", required=True, type=Path, metavar="DIR", help="where to write the profiles"
    )
    command.add_argument(
        "--observations",
        type=Path,
        metavar="FILE",
        help="sourced analyst observations: CSV with country,period,indicator,value,source",
    )
    command.add_argument(
        "--names", type=Path, metavar="FILE", help="extra rows for the country-name table"
    )
    command.add_argument(
        "--force", action="store_true", help="replace profiles the importer did not write"
    )
    add_rules_option(parser=command, help="rule directory whose catalogue the profiles must fit")


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2024")
    return int(text)


def run(args: argparse.Namespace) -> int:
    try:
        ruleset = load_ruleset(args.rules)
    except RuleSetError as exc:
        return report.rule_problems(exc.problems)
    try:
        result = import_profiles(
            args.files, args.country, args.period, ruleset, args.observations, args.names
        )
        _check_targets(result, args.output, args.force)
    except ImportInputError as exc:
        return report.fail(f"advisor profiles import: {exc}", ExitCode.USAGE)
    except ProfileError as exc:
        return report.profile_refused(exc)
    _write(result, args.output, args.rules.parent / "schemas")
    return ExitCode.SUCCESS


def _check_targets(result: ImportResult, output: Path, force: bool) -> None:
    if output.exists() and not output.is_dir():
        raise ImportInputError(f"{display_path(output)}: not a directory")
    kept = [
        name
        for name, _ in result.profiles
        if (output / name).exists() and not force and not written_by_importer(output / name)
    ]
    if kept:
        raise ImportInputError(
            f"{', '.join(kept)} in {display_path(output)} was not written by the importer; "
            "it is left as it is (--force replaces it)"
        )


def _inside(path: Path, project: Path) -> bool:
    """Whether `path` is in the project: only then does its first line name the project's
    schema (a relative path out of the project would name this machine's folders)."""
    return path.resolve().is_relative_to(project.resolve())


def _write(result: ImportResult, output: Path, schemas: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    for index_file in result.files:
        if not index_file.readings:
            print(f"note: {index_file.file}: no value the catalogue reads", file=sys.stderr)
    for country, dropped in sorted(result.left_out.items()):
        print(
            f"note: {country}: not in the catalogue, left out: {', '.join(dropped)}",
            file=sys.stderr,
        )
    for name, document in result.profiles:
        path = output / name
        path.write_text(profile_text(document), encoding="utf-8")
        if _inside(output, schemas.parent) and schemas.is_dir():
            linked = link_file(path, schemas)
            if linked is not None:
                path.write_text(linked, encoding="utf-8")
        indicators = document["indicators"]
        count = len(indicators) if isinstance(indicators, dict) else 0
        print(f"wrote {display_path(path)} ({count} indicators)")
