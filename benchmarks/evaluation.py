"""Evaluation time per profile and memory over many evaluations, on the bundled rule set.

    python benchmarks/evaluation.py [--evaluations N] [--rules DIR] [--profiles DIR]

Prints the rule count, profile count and repetitions with every figure.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from advisor import Advisor, read_profile


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--rules", type=Path, default=Path("rules"))
    parser.add_argument("--profiles", type=Path, default=Path("examples/profiles"))
    args = parser.parse_args()

    advisor = Advisor.from_directory(args.rules)
    profiles = [advisor.observe(read_profile(p)) for p in sorted(args.profiles.glob("*.yaml"))]
    rules = len(advisor.ruleset.rules)
    print(
        f"rule set: {rules} rules, {len(advisor.ruleset.signals)} signals, "
        f"{len(advisor.plan.rulesets)} durable_rules rulesets; {len(profiles)} profiles"
    )

    for _ in range(200):  # warm up
        for observations in profiles:
            advisor.evaluate(observations)
    samples = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(100):
            for observations in profiles:
                advisor.evaluate(observations)
        samples.append((time.perf_counter() - start) / (100 * len(profiles)))
    print(
        f"evaluation with explanation: median {statistics.median(samples) * 1e6:.0f} us/profile "
        f"(7 repetitions x 100 rounds x {len(profiles)} profiles)"
    )

    before = rss_mb()
    for index in range(args.evaluations):
        advisor.evaluate(profiles[index % len(profiles)])
    after = rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB
    print(
        f"memory: {before:.1f} MB before, {after:.1f} MB after {args.evaluations} evaluations "
        f"(growth {after - before:+.1f} MB); peak RSS {peak:.1f} MB"
    )


if __name__ == "__main__":
    main()
