"""Varied synthetic profiles for the bundled rules: the example profiles, shaken.

Each profile starts from one of `examples/profiles/` and moves each value a
little (numbers within their indicator's range, a flag or a category now and then
flipped), leaves some indicators out, and names a year from 2012 on: country-years
that exercise recommendations, withholding and undetermined rules alike. Seeded:
the same arguments give the same profiles.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from advisor import IndicatorType, RuleSet

__all__ = ["EXAMPLES", "country_years"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "profiles"


def country_years(ruleset: RuleSet, count: int, *, seed: int = 16) -> list[dict[str, Any]]:
    """`count` profiles over the rule set's catalogue."""
    rng = random.Random(seed)
    bases = [yaml.safe_load(path.read_text()) for path in sorted(EXAMPLES.glob("*.yaml"))]
    profiles = []
    for number in range(count):
        base = bases[number % len(bases)]
        indicators = {
            name: _shaken(rng, ruleset, name, value)
            for name, value in base["indicators"].items()
            if rng.random() >= 0.1
        }
        period = str(2012 + rng.randrange(13))
        profiles.append({"country": base["country"], "period": period, "indicators": indicators})
    return profiles


def _shaken(rng: random.Random, ruleset: RuleSet, name: str, value: Any) -> Any:
    spec = ruleset.indicators[name]
    if spec.type is IndicatorType.BOOLEAN:
        return (not value) if rng.random() < 0.2 else value
    if spec.type is IndicatorType.CATEGORY:
        return rng.choice(spec.categories or [value]) if rng.random() < 0.2 else value
    if isinstance(value, Mapping):
        return {period: _number(rng, spec, point) for period, point in value.items()}
    return _number(rng, spec, value)


def _number(rng: random.Random, spec: Any, value: float) -> float | int:
    moved = value * rng.uniform(0.8, 1.2) + rng.uniform(-0.5, 0.5)
    if spec.range is not None:
        low, high = spec.range
        moved = min(max(moved, low), high)
    if spec.type is IndicatorType.INTEGER or isinstance(value, int):
        return round(moved)
    return round(moved, 2)
