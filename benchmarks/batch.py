"""`advisor batch` throughput: 1 and 2 local workers and a two-worker Dask cluster, side by side.

    python -m benchmarks.batch [--profiles 2000] [--repetitions 3]

Writes `--profiles` varied country-years (`country_years`) as JSONL, starts a Dask
scheduler and two single-threaded workers on loopback, then, each repetition, runs
`advisor batch` on them in every configuration, interleaved, and also
`Advisor.evaluate` + `to_json_bytes` on the same profiles in this process (the batch's
per-profile overhead). Rows per second are the batch's own (its summary line: reading,
evaluating, writing; not the start-up); medians over the repetitions. The outputs of
all configurations must be the same bytes. A markdown table goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor import Advisor

from .country_years import country_years

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
DASK = Path(sys.executable).with_name("dask")
RATE = re.compile(r"rows in [\d.]+ s \(([\d,]+) rows/s\)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch")
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument(
        "--json", action="store_true", help="end with a JSON line (python -m benchmarks reads it)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        advisor = Advisor.from_directory(RULES)
        profiles = country_years(advisor.ruleset, args.profiles)
        source = root / "in.jsonl"
        source.write_text("".join(json.dumps(p) + "\n" for p in profiles), encoding="utf-8")
        cluster, address = _cluster(root)
        try:
            rates = _measure(root, source, address, advisor, profiles, args.repetitions)
        finally:
            for process in reversed(cluster):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
            advisor.close()
    print(_report(rates, args))
    if args.json:
        medians = {name: statistics.median(values) for name, values in rates.items()}
        print(json.dumps({"profiles": args.profiles, "repetitions": args.repetitions, **medians}))
    return 0


def _configurations(address: str) -> dict[str, list[str]]:
    return {
        "batch, 1 worker": ["--workers", "1"],
        "batch, 2 workers": ["--workers", "2"],
        "batch, Dask (2 workers)": ["--scheduler", address],
    }


def _measure(
    root: Path,
    source: Path,
    address: str,
    advisor: Advisor,
    profiles: list[dict[str, object]],
    repetitions: int,
) -> dict[str, list[float]]:
    rates: dict[str, list[float]] = {"Advisor.evaluate, in process": []}
    outputs: dict[str, bytes] = {}
    for repetition in range(repetitions):
        for name, options in _configurations(address).items():
            out = root / "out.jsonl"
            command = [sys.executable, "-m", "advisor.cli", "batch", str(source), "-o", str(out)]
            done = subprocess.run(
                [*command, "--rules", str(RULES), *options],
                capture_output=True,
                text=True,
                check=True,
            )
            found = RATE.search(done.stderr)
            assert found, done.stderr
            rates.setdefault(name, []).append(float(found.group(1).replace(",", "")))
            outputs[name] = out.read_bytes()
            print(f"repetition {repetition + 1}: {name}: {found.group(1)} rows/s", file=sys.stderr)
        start = time.perf_counter()
        for profile in profiles:
            advisor.evaluate(profile).to_json_bytes()
        rates["Advisor.evaluate, in process"].append(len(profiles) / (time.perf_counter() - start))
    assert len(set(outputs.values())) == 1, "the configurations wrote different bytes"
    return rates


def _cluster(root: Path) -> tuple[list[subprocess.Popen[bytes]], str]:
    scheduler_file = root / "scheduler.json"
    scheduler = ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
    processes = [_dask(*scheduler, "--scheduler-file", str(scheduler_file))]
    while not scheduler_file.exists() or not scheduler_file.stat().st_size:
        time.sleep(0.05)
    address = json.loads(scheduler_file.read_text())["address"]
    for number in range(2):
        worker = ["worker", address, "--nthreads", "1", "--no-dashboard"]
        processes.append(_dask(*worker, "--local-directory", str(root / f"w{number}")))
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
    return processes, address


def _dask(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(DASK), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _report(rates: dict[str, list[float]], args: argparse.Namespace) -> str:
    median = {name: statistics.median(values) for name, values in rates.items()}
    base = median["batch, 1 worker"]
    lines = [
        f"`python -m benchmarks.batch --profiles {args.profiles} --repetitions "
        f"{args.repetitions}`: {args.profiles:,} varied country-years, bundled rules, "
        f"{os.cpu_count()} CPUs; median rows/s over {args.repetitions} repetitions.",
        "",
        "| configuration | rows/s | vs batch, 1 worker |",
        "| --- | ---: | ---: |",
    ]
    for name, rate in median.items():
        lines.append(f"| {name} | {rate:,.0f} | {rate / base:.2f} |")
    overhead = median["Advisor.evaluate, in process"] / base - 1
    lines += ["", f"Per-profile overhead of batch (1 worker) over Advisor.evaluate: {overhead:.0%}"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
