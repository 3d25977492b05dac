"""What-if for one indicator at a time: which single changes would remove a recommendation
or raise its priority.

For each recommended measure the candidates are the values just across every
threshold that the rules acting on it read (directly or through signals):
where a condition's margin runs out (see `explain.margin`), a boolean
flipped, another category. Each candidate is tried with the reference
evaluator, so what is reported is a change that has been checked, not
inferred. Series indicators are left out: a series has no single value to
move.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from advisor.decision.model import Decision, Sensitivity, SensitivityChange, unvalidated
from advisor.language.expressions import Between, Comparison, Condition, Value, atoms, truth
from advisor.language.models import IndicatorType, Priority
from advisor.language.profile import Observations
from advisor.language.ruleset import Rule, RuleSet

__all__ = ["sensitivity"]

#: how far past a strict threshold a candidate value goes
_NUDGE = {IndicatorType.INTEGER: 1, IndicatorType.NUMBER: 0.01}


def sensitivity(
    ruleset: RuleSet, observations: Observations, decision: Decision
) -> list[Sensitivity]:
    """For each recommendation, the single-indicator changes that remove it or raise it."""
    results = []
    for recommendation in decision.recommendations:
        measure = recommendation.measure
        acting = _acting_rules(ruleset, measure)
        changes: list[SensitivityChange] = []
        for indicator in sorted(set().union(*(rule.indicators for rule in acting))):
            spec = ruleset.indicators[indicator]
            if spec.type is IndicatorType.SERIES:
                continue
            now = observations.values.get(indicator)
            for candidate in _candidates(ruleset, indicator, acting, now):
                values = dict(observations.values)
                values[indicator] = candidate
                fired = _fired(ruleset, acting, values)
                after = _outcome(measure, fired)
                effect = _effect(recommendation.priority, after)
                if effect is None:
                    continue
                before = set(decision.fired) & {rule.id for rule in acting}
                changes.append(
                    unvalidated(
                        SensitivityChange,
                        indicator=indicator,
                        now=now,
                        to=candidate,
                        effect=effect,
                        priority=after,
                        rules=sorted(before ^ {rule.id for rule in fired}),
                    )
                )
        results.append(
            unvalidated(
                Sensitivity,
                measure=measure,
                priority=recommendation.priority,
                changes=_nearest(changes),
            )
        )
    return results


def _acting_rules(ruleset: RuleSet, measure: str) -> list[Rule]:
    """Rules that recommend or withhold the measure."""
    return [
        rule
        for rule in ruleset.rules.values()
        if any(a.measure == measure for a in rule.spec.recommend)
        or any(a.measure == measure for a in rule.spec.withhold)
    ]


def _candidates(
    ruleset: RuleSet, indicator: str, acting: Iterable[Rule], now: Value | None
) -> list[Value]:
    spec = ruleset.indicators[indicator]
    if spec.type is IndicatorType.BOOLEAN:
        return [not now] if isinstance(now, bool) else [True, False]
    if spec.type is IndicatorType.CATEGORY:
        return [c for c in spec.categories or () if c != now]
    nudge = _NUDGE.get(spec.type, 0.01)
    found: set[float | int] = set()
    conditions = [rule.condition for rule in acting]
    conditions += [signal.condition for signal in ruleset.signals.values()]
    for condition in conditions:
        for bound in _thresholds(condition, indicator):
            found |= {bound - nudge, bound, bound + nudge}
    low, high = spec.range or (float("-inf"), float("inf"))
    typed = {int(v) if spec.type is IndicatorType.INTEGER else round(v, 6) for v in found}
    return sorted(v for v in typed if low <= v <= high and v != now)


def _thresholds(condition: Condition, indicator: str) -> Iterator[float | int]:
    for leaf in atoms(condition):
        if isinstance(leaf, Comparison | Between) and leaf.operand.key == indicator:
            bounds = [leaf.low, leaf.high] if isinstance(leaf, Between) else [leaf.value]
            yield from (b for b in bounds if isinstance(b, int | float) and not isinstance(b, bool))


def _fired(ruleset: RuleSet, acting: Iterable[Rule], values: Mapping[str, Value]) -> list[Rule]:
    signals = ruleset.signal_states(values)
    return [rule for rule in acting if truth(rule.condition, values, signals) is True]


def _outcome(measure: str, fired: Iterable[Rule]) -> Priority | None:
    """The measure's priority when these rules fire; None if it is withheld or not recommended."""
    priorities: list[Priority] = []
    for rule in fired:
        if any(a.measure == measure for a in rule.spec.withhold):
            return None
        priorities += [a.priority for a in rule.spec.recommend if a.measure == measure]
    return max(priorities, key=lambda p: p.rank) if priorities else None


def _effect(before: Priority, after: Priority | None) -> str | None:
    if after is None:
        return "removes"
    return "raises" if after.rank > before.rank else None


def _nearest(changes: list[SensitivityChange]) -> list[SensitivityChange]:
    """Per indicator and effect, the change closest to the current value (the smallest move).

    When the profile does not give the indicator there is no current value to be
    near: the lowest value that has the effect is kept.
    """
    best: dict[tuple[str, str, Priority | None], SensitivityChange] = {}
    for change in changes:
        key = (change.indicator, change.effect, change.priority)
        kept = best.get(key)
        if kept is None or _distance(change) < _distance(kept):
            best[key] = change
    return sorted(best.values(), key=lambda c: (c.effect, c.indicator, _distance(c)))


def _distance(change: SensitivityChange) -> float:
    now, to = change.now, change.to
    if isinstance(now, int | float) and isinstance(to, int | float) and not isinstance(now, bool):
        return abs(float(to) - float(now))
    return 0.0
