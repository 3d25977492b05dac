"""Profile -> Decision: durable_rules decides what fires; this module assembles the answer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._durable import Firing, NativeEngine
from .checks import check_ruleset, load_ruleset
from .compiler import EnginePlan, compile_plan
from .decision import (
    ConditionResult,
    DataGap,
    Decision,
    Reason,
    Recommendation,
    SafeguardNote,
    SignalResult,
    UndeterminedRule,
    WithheldMeasure,
    build,
)
from .errors import EngineError, Problem, RuleSetError
from .explain import condition_results, render_because
from .expressions import evaluate
from .models import Priority, SituationProfile
from .profile import Observations, check_profile, parse_profile
from .ruleset import Rule, RuleSet
from .sensitivity import sensitivity as sensitivity_of

__all__ = ["Advisor", "validate_directory"]


class Advisor:
    """A rule set compiled into the engine once, evaluated many times.

    Safe to share between threads; each evaluation is isolated and leaves
    nothing behind in the engine.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.plan: EnginePlan = compile_plan(ruleset)
        self._engine = NativeEngine(self.plan.rulesets, self.plan.signal_numbers)

    @classmethod
    def from_directory(cls, directory: Path | str) -> Advisor:
        """Load, check and compile the rule files of a directory."""
        return cls(load_ruleset(directory))

    def close(self) -> None:
        """Free the engine's memory now rather than when the advisor is garbage-collected."""
        self._engine.close()

    def observe(
        self, profile: SituationProfile | Mapping[str, Any], source: str = "<profile>"
    ) -> Observations:
        """Check a profile against the catalogue; raises `ProfileError` naming each problem."""
        if not isinstance(profile, SituationProfile):
            profile = parse_profile(profile, source)
        return check_profile(profile, self.ruleset, source)

    def evaluate(
        self,
        profile: SituationProfile | Mapping[str, Any] | Observations,
        *,
        sensitivity: bool = False,
    ) -> Decision:
        """The decision for one profile; with `sensitivity`, also what single changes would do."""
        observations = profile if isinstance(profile, Observations) else self.observe(profile)
        firing = self._engine.run(observations.values)
        decision = _Assembly(self.ruleset, observations, firing).decision()
        if sensitivity:
            what_if = sensitivity_of(self.ruleset, observations, decision)
            decision = build(Decision, **{**decision.__dict__, "sensitivity": what_if})
        return decision


def validate_directory(directory: Path | str) -> tuple[list[Problem], RuleSet | None]:
    """Check rule files, the engine's limits included: the problems, or the valid rule set.

    Raises `EngineError` if the engine refuses a ruleset the checks passed (a bug).
    """
    problems, ruleset = check_ruleset(directory)
    if ruleset is not None:
        try:
            Advisor(ruleset).close()
        except RuleSetError as exc:
            return list(exc.problems), None
    return problems, ruleset


class _Assembly:
    """Builds a Decision from what fired; checks the engine against the reference evaluator.

    Output models are made with `decision.build`, not validated again: every
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
            outcome = evaluate(signal.condition, self.values, states)
            if outcome is True or (sid in self.firing.signals_false and outcome is not False):
                raise EngineError(f'engine and evaluator disagree on signal "{sid}"')
            states[sid] = outcome
        return states

    def _reason(self, rule: Rule, priority: Priority | None = None) -> Reason:
        # A rule that acts on several measures gives the same reason to each: build it once.
        key = (rule.id, priority)
        if key not in self._reasons:
            self._reasons[key] = build(
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
                outcome = evaluate(rule.condition, self.values, self.signals)
                if (outcome is True) != engine_says:
                    raise EngineError(f'engine and evaluator disagree on rule "{rule_id}"')
                if outcome is None:
                    # A value is missing when its indicator is, or when the series is
                    # too short for the function read (change() of one period).
                    missing = sorted({reads[key] for key in reads.keys() - known})
                    undetermined.append(
                        build(
                            UndeterminedRule, rule=rule_id, title=rule.spec.title, missing=missing
                        )
                    )
            if engine_says:
                fired.append(rule)
        recommendations, withheld = self._measures(fired)
        return build(
            Decision,
            country=self.observations.country,
            period=self.observations.period,
            ruleset=self.ruleset.content_hash,
            recommendations=recommendations,
            withheld=withheld,
            signals=[
                build(
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
                    build(
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
                build(
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
            build(
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
            build(DataGap, indicator=i, title=self.ruleset.indicators[i].title, rules=sorted(rules))
            for i, rules in hidden.items()
        ]
        return sorted(gaps, key=lambda g: (-len(g.rules), g.indicator))
