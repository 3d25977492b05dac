"""Sensitivity of a decision: which single-indicator changes would remove a recommendation
or raise its priority. (Changes the user asks for are `analysis.overrides`, --set/--unset.)

For each recommended measure the candidates (`analysis.candidates`) are the values just
across every threshold that the rules acting on it read (directly or through signals):
where a condition's margin runs out (see `explain.margin`), a boolean flipped, another
category. Each candidate is tried with the reference evaluator and resolved by the
decision policy (`decision.policy`), so what is reported is a change that has been
checked, not inferred. Series indicators are left out: a series has no single value to
move.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from advisor.analysis.candidates import thresholds, value_candidates
from advisor.decision.model import Decision, Sensitivity, SensitivityChange, unvalidated
from advisor.decision.policy import PolicyIndex
from advisor.language.expressions import Value, truth
from advisor.language.models import IndicatorType, Priority
from advisor.language.profile import Observations
from advisor.language.ruleset import Rule, RuleSet

__all__ = ["sensitivity"]


def sensitivity(
    ruleset: RuleSet,
    observations: Observations,
    decision: Decision,
    policy: PolicyIndex | None = None,
) -> list[Sensitivity]:
    """For each recommendation, the single-indicator changes that remove it or raise it.

    `policy` is the rule set's index (the `Advisor` keeps one); built here if not given.
    """
    policy = policy or PolicyIndex(ruleset)
    signal_conditions = [signal.condition for signal in ruleset.signals.values()]
    results = []
    for recommendation in decision.recommendations:
        measure = recommendation.measure
        acting = policy.acting_rules(measure)
        found = thresholds([*(rule.condition for rule in acting), *signal_conditions])
        changes: list[SensitivityChange] = []
        for indicator in sorted(set().union(*(rule.indicators for rule in acting))):
            spec = ruleset.indicators[indicator]
            if spec.type is IndicatorType.SERIES:
                continue
            now = observations.values.get(indicator)
            tried = value_candidates(spec, found.get(indicator, ()), range_ends=False)
            for candidate in (value for value in tried if value != now):
                values = dict(observations.values)
                values[indicator] = candidate
                fired = _fired(ruleset, acting, values)
                after = policy.final_priority(measure, fired)
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


def _fired(ruleset: RuleSet, acting: Iterable[Rule], values: Mapping[str, Value]) -> list[Rule]:
    signals = ruleset.signal_states(values)
    return [rule for rule in acting if truth(rule.condition, values, signals) is True]


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
