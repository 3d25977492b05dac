"""One decision from what the engine fired: recommendations, withholding, safeguards,
signals, undetermined rules and data gaps, with the engine cross-checked by the reference
evaluator for every signal and every fired or data-lacking rule.
"""

from __future__ import annotations

from collections import defaultdict

from advisor.decision.explain import condition_results, render_because
from advisor.decision.model import (
    ConditionResult,
    DataGap,
    Decision,
    Reason,
    Recommendation,
    SafeguardNote,
    SignalResult,
    UndeterminedRule,
    WithheldMeasure,
    unvalidated,
)
from advisor.engine.driver import Firing
from advisor.errors import EngineError
from advisor.language.expressions import truth
from advisor.language.models import Priority
from advisor.language.profile import Observations
from advisor.language.ruleset import Rule, RuleSet

__all__ = ["DecisionAssembly"]


class DecisionAssembly:
    """Builds a Decision from what fired; checks the engine against the reference evaluator.

    Output models are made with `decision.model.unvalidated`, not validated again: every
    value in them comes from the checked rule set and profile.
    """

    def __init__(self, ruleset: RuleSet, observations: Observations, firing: Firing) -> None:
        self.ruleset = ruleset
        self.values = observations.values
        self.observations = observations
        self.firing = firing
        self.signals = self._signal_states()
        self._reasons: dict[tuple[str, Priority | None], Reason] = {}
        self._texts: dict[str, str] = {}
        self._condition_results: dict[str, list[ConditionResult]] = {}

    def _signal_states(self) -> dict[str, bool | None]:
        states: dict[str, bool | None] = {}
        for sid, signal in self.ruleset.signals.items():  # dependency order
            if sid in self.firing.signals_true:
                states[sid] = True
                continue
            outcome = truth(signal.condition, self.values, states)
            if outcome is True or (sid in self.firing.signals_false and outcome is not False):
                raise EngineError(f'engine and evaluator disagree on signal "{sid}"')
            states[sid] = outcome
        return states

    def _reason(self, rule: Rule, priority: Priority | None = None) -> Reason:
        # A rule that acts on several measures gives the same reason to each: build it once.
        key = (rule.id, priority)
        if key not in self._reasons:
            self._reasons[key] = unvalidated(
                Reason,
                rule=rule.id,
                title=rule.spec.title,
                priority=priority,
                because=self._because(rule),
                source=rule.spec.source,
                conditions=self._conditions(rule),
            )
        return self._reasons[key]

    def _conditions(self, rule: Rule) -> list[ConditionResult]:
        # The same for every measure and priority the rule acts on.
        if rule.id not in self._condition_results:
            self._condition_results[rule.id] = condition_results(
                rule.leaves, self.values, self.signals
            )
        return self._condition_results[rule.id]

    def _because(self, rule: Rule) -> str:
        if rule.id not in self._texts:
            self._texts[rule.id] = render_because(rule.spec.because, self.values)
        return self._texts[rule.id]

    def decision(self) -> Decision:
        fired: list[Rule] = []
        undetermined: list[UndeterminedRule] = []
        known = self.values.keys()
        for rule_id, rule in self.ruleset.rules.items():
            engine_says = rule_id in self.firing.rules
            reads = self.ruleset.rule_operands[rule_id]
            if engine_says or not reads.keys() <= known:
                outcome = truth(rule.condition, self.values, self.signals)
                if (outcome is True) != engine_says:
                    raise EngineError(f'engine and evaluator disagree on rule "{rule_id}"')
                if outcome is None:
                    # A value is missing when its indicator is, or when the series is
                    # too short for the function read (change() of one period).
                    missing = sorted({reads[key] for key in reads.keys() - known})
                    undetermined.append(
                        unvalidated(
                            UndeterminedRule, rule=rule_id, title=rule.spec.title, missing=missing
                        )
                    )
            if engine_says:
                fired.append(rule)
        recommendations, withheld = self._measures(fired)
        return unvalidated(
            Decision,
            country=self.observations.country,
            period=self.observations.period,
            ruleset=self.ruleset.content_hash,
            recommendations=recommendations,
            withheld=withheld,
            signals=[
                unvalidated(
                    SignalResult,
                    signal=sid,
                    title=signal.spec.title,
                    conditions=condition_results(signal.leaves, self.values, self.signals),
                )
                for sid, signal in sorted(self.ruleset.signals.items())
                if self.signals.get(sid) is True
            ],
            fired=sorted(rule.id for rule in fired),
            undetermined=undetermined,
            data_gaps=self._data_gaps(undetermined),
            sensitivity=None,
        )

    def _measures(self, fired: list[Rule]) -> tuple[list[Recommendation], list[WithheldMeasure]]:
        recommended: dict[str, list[tuple[Priority, Rule]]] = defaultdict(list)
        withholding: dict[str, list[Rule]] = defaultdict(list)
        safeguards: dict[str, list[SafeguardNote]] = defaultdict(list)
        for rule in fired:
            for action in rule.spec.recommend:
                recommended[action.measure].append((action.priority, rule))
            for withheld_action in rule.spec.withhold:
                withholding[withheld_action.measure].append(rule)
            for guard in rule.spec.safeguard:
                safeguards[guard.measure].append(
                    unvalidated(
                        SafeguardNote,
                        requires=guard.requires,
                        rule=rule.id,
                        because=self._because(rule),
                    )
                )
        measures = self.ruleset.measures
        recommendations: list[Recommendation] = []
        for measure_id, reasons in recommended.items():
            if measure_id in withholding:
                continue
            spec = measures[measure_id]
            priority = max((p for p, _ in reasons), key=lambda p: p.rank)
            recommendations.append(
                unvalidated(
                    Recommendation,
                    measure=measure_id,
                    title=spec.title,
                    area=spec.area,
                    priority=priority,
                    description=spec.description,
                    outcomes=list(spec.outcomes),
                    horizon=spec.horizon,
                    reasons=[
                        self._reason(rule, p)
                        for p, rule in sorted(reasons, key=lambda pr: (-pr[0].rank, pr[1].id))
                    ],
                    safeguards=sorted(
                        safeguards.get(measure_id, []), key=lambda s: (s.rule, s.requires)
                    ),
                )
            )
        recommendations.sort(key=lambda r: (-r.priority.rank, r.measure))
        withheld = [
            unvalidated(
                WithheldMeasure,
                measure=measure_id,
                title=measures[measure_id].title,
                area=measures[measure_id].area,
                why=[
                    action.reason
                    for rule in sorted(rules, key=lambda r: r.id)
                    for action in rule.spec.withhold
                    if action.measure == measure_id and action.reason
                ],
                reasons=[self._reason(rule) for rule in sorted(rules, key=lambda r: r.id)],
                overridden=sorted(rule.id for _, rule in recommended.get(measure_id, [])),
            )
            for measure_id, rules in sorted(withholding.items())
        ]
        return recommendations, withheld

    def _data_gaps(self, undetermined: list[UndeterminedRule]) -> list[DataGap]:
        hidden: dict[str, list[str]] = defaultdict(list)
        for item in undetermined:
            for indicator in item.missing:
                hidden[indicator].append(item.rule)
        gaps = [
            unvalidated(
                DataGap, indicator=i, title=self.ruleset.indicators[i].title, rules=sorted(rules)
            )
            for i, rules in hidden.items()
        ]
        return sorted(gaps, key=lambda g: (-len(g.rules), g.indicator))
