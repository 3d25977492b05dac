"""One rule-set size, in a process of its own: compile, check agreement, time the engines.

    python -m benchmarks.engines --rules 100 --profiles 50 --repetitions 7 [--durable-chunk N]
    python -m benchmarks.engines --rules 1000 --probe-durable [--durable-chunk N]

Prints one JSON object on its last line. The orchestrator (`run.py`) runs
this in a subprocess because the plain durable_rules program may crash or
hang at some sizes; `--probe-durable` only builds that program and checks it
on every profile, to find a configuration that holds before timing.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import workload as wl

#: evaluate one profile, return the ids of the rules that fired
Runner = Callable[[Mapping[str, float]], Any]

MIN_REPETITION_SECONDS = 0.25  # below this a repetition repeats its profiles (rounds)
MAX_ROUNDS = 20
BUILD_TIMEOUT = 30  # seconds; 10,000 rules in rulesets of 100 build in about 1 s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, required=True)
    parser.add_argument("--profiles", type=int, default=50)
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--compile-repetitions", type=int, default=3)
    parser.add_argument("--durable-chunk", type=int, default=0, help="0: one rules ruleset")
    parser.add_argument("--skip-durable", action="store_true")
    parser.add_argument("--probe-durable", action="store_true")
    args = parser.parse_args(argv)

    workload = wl.generate(args.rules)
    profiles = wl.profiles(workload, args.profiles)
    expected = [wl.fired(workload, p) for p in profiles]
    if args.probe_durable:
        result = _probe(workload, profiles, expected, args.durable_chunk or None)
    else:
        result = _measure(workload, profiles, expected, args)
    print(json.dumps(result), flush=True)
    return 0 if result.get("agree", True) else 3


def _probe(
    workload: wl.Workload,
    profiles: list[wl.Profile],
    expected: list[set[str]],
    chunk: int | None,
) -> dict[str, Any]:
    from .durable_program import DurableProgram

    # Creating a ruleset too large for the core hangs in C, holding the GIL: only a
    # signal's default action (terminate) can end it. The parent reports SIGALRM as a hang.
    signal.alarm(BUILD_TIMEOUT)
    program = DurableProgram(workload, chunk)
    signal.alarm(0)
    agree = all(set(program.run(p)) == e for p, e in zip(profiles, expected, strict=True))
    return {"agree": agree, "rulesets": program.rulesets}


def _measure(
    workload: wl.Workload,
    profiles: list[wl.Profile],
    expected: list[set[str]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    from advisor import Advisor

    from .zen_program import ZenProgram

    result: dict[str, Any] = {
        "rules": len(workload.rules),
        "indicators": workload.indicators,
        "signals": len(workload.signals),
        "profiles": len(profiles),
        "repetitions": args.repetitions,
    }
    with tempfile.TemporaryDirectory() as directory:
        root = wl.write_rules(workload, Path(directory))
        compile_times, advisor = _compile(lambda: Advisor.from_directory(root), args)
    result["compile"] = {"advisor": compile_times}
    result["engine_rulesets"] = _count_rulesets(advisor)
    advisor_profiles = [wl.advisor_profile(p) for p in profiles]

    runners: dict[str, Runner] = {}
    fired_by: dict[str, Callable[[Any], set[str]]] = {}

    def advise(profile: Mapping[str, Any]) -> Any:
        decision = advisor.evaluate(profile)
        decision.to_json_bytes()  # the whole decision: explained and serialised, as served
        return decision

    def advise_in_full(profile: Mapping[str, Any]) -> Any:
        decision = advisor.evaluate(profile, detail="full")
        decision.to_json_bytes()
        return decision

    runners["advisor"] = advise
    fired_by["advisor"] = lambda decision: set(decision.fired)
    runners["advisor, full detail"] = advise_in_full
    fired_by["advisor, full detail"] = lambda decision: set(decision.fired)
    engine_only = _engine_only(advisor)
    if engine_only is not None:
        runners["advisor engine only"] = engine_only
        fired_by["advisor engine only"] = _firing_rules
    if not args.skip_durable:
        from .durable_program import DurableProgram

        times, durable = _compile(
            lambda: DurableProgram(workload, args.durable_chunk or None), args
        )
        result["compile"]["durable_rules"] = times
        result["durable_rulesets"] = durable.rulesets
        runners["durable_rules"] = durable.run
        fired_by["durable_rules"] = set
    times, zen_program = _compile(lambda: ZenProgram(workload), args)
    result["compile"]["zen-engine"] = times
    runners["zen-engine"] = zen_program.run
    fired_by["zen-engine"] = set

    inputs = {
        name: advisor_profiles if name.startswith("advisor") else profiles for name in runners
    }
    # Correctness before speed: every engine fires exactly the reference's rules.
    disagreements: list[str] = []
    duplicates = 0
    for index, want in enumerate(expected):
        for name, run in runners.items():
            got = run(inputs[name][index])
            if name == "durable_rules":
                duplicates += len(got) - len(set(got))
            if fired_by[name](got) != want:
                disagreements.append(f"{name} on profile {index}")
    result["agree"] = not disagreements
    result["disagreements"] = disagreements[:10]
    result["durable_duplicate_firings"] = duplicates
    result["firing"] = statistics.mean(len(e) for e in expected) / max(1, len(workload.rules))
    if disagreements:
        return result

    rounds = _rounds(runners, inputs)
    result["rounds"] = rounds
    wall, cpu = _time(runners, inputs, args.repetitions, rounds)
    result["us"] = {name: statistics.median(samples) for name, samples in wall.items()}
    result["cpu_us"] = {name: statistics.median(samples) for name, samples in cpu.items()}
    return result


def _compile(build: Callable[[], Any], args: argparse.Namespace) -> tuple[list[float], Any]:
    """Seconds for each of the repetitions; the last build is kept."""
    times: list[float] = []
    built: Any = None
    for _ in range(max(1, args.compile_repetitions)):
        if built is not None and hasattr(built, "close"):
            built.close()
        start = time.perf_counter_ns()
        built = build()
        times.append((time.perf_counter_ns() - start) / 1e9)
    return times, built


def _count_rulesets(advisor: Any) -> int | None:
    plan = getattr(advisor, "plan", None)
    rulesets = getattr(plan, "rulesets", None)
    return len(rulesets) if rulesets is not None else None


def _engine_only(advisor: Any) -> Runner | None:
    """The engine without the decision's assembly (private API: fine for a benchmark)."""
    engine = getattr(advisor, "_engine", None)
    if engine is None or not hasattr(engine, "run") or not hasattr(advisor, "observe"):
        return None

    def run(profile: Mapping[str, Any]) -> Any:
        return engine.run(advisor.observe(profile).values)

    return run


