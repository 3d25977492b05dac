"""Why a rule or signal came out as it did, condition by condition, for a failing step.

A scenario that expected a rule to fire should say which of its conditions
failed, with the value met and the threshold it needed, not only that the rule
did not fire. The conditions come from the same compiled plan that explains a fired rule in a
decision (`decision.explainer.ConditionPlan`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from advisor.decision.explain import format_value
from advisor.decision.explainer import ConditionPlan
from advisor.decision.model import ConditionResult
from advisor.language.expressions import (
    Atom,
    Between,
    Comparison,
    Condition,
    SignalRef,
    Truth3,
    Value,
    atoms,
)
from advisor.language.ruleset import RuleSet

__all__ = ["describe_conditions", "missing_phrase", "signal_missing"]

_HOLDS = {True: "true", False: "false", None: "undetermined"}
_SIGNAL = {True: "holds", False: "does not hold", None: "is undetermined"}


def describe_conditions(
    condition: Condition,
    values: Mapping[str, Value],
    signals: Mapping[str, Truth3],
) -> str:
    """Each condition with the value it met, what it needs, and whether it held."""
    plan = ConditionPlan(condition)
    results = plan.results(plan.outcome(values, signals), values, signals)
    leaves = list(atoms(condition))
    typed = [ConditionResult.model_validate(result) for result in results]
    return "; ".join(_describe(leaf, result) for leaf, result in zip(leaves, typed, strict=True))


def _describe(leaf: Atom | SignalRef, result: ConditionResult) -> str:
    if isinstance(leaf, SignalRef):
        return f"signal {leaf.signal} {_SIGNAL[result.holds]}"
    key = result.reads or ""
    if result.value is None:
        return f"{result.condition} is undetermined ({key} is missing)"
    return (
        f"{result.condition} is {_HOLDS[result.holds]} "
        f"(value {format_value(key, result.value)}{_needs(key, leaf, result)})"
    )


def _needs(key: str, leaf: Atom, result: ConditionResult) -> str:
    threshold = result.threshold
    if threshold is None:
        return ""  # a boolean indicator standing alone
    if isinstance(leaf, Between) and isinstance(threshold, list):
        low, high = (format_value(key, t) for t in threshold)
        return f", needs between {low} and {high}"
    if isinstance(threshold, list):
        return ", needs one of " + ", ".join(format_value(key, t) for t in threshold)
    operator = leaf.op if isinstance(leaf, Comparison) else "=="
    return f", needs {operator} {format_value(key, threshold)}"


def signal_missing(ruleset: RuleSet, signal_id: str, values: Mapping[str, Value]) -> list[str]:
    """The values a signal reads, directly or through other signals, that are missing.

    A function of a series is named as such: `change(x)` is missing when the
    series has a single period, though `x` is given.
    """
    missing: set[str] = set()
    pending, seen = [signal_id], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for leaf in ruleset.signals[current].leaves:
            if isinstance(leaf, SignalRef):
                pending.append(leaf.signal)
            elif leaf.operand.key not in values:
                missing.add(leaf.operand.key)
    return sorted(missing)


def missing_phrase(missing: Sequence[str]) -> str:
    """ "x is missing", "x and y are missing"."""
    if len(missing) == 1:
        return f"{missing[0]} is missing"
    return ", ".join(missing[:-1]) + f" and {missing[-1]} are missing"
