"""`advisor batch`: evaluate many profiles, write their decisions in input order."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from concurrent.futures import BrokenExecutor
from pathlib import Path

import advisor.cli.report as report
from advisor.batch.cluster import ClusterError
from advisor.batch.evaluate import STATUSES, RulePackage
from advisor.batch.inputs import InputError
from advisor.batch.outputs import FORMATS, format_of
from advisor.batch.resume import ResumeError
from advisor.batch.run import Batch, BatchOptions, Tally
from advisor.cli.options import add_rules_option
from advisor.decision.model import DETAILS
from advisor.errors import EngineError, RuleSetError
from advisor.exit_codes import ExitCode

__all__ = ["HELP", "NAME", "add_arguments", "run"]

NAME = "batch"
HELP = "evaluate many profiles (JSONL, CSV, Parquet, profile files) into one output"
EPILOG = """\
inputs: .jsonl (a profile per line), .csv or .parquet (a row per profile: country,
period, a column per indicator, a column per period of a series as
INDICATOR@PERIOD), profile files (.yaml, .json) and directories of them.
outputs: .jsonl (a decision per line, compact JSON, in input order) or a long
table in .csv or .parquet, a row per profile and measure:
row, country, period, measure, priority, status, rules. status is one of:
""" + "\n".join(
    textwrap.fill(f"{status}: {meaning}", 78, initial_indent="  ", subsequent_indent="    ")
    for status, meaning in STATUSES.items()
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="what to evaluate")
    _add_output_arguments(parser)
    add_rules_option(parser)
    parser.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="local worker processes (default: the CPU count, %(default)s here)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run on this Dask distributed cluster instead (needs the 'dask' extra)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run: skip the rows in OUT"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress, no summary")
    parser.add_argument(
        "--partition-size", type=_positive, default=100, metavar="ROWS", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--progress-every",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how often to print progress when stderr is not a terminal (default: 10)",
    )
    parser.add_argument(
        "--connect-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long to try to reach the Dask scheduler (default: 10)",
    )


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the decisions go, in what form, and where the refused rows go."""
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        required=True,
        metavar="OUT",
        help="where to write ('-': stdout)",
    )
    parser.add_argument(
        "--format",
        choices=sorted(set(FORMATS.values())),
        help="output format (default: from OUT's suffix)",
    )
    parser.add_argument(
        "--detail",
        choices=DETAILS,
        default="compact",
        help="JSONL only: compact decisions (default, as the service answers) or full ones, "
        "with the rule set's texts inlined",
    )
    parser.add_argument(
        "--errors",
        type=Path,
        metavar="FILE",
        help="write refused rows here (JSONL), with each problem",
    )
    parser.add_argument(
        "--allow-errors", action="store_true", help="exit 0 even if some rows were refused"
    )


def run(args: argparse.Namespace) -> int:
    try:
        options = _options(args)
    except ValueError as exc:
        return report.fail(f"advisor batch: {exc}", ExitCode.USAGE)
    try:
        rules, advisor = RulePackage.from_directory(args.rules)
    except (RuleSetError, EngineError) as exc:
        return report.loading_failure(exc)
    try:
        tally = Batch(rules, advisor, options).run(
            sys.stderr, quiet=args.quiet, every=args.progress_every
        )
    except InputError as exc:
        return report.fail("\n".join(exc.problems), ExitCode.USAGE)
    except ResumeError as exc:
        message = f"cannot resume {options.output}: {exc}; run without --resume to start again"
        return report.fail(message, ExitCode.USAGE)
    except ClusterError as exc:
        return report.fail(str(exc), ExitCode.USAGE if exc.unreachable else ExitCode.EXTERNAL)
    except (ImportError, OSError) as exc:
        return report.fail(f"advisor batch: {exc}", ExitCode.USAGE)
    except EngineError as exc:
        return report.engine_failure(exc)
    except KeyboardInterrupt:  # a second Ctrl-C: stopped at once, the lines written are whole
        message = f"stopped: run the same command with --resume to go on from {options.output}"
        return report.fail(message, ExitCode.INTERRUPTED)
    except BrokenExecutor as exc:
        message = f"a worker process died (please report it): {exc}; the output is whole"
        return report.fail(message, ExitCode.INTERNAL)
    finally:
        advisor.close()
    return _summary(tally, options, args)


def _options(args: argparse.Namespace) -> BatchOptions:
    output: Path = args.output
    fmt = format_of(output, args.format)
    if str(output) == "-" and (args.resume or fmt == "parquet"):
        raise ValueError("--output -: standard output cannot be resumed or hold Parquet")
    if args.errors is not None and args.errors.resolve() == output.resolve():
        raise ValueError("--errors and --output name the same file")
    if args.detail == "full" and fmt != "jsonl":
        raise ValueError(f"--detail full: only JSONL output holds decisions, not {fmt}")
    if args.scheduler is not None and "://" not in args.scheduler:
        raise ValueError(f"--scheduler {args.scheduler}: give an address such as tcp://host:8786")
    return BatchOptions(
        inputs=list(args.inputs),
        output=output,
        format=fmt,
        errors=args.errors,
        workers=args.workers,
        scheduler=args.scheduler,
        resume=args.resume,
        partition_size=args.partition_size,
        connect_timeout=args.connect_timeout,
        detail=args.detail,
    )


def _summary(tally: Tally, options: BatchOptions, args: argparse.Namespace) -> int:
    rows = tally.decided + tally.refused
    rate = rows / tally.seconds if tally.seconds > 0 else 0.0
    lines = []
    if tally.skipped:
        lines.append(
            f"resumed: rows 1 to {tally.skipped:,} were done already"
            f" ({tally.refused_before:,} of them refused)"
        )
    lines.append(
        f"{rows:,} rows in {tally.seconds:.1f} s ({rate:,.0f} rows/s): {tally.decided:,}"
        f" decided, {tally.refused:,} refused"
    )
    for row, refused in tally.first_refusals:
        first = refused.problems[0]
        more = f" (and {len(refused.problems) - 1} more)" if len(refused.problems) > 1 else ""
        place = row.input + (f":{row.line}" if row.line else "")
        place += f", record {row.record}" if row.record else ""
        lines.append(f"  row {row.position} ({place}): {first[0]}: {first[1]}{more}")
    if tally.failed and options.errors is not None:
        lines.append(f"refused rows, with every problem: {options.errors}")
    elif tally.failed:
        lines.append("give --errors FILE to keep every refused row and its problems")
    if tally.interrupted:
        lines.append(
            f"interrupted: {options.output} holds the rows done so far; run the same command"
            " with --resume to go on"
        )
    if not args.quiet or tally.failed or tally.interrupted:
        print("\n".join(lines), file=sys.stderr)
    if tally.interrupted:
        return ExitCode.INTERRUPTED
    if tally.failed and not args.allow_errors:
        return ExitCode.PROBLEMS
    return ExitCode.SUCCESS


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
