"""Find a profile that makes a rule fire, or keeps it silent.

A rule no profile can fire is dead weight, and one no profile can keep silent
recommends its measures unconditionally; both are authoring mistakes that
validation cannot see. The search takes candidate values for each indicator
the rule reads from the thresholds the whole rule set uses (`analysis.candidates`:
each threshold, just below and just above it, and the ends of the range), then tries
combinations with the reference evaluator. It finds a witness for any
condition made of the rule language's comparisons; it is a search, not a
proof, so `None` means "none found within the budget".
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence

from advisor.analysis.candidates import candidates, thresholds
from advisor.language.expressions import Truth3, Value, truth
from advisor.language.profile import Series, operand_values
from advisor.language.ruleset import RuleSet

__all__ = ["Witness", "find_witness"]

#: indicator id -> value as a profile gives it (a series maps period -> number)
Witness = dict[str, Value | Series]


def find_witness(
    ruleset: RuleSet, rule_id: str, fires: bool, *, budget: int = 20_000, seed: int = 0
) -> Witness | None:
    """Indicator values under which the rule's condition is `fires` (True or definitely False)."""
    rule = ruleset.rules[rule_id]
    indicators = sorted(rule.indicators)
    conditions = [s.condition for s in ruleset.signals.values()]
    conditions += [r.condition for r in ruleset.rules.values()]
    found = thresholds(conditions)
    choices = [
        candidates(ruleset.indicators[i], found.get(i, ()), range_ends=True) for i in indicators
    ]
    for combination in _combinations(choices, budget, seed):
        witness = dict(zip(indicators, combination, strict=True))
        if _rule_outcome(ruleset, rule_id, witness) is fires:
            return witness
    return None


def _rule_outcome(ruleset: RuleSet, rule_id: str, witness: Witness) -> Truth3:
    values = operand_values(ruleset, witness)
    return truth(ruleset.rules[rule_id].condition, values, ruleset.signal_states(values))


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
