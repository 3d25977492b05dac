"""The packing's model of the C core's alpha network."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from advisor.engine.alpha_network import AlphaNetwork


def random_pattern(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    roll = rng.random()
    if depth < 2 and roll < 0.25:
        return {"$and": [random_pattern(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if depth < 2 and roll < 0.4:
        return {"$or": [random_pattern(rng, depth + 1) for _ in range(rng.randint(2, 3))]}
    attribute = f"v{rng.randrange(4)}"
    if rng.random() < 0.3:
        return {attribute: rng.randrange(3)}
    return {rng.choice(["$gte", "$lt"]): {attribute: rng.randrange(3)}}


def test_incremental_bound_equals_a_fresh_count() -> None:
    # Patterns are added, and some rolled back, as packing does; after each step
    # the kept-up-to-date bound must equal the bound of a network built afresh.
    rng = random.Random(3)
    for _ in range(30):
        network, kept = AlphaNetwork(), []
        for _ in range(25):
            pattern = {"$and": [{"t": "g1"}, random_pattern(rng)]}
            mark = network.mark()
            network.add(pattern)
            bound = network.bound()
            if rng.random() < 0.3:
                network.rollback(mark)
                assert network.bound() <= bound  # adding a pattern never lowers the bound
            else:
                kept.append(pattern)
            fresh = AlphaNetwork()
            for item in kept:
                fresh.add(item)
            assert network.bound() == fresh.bound()


def test_exclusive_equalities_count_once() -> None:
    network = AlphaNetwork()
    for value in range(10):  # t == g1 then v0 == value: at most one can match a fact
        network.add({"$and": [{"t": "g1"}, {"v0": value}]})
    assert network.bound() == 1
    for value in range(10):  # ten thresholds can all hold at once
        network.add({"$and": [{"t": "g1"}, {"$gte": {"v1": value}}]})
    assert network.bound() == 11


def test_only_the_last_addition_can_be_rolled_back() -> None:
    network = AlphaNetwork()
    first = network.mark()
    network.add({"$and": [{"t": "g1"}, {"$gte": {"v0": 1}}]})
    network.add({"$and": [{"t": "g1"}, {"$gte": {"v0": 2}}]})
    with pytest.raises(ValueError, match="only the last add"):
        network.rollback(first)


def test_many_equalities_on_one_attribute_are_spread_over_groups(tmp_path: Path) -> None:
    # 520 rules `x.v == k` share one alpha node whose children the core keeps in a
    # 512-slot hash set: filling it hangs the core. Compiled in a child process with
    # a time limit, so that a regression fails instead of hanging the test run.
    rules = "\n".join(
        f"  - {{id: r{k}, title: R, when: x.v == {k}, because: b, source: s,"
        f" recommend: [{{measure: m, priority: low}}]}}"
        for k in range(520)
    )
    (tmp_path / "rules.yaml").write_text(
        "indicators:\n  - {id: x.v, title: X, type: integer}\n"
        "measures:\n  - {id: m, title: M, area: diplomacy, description: d,"
        " outcomes: [o], horizon: short}\n"
        f"rules:\n{rules}\n",
        encoding="utf-8",
    )
    script = (
        "import sys; from advisor import Advisor; from advisor.engine import limits\n"
        # one ruleset for all 520 rules, so that they share the node
        "limits.ACTIONS_PER_RULESET = limits.MAX_RULES_PER_RULESET\n"
        "a = Advisor.from_directory(sys.argv[1])\n"
        "print(len(a.plan.rulesets[0].groups), a.evaluate({'country': 'X', "
        "'indicators': {'x.v': 7}}).fired)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    groups, fired = result.stdout.split(" ", 1)
    assert int(groups) >= 3  # sentinel group and at least two groups of rules
    assert fired.strip() == "['r7']"
