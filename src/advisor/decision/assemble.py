"""One decision from what the engine fired: recommendations, withholding, safeguards,
signals, undetermined rules and data gaps, with the engine cross-checked by the reference
evaluator for every signal and every fired or data-lacking rule.

Which measures the fired rules recommend, withhold and guard is the policy's to say
(`decision.policy`); this module puts its answer into words and output models.
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
from advisor.decision.policy import PolicyIndex, Recommended, Withheld
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

    def __init__(
        self,
        ruleset: RuleSet,
        observations: Observations,
        firing: Firing,
        policy: PolicyIndex | None = None,
    ) -> None:
        self.ruleset = ruleset
        #: build the index once per rule set and pass it in: building it touches every rule
        self.policy = policy or PolicyIndex(ruleset)
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
            self._texts[rule.id] = render_because(
                rule.spec.because, self.values, self.observations.indicators
            )
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
        resolution = self.policy.resolve(fired)
        return (
            [self._recommendation(r) for r in resolution.recommended],
            [self._withheld(w) for w in resolution.withheld],
        )

    def _recommendation(self, recommended: Recommended) -> Recommendation:
        spec = self.ruleset.measures[recommended.measure]
        return unvalidated(
            Recommendation,
            measure=recommended.measure,
            title=spec.title,
            area=spec.area,
            priority=recommended.priority,
            description=spec.description,
            outcomes=list(spec.outcomes),
            horizon=spec.horizon,
            reasons=[self._reason(a.rule, a.priority) for a in recommended.by],
            safeguards=[
                unvalidated(
                    SafeguardNote,
                    requires=guard.requires,
                    rule=guard.rule.id,
                    because=self._because(guard.rule),
                )
                for guard in recommended.safeguards
            ],
        )

    def _withheld(self, withheld: Withheld) -> WithheldMeasure:
        spec = self.ruleset.measures[withheld.measure]
        return unvalidated(
            WithheldMeasure,
            measure=withheld.measure,
            title=spec.title,
            area=spec.area,
            why=[a.reason for a in withheld.by if a.reason],
            reasons=[self._reason(a.rule) for a in withheld.by],
            overridden=[a.rule.id for a in withheld.overridden],
        )

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
