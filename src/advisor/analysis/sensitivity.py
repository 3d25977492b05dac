"""Sensitivity of a decision: which single-indicator changes would remove a recommendation
or raise its priority. (Changes the user asks for are `analysis.overrides`, --set/--unset.)

For each recommended measure the candidates (`analysis.candidates`) are the values just
across every threshold that the rules acting on it read (directly or through signals):
where a condition's margin runs out (see `decision.explainer`), a boolean flipped, another
category. Each candidate is tried with the reference evaluator and resolved by the
decision policy (`decision.policy`), so what is reported is a change that has been
checked, not inferred. A series is changed one period at a time
(`candidates.period_candidates`): the value of the latest period that puts `change()`,
`latest()` or `mean()` just across a threshold (the one before it for `previous()`),
and the change names its period. A series the profile does not give is left out: it
has no period to change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from advisor.analysis.candidates import (
    Threshold,
    period_candidates,
    thresholds,
    value_candidates,
)
from advisor.decision.document import Decision
from advisor.decision.model import Sensitivity, SensitivityChange, unvalidated
from advisor.decision.policy import PolicyIndex
from advisor.language.expressions import Value, truth
from advisor.language.models import IndicatorType, Priority
from advisor.language.profile import Observations, Series, operand_values
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
            tries = _tries(ruleset, observations, indicator, found.get(indicator, ()))
            for period, now, candidate, values in tries:
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
                        period=period,
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


#: (period or None, value now, value tried, every operand value with the change made)
_Try = tuple[str | None, Value | None, Value, dict[str, Value]]


def _tries(
    ruleset: RuleSet, observations: Observations, indicator: str, found: Sequence[Threshold]
) -> Iterator[_Try]:
    """Each single change of one indicator worth trying: a value, or one period of a series."""
    spec = ruleset.indicators[indicator]
    if spec.type is not IndicatorType.SERIES:
        now = observations.values.get(indicator)
        for candidate in value_candidates(spec, found, range_ends=False):
            if candidate != now:
                yield None, now, candidate, {**observations.values, indicator: candidate}
        return
    series: Series | None = observations.indicators.get(indicator)  # type: ignore[assignment]
    if not series:
        return
    # the operands read from other indicators stay; those of this series are derived again
    others = {
        key: value for key, value in observations.values.items() if not _reads(key, indicator)
    }
    for period, candidate in period_candidates(spec, series, found):
        if candidate != series[period]:
            changed = operand_values(ruleset, {indicator: {**series, period: candidate}})
            yield period, series[period], candidate, {**others, **changed}


def _reads(key: str, indicator: str) -> bool:
    """Whether an operand key (`x` or `change(x)`) reads the indicator."""
    return key == indicator or key.endswith(f"({indicator})")


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