def _firing_rules(firing: Any) -> set[str]:
    return set(getattr(firing, "rules", ()))


def _rounds(runners: Mapping[str, Runner], inputs: Mapping[str, list[Any]]) -> int:
    """Warm up, and pick how often a repetition goes over the profiles."""
    start = time.perf_counter()
    for name, run in runners.items():
        for profile in inputs[name]:
            run(profile)
    elapsed = time.perf_counter() - start
    return max(1, min(MAX_ROUNDS, math.ceil(MIN_REPETITION_SECONDS / max(elapsed, 1e-9))))


def _time(
    runners: Mapping[str, Runner], inputs: Mapping[str, list[Any]], repetitions: int, rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per-profile microseconds (wall and process CPU) for each engine, one sample a repetition.

    Engines are interleaved profile by profile, their order rotating, so a
    burst of load from elsewhere on the machine hits them all alike.
    """
    names = list(runners)
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    count = len(next(iter(inputs.values())))
    for _ in range(repetitions):
        spent = dict.fromkeys(names, 0)
        spent_cpu = dict.fromkeys(names, 0)
        turn = 0
        for _ in range(rounds):
            for index in range(count):
                turn += 1
                for k in range(len(names)):
                    name = names[(turn + k) % len(names)]
                    run, profile = runners[name], inputs[name][index]
                    c0 = time.process_time_ns()
                    t0 = time.perf_counter_ns()
                    run(profile)
                    spent[name] += time.perf_counter_ns() - t0
                    spent_cpu[name] += time.process_time_ns() - c0
        for name in names:
            wall[name].append(spent[name] / 1e3 / (rounds * count))
            cpu[name].append(spent_cpu[name] / 1e3 / (rounds * count))
    return wall, cpu


if __name__ == "__main__":
    sys.exit(main())
