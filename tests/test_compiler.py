"""The compiler's model of the C core's alpha network."""

from __future__ import annotations

import random
from typing import Any

from advisor.compiler import _AlphaNetwork


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
        network, kept = _AlphaNetwork(), []
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
            fresh = _AlphaNetwork()
            for item in kept:
                fresh.add(item)
            assert network.bound() == fresh.bound()


def test_exclusive_equalities_count_once() -> None:
    network = _AlphaNetwork()
    for value in range(10):  # t == g1 then v0 == value: at most one can match a fact
        network.add({"$and": [{"t": "g1"}, {"v0": value}]})
    assert network.bound() == 1
    for value in range(10):  # ten thresholds can all hold at once
        network.add({"$and": [{"t": "g1"}, {"$gte": {"v1": value}}]})
    assert network.bound() == 11
