"""Run every benchmark and write the markdown report to stdout and BENCHMARKS.md.

    python -m benchmarks [--sizes 10,100,1000,10000] [--repetitions N] [--profiles N] [--quick]

Each rule-set size runs in a subprocess (`engines.py`): the plain
durable_rules program can crash or hang, and a crash must cost one cell of the
table, not the run. Before timing, that program is probed in configurations
a careful user would try in turn (one rules ruleset, then smaller ones) and
the first that holds on every profile is timed. Progress goes to stderr.
Exits 1 if any engine disagreed with the others or a size failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from .report import EngineRun, Report, render
from .service import measure_service

ROOT = Path(__file__).resolve().parent.parent

PROBE_TIMEOUT = 45.0  # creating a too-large ruleset hangs rather than fails
WORKER_TIMEOUT = 1800.0
BATCH_TIMEOUT = 3600.0  # 100,000 profiles, four configurations
BATCH_ONCE = ("--repetitions", "1", "--json")
QUICK = {
    "profiles": 10,
    "repetitions": 3,
    "compile_repetitions": 1,
    "memory_evaluations": 10_000,
    "service_seconds": 1.0,
    "service_warmup": 0.5,
    "batch_profiles": 2_000,
}
DEFAULTS = {
    "profiles": 50,
    "repetitions": 7,
    "compile_repetitions": 3,
    "memory_evaluations": 100_000,
    "service_seconds": 5.0,
    "service_warmup": 1.0,
    "batch_profiles": 100_000,
}


def _ints(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", type=_ints, default=[10, 100, 1000, 10000], help="rule counts")
    parser.add_argument("--repetitions", type=int, help="timed repetitions per size (7)")
    parser.add_argument("--profiles", type=int, help="synthetic profiles per size (50)")
    parser.add_argument("--compile-repetitions", type=int, help="compilations per size (3)")
    parser.add_argument("--memory-evaluations", type=int, help="evaluations for memory (100,000)")
    parser.add_argument("--service-seconds", type=float, help="measured seconds per load run (5)")
    parser.add_argument("--service-warmup", type=float, help="warm-up seconds per load run (1)")
    parser.add_argument("--service-workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument("--concurrency", type=_ints, default=[1, 16])
    parser.add_argument(
        "--durable-chunks",
        type=_ints,
        default=[0, 100, 50],
        help="durable_rules configurations to try in turn: rules per ruleset, 0 for one",
    )
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-service", action="store_true")
    parser.add_argument(
        "--batch-profiles", type=int, help="country-years for advisor batch (100,000)"
    )
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer profiles, shorter runs")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    chosen = QUICK if args.quick else DEFAULTS
    for name, value in chosen.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    failed = False
    runs = []
    for size in args.sizes:
        run = engine_run(size, args)
        failed |= run.error is not None or (run.result or {}).get("agree") is False
        runs.append(run)
    report = Report(command=_command(args), context=_context(), engines=runs)
    if not args.skip_memory:
        _progress(f"memory: {args.memory_evaluations:,} evaluations of the bundled rules")
        report.memory, report.memory_error = _worker(
            ["-m", "benchmarks.memory", "--evaluations", str(args.memory_evaluations)],
            WORKER_TIMEOUT,
        )
    if not args.skip_service:
        _progress(f"service: concurrency {args.concurrency}, {args.service_seconds:g} s each")
        try:
            report.service = measure_service(
                ROOT,
                args.concurrency,
                args.service_seconds,
                args.service_warmup,
                args.service_workers,
            )
        except Exception as exc:  # the rest of the report is still worth writing
            report.service_error = f"{type(exc).__name__}: {exc}"
    if not args.skip_batch:
        _progress(f"batch: {args.batch_profiles:,} profiles, 1 and 2 workers, Dask")
        report.batch, report.batch_error = _worker(
            ["-m", "benchmarks.batch", "--profiles", str(args.batch_profiles), *BATCH_ONCE],
            BATCH_TIMEOUT,
        )
    text = render(report)
    print(text, end="")
    args.output.write_text(text)
    return 1 if failed else 0


def engine_run(size: int, args: argparse.Namespace) -> EngineRun:
    run = EngineRun(rules=size)
    common = ["--rules", str(size), "--profiles", str(args.profiles)]
    chunk: int | None = None
    for candidate in args.durable_chunks:
        if candidate and candidate >= size:
            continue  # the same program as one ruleset
        label = "one rules ruleset" if not candidate else f"rulesets of <= {candidate} rules"
        _progress(f"{size:,} rules: probing durable_rules, {label}")
        probe, error = _worker(
            [
                "-m",
                "benchmarks.engines",
                *common,
                "--probe-durable",
                "--durable-chunk",
                str(candidate),
            ],
            PROBE_TIMEOUT + size / 100,
        )
        outcome = error or ("holds" if probe and probe.get("agree") else "disagreed")
        run.durable_attempts.append((label, outcome))
        if outcome == "holds":
            chunk = candidate
            break
    if chunk is None:
        run.durable_missing = "no configuration tried held"
    timing = [
        "--repetitions",
        str(args.repetitions),
        "--compile-repetitions",
        str(args.compile_repetitions),
    ]
    durable = ["--skip-durable"] if chunk is None else ["--durable-chunk", str(chunk)]
    _progress(f"{size:,} rules: compiling and timing")
    result, error = _worker(
        ["-m", "benchmarks.engines", *common, *timing, *durable], WORKER_TIMEOUT
    )
    if error and chunk is not None:
        run.durable_missing = f"the timing run {error}; timed again without it"
        _progress(f"{size:,} rules: {error}; again without durable_rules")
        result, error = _worker(
            ["-m", "benchmarks.engines", *common, *timing, "--skip-durable"], WORKER_TIMEOUT
        )
    run.result, run.error = result, error
    return run


def _worker(args: list[str], timeout: float) -> tuple[dict[str, Any] | None, str | None]:
    """A benchmark module in a subprocess: its JSON answer, or what went wrong."""
    try:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"
    answer = None
    lines = done.stdout.strip().splitlines()
    if lines:
        try:
            answer = json.loads(lines[-1])
        except json.JSONDecodeError:
            answer = None
    if done.returncode == -signal.SIGALRM:
        return answer, "hung creating the ruleset (stopped after a time limit)"
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        return answer, f"crashed ({name})"
    if done.returncode == 3 and answer is not None:
        return answer, None  # ran, and reports a disagreement in its answer
    if done.returncode != 0 or answer is None:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return answer, f"failed (exit {done.returncode}: {last[:200]})"
    return answer, None


def _command(args: argparse.Namespace) -> str:
    parts = ["python -m benchmarks", "--sizes", ",".join(str(s) for s in args.sizes)]
    parts += ["--repetitions", str(args.repetitions), "--profiles", str(args.profiles)]
    if args.quick:
        parts.append("--quick")
    return " ".join(parts)


def _context() -> list[str]:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(
        f"{name} {_version(name)}" for name in ("durable-rules", "zen-engine", "fastapi", "uvicorn")
    )
    return [
        f"{now}; src/advisor at {_advisor_commit()}.",
        f"Python {platform.python_version()}, {versions}.",
        f"{_cpu()}, {os.cpu_count()} CPUs, shared with other work: compare ratios within "
        "one run, not absolute times across runs.",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _advisor_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("log", "-1", "--format=%h", "--", "src/advisor")
        dirty = git("status", "--porcelain", "--", "src/advisor")
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _progress(message: str) -> None:
    print(f"[benchmarks] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
