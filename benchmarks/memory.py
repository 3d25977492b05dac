"""Resident memory before and after many evaluations of the bundled rules, in a fresh process.

    python -m benchmarks.memory [--evaluations 100000] [--rules DIR] [--profiles DIR]

Prints one JSON object. The "before" figure is taken after a warm-up, so
that what the first evaluations allocate once (caches, interned strings) is
not counted as growth.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
from pathlib import Path

WARM_UP = 1_000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def main(argv: list[str] | None = None) -> int:
    from advisor import Advisor, read_profile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--rules", type=Path, default=Path("rules"))
    parser.add_argument("--profiles", type=Path, default=Path("examples/profiles"))
    args = parser.parse_args(argv)

    advisor = Advisor.from_directory(args.rules)
    paths = sorted(args.profiles.glob("*.yaml"))
    # Raw profiles, as a service receives them: parsing is part of each evaluation.
    profiles = [read_profile(p).model_dump(exclude_none=True) for p in paths]
    for index in range(WARM_UP):
        advisor.evaluate(profiles[index % len(profiles)])
    gc.collect()
    before = rss_mb()
    for index in range(args.evaluations):
        advisor.evaluate(profiles[index % len(profiles)])
    gc.collect()
    after = rss_mb()
    result = {
        "rules": len(advisor.ruleset.rules),
        "profiles": len(profiles),
        "evaluations": args.evaluations,
        "before_mb": before,
        "after_mb": after,
        # ru_maxrss is in KiB
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
