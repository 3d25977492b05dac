"""Find a profile that makes a rule fire, or keeps it silent.

A rule no profile can fire is dead weight, and one no profile can keep silent
recommends its measures unconditionally; both are authoring mistakes that
validation cannot see. The search builds candidate values for each indicator
the rule reads from the thresholds the rule set itself uses (each threshold,
just below and just above it, and the ends of the range), then tries
combinations with the reference evaluator. It finds a witness for any
condition made of the rule language's comparisons; it is a search, not a
proof, so `None` means "none found within the budget".
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from advisor.language.expressions import (
    Between,
    Comparison,
    Membership,
    Truth3,
    Value,
    atoms,
    truth,
)
from advisor.language.models import IndicatorSpec, IndicatorType
from advisor.language.profile import Series, operand_values
from advisor.language.ruleset import RuleSet

__all__ = ["Witness", "find_witness"]

#: indicator id -> value as a profile gives it (a series maps period -> number)
Witness = dict[str, Value | Series]

_PERIODS = ("2023", "2024")
_STEP = {IndicatorType.INTEGER: 1.0, IndicatorType.NUMBER: 0.01, IndicatorType.SERIES: 0.01}


def find_witness(
    ruleset: RuleSet, rule_id: str, fires: bool, *, budget: int = 20_000, seed: int = 0
) -> Witness | None:
    """Indicator values under which the rule's condition is `fires` (True or definitely False)."""
    rule = ruleset.rules[rule_id]
    indicators = sorted(rule.indicators)
    thresholds = _thresholds(ruleset)
    choices = [_candidates(ruleset.indicators[i], thresholds[i]) for i in indicators]
    for combination in _combinations(choices, budget, seed):
        witness = dict(zip(indicators, combination, strict=True))
        if _rule_outcome(ruleset, rule_id, witness) is fires:
            return witness
    return None


def _rule_outcome(ruleset: RuleSet, rule_id: str, witness: Witness) -> Truth3:
    values = operand_values(ruleset, witness)
    return truth(ruleset.rules[rule_id].condition, values, ruleset.signal_states(values))


def _thresholds(ruleset: RuleSet) -> Mapping[str, list[tuple[str | None, Value]]]:
    """Per indicator, every (function, constant) some condition compares it with."""
    found: dict[str, list[tuple[str | None, Value]]] = defaultdict(list)
    conditions = [s.condition for s in ruleset.signals.values()]
    conditions += [r.condition for r in ruleset.rules.values()]
    for condition in conditions:
        for leaf in atoms(condition):
            if isinstance(leaf, Comparison):
                found[leaf.operand.indicator].append((leaf.operand.function, leaf.value))
            elif isinstance(leaf, Between):
                for bound in (leaf.low, leaf.high):
                    found[leaf.operand.indicator].append((leaf.operand.function, bound))
            elif isinstance(leaf, Membership):
                for member in leaf.values:
                    found[leaf.operand.indicator].append((leaf.operand.function, member))
    return found


def _candidates(
    spec: IndicatorSpec, thresholds: Sequence[tuple[str | None, Value]]
) -> list[Value | Series]:
    if spec.type is IndicatorType.BOOLEAN:
        return [True, False]
    if spec.type is IndicatorType.CATEGORY:
        return list(spec.categories or ())
    step = _STEP[spec.type]
    plain = [v for f, v in thresholds if f in (None, "latest", "previous", "mean")]
    points = _around([float(v) for v in plain if isinstance(v, int | float)], step, spec)
    if spec.type is not IndicatorType.SERIES:
        return [_as_type(p, spec) for p in points]
    # A series: two periods, chosen so that both plain thresholds and
    # change() thresholds (relative change of the latest period) are straddled.
    changes = [*_around([float(v) for f, v in thresholds if f == "change"], step, None), 0.0]
    bases = points or [1000.0]
    series: list[Value | Series] = []
    for latest in bases:
        for earlier in bases:
            series.append({_PERIODS[0]: earlier, _PERIODS[1]: latest})
        for change in changes:
            if 1 + change > 0 and latest != 0:
                series.append({_PERIODS[0]: round(latest / (1 + change), 6), _PERIODS[1]: latest})
    return series


def _around(values: Sequence[float], step: float, spec: IndicatorSpec | None) -> list[float]:
    """Each threshold, one step either side, and the ends of the range, inside the range."""
    low, high = spec.range if spec is not None and spec.range else (-math.inf, math.inf)
    points = {v + d for v in values for d in (-step, 0.0, step)}
    points |= {b for b in (low, high) if math.isfinite(b)}
    return sorted(round(p, 6) for p in points if low <= p <= high)


def _as_type(point: float, spec: IndicatorSpec) -> Value:
    return int(point) if spec.type is IndicatorType.INTEGER else point


def _combinations(
    choices: Sequence[Sequence[Value | Series]], budget: int, seed: int
) -> Iterator[tuple[Value | Series, ...]]:
    """Every combination if there are few enough; otherwise a seeded random sample."""
    if math.prod(len(c) for c in choices) <= budget:
        yield from itertools.product(*choices)
        return
    rng = random.Random(seed)
    for _ in range(budget):
        yield tuple(rng.choice(c) for c in choices)
