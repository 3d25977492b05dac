"""One decision from what the engine fired: recommendations, withholding, safeguards (applied
or provisional), signals, the rules explained once, undetermined rules and data gaps.

One pass over the rules that matter: each fired rule, and each rule the profile lacks a value
for, is evaluated once by its compiled plan (`decision.explainer`); that evaluation is both the
cross-check of the engine and the rule's explanation. A rule whose values are all present and
that did not fire is false by the engine's word and costs nothing.

Which measures the rules recommend, withhold and guard is the policy's to say
(`decision.policy`); this module puts its answer into words and output models.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from advisor.decision.document import Decision
from advisor.decision.explainer import Explainer, Outcome
from advisor.decision.model import DECISION_VERSION, Detail
from advisor.decision.policy import PolicyIndex, Recommended, Withheld
from advisor.engine.driver import Firing
from advisor.errors import EngineError
from advisor.language.expressions import Truth3
from advisor.language.profile import Observations
from advisor.language.ruleset import Rule, RuleSet
from advisor.language.templates import split_key

__all__ = ["DecisionAssembly"]

#: a piece of the decision's JSON content
JSON = dict[str, Any]


_REF = operator.attrgetter("ref")  # C-level: a reference per recommending rule


@dataclass
class _Explained:
    """The rules a profile fires or leaves undetermined, each explained."""

    fired: list[Rule] = field(default_factory=list)
    undetermined: list[Rule] = field(default_factory=list)
    #: the decision's `rules`, by rule id
    rules: dict[str, JSON] = field(default_factory=dict)
    #: undetermined rule id -> the indicators that could decide it
    missing_of: dict[str, list[str]] = field(default_factory=dict)
    #: the operand keys of the rules explained and of the signals that hold
    read: set[str] = field(default_factory=set)


class DecisionAssembly:
    """Builds a Decision from what fired; checks the engine against the compiled conditions.

    It writes the decision's JSON content directly (see `decision.document`): plain dicts
    in `DecisionModel`'s field order, a field at its default left out. Every value in them
    comes from the checked rule set and profile; `tests/test_evaluate.py` validates them.
    """

    def __init__(
        self,
        ruleset: RuleSet,
        observations: Observations,
        firing: Firing,
        policy: PolicyIndex | None = None,
        explainer: Explainer | None = None,
        detail: Detail = "compact",
    ) -> None:
        self.ruleset = ruleset
        self.full = detail == "full"
        #: build these once per rule set and pass them in: building them touches every rule
        self.policy = policy or PolicyIndex(ruleset)
        self.explainer = explainer or Explainer(ruleset)
        self.values = observations.values
        self.observations = observations
        self.firing = firing
        self._signal_outcomes: dict[str, Outcome] = {}
        self.signals = self._signal_states()
        self._signal_missing: dict[str, set[str]] = {}

    def _signal_states(self) -> dict[str, Truth3]:
        states: dict[str, Truth3] = {}
        plans = self.explainer.signals
        for sid in self.ruleset.signals:  # dependency order
            truth = plans[sid].truth(self.values, states)
            engine_true = sid in self.firing.signals_true
            if (truth is True) != engine_true or (
                sid in self.firing.signals_false and truth is not False
            ):
                raise EngineError(f'engine and evaluator disagree on signal "{sid}"')
            states[sid] = truth
        return states

    def _signal_outcome(self, sid: str) -> Outcome:
        """A signal's outcome with its atoms', only where shown or deciding what is missing
        (the states of the signals it reads are final by then: dependency order)."""
        outcome = self._signal_outcomes.get(sid)
        if outcome is None:
            outcome = self._signal_outcomes[sid] = self.explainer.signals[sid].outcome(
                self.values, self.signals
            )
        return outcome

    def _missing_of_signal(self, sid: str) -> set[str]:
        if sid not in self._signal_missing:
            outcome = self._signal_outcome(sid)
            self._signal_missing[sid] = self.explainer.signals[sid].deciding(
                outcome, self._missing_of_signal
            )
        return self._signal_missing[sid]

    def decision(self) -> Decision:
        found = self._explain_rules()
        fired, undetermined, missing_of = found.fired, found.undetermined, found.missing_of
        resolution = self.policy.resolve(fired, undetermined)
        content: JSON = {"decision_version": DECISION_VERSION}
        if self.full:
            content["detail"] = "full"
        content |= {
            "country": self.observations.country,
            "period": self.observations.period,
            "ruleset": self.ruleset.content_hash,
            "recommendations": [
                self._recommendation(r, missing_of) for r in resolution.recommended
            ],
            "withheld": [self._withheld(w, missing_of) for w in resolution.withheld],
            "signals": self._signal_results(),
            "rules": found.rules,  # in rule-id order, as the loop went
        }
        values = self.values
        if read := found.read & values.keys():
            content["values"] = {key: values[key] for key in sorted(read)}
        if undetermined:
            content["undetermined"] = [rule.id for rule in undetermined]
            content["data_gaps"] = self._data_gaps(undetermined, missing_of)
        return Decision(content)

    def _explain_rules(self) -> _Explained:
        """Every rule that fired or is undetermined, explained; the engine checked on each."""
        found = _Explained()
        explained = found.rules
        # This loop runs once per fired rule per profile: its names are local on purpose.
        plans, fired_text = self.explainer.rules, self.explainer.fired_text
        values, signals, indicators = self.values, self.signals, self.observations.indicators
        firing, compact = self.firing.rules, not self.full
        filled: dict[str, str] = {}  # each placeholder of the `because` texts filled once
        # A rule outside these, its values all present, was decided false by the engine.
        for rule_id in sorted(firing | self.explainer.lacking(values)):
            if compact and rule_id in firing:  # the common case: checked and explained at once
                text = fired_text[rule_id](values, signals, filled, indicators)
                if text is None:
                    raise EngineError(f'engine and evaluator disagree on rule "{rule_id}"')
                explained[rule_id] = {"because": text}
                continue
            said = self._explain_rule(rule_id, found, filled)
            if said is not None:
                explained[rule_id] = said
        rules = self.ruleset.rules
        found.fired = [rules[rule_id] for rule_id in explained if rule_id in firing]
        found.undetermined = [rules[rule_id] for rule_id in found.missing_of]
        held = [self.explainer.signals[sid] for sid, truth in signals.items() if truth is True]
        found.read = set().union(*[plans[rule_id].reads for rule_id in explained])
        found.read.update(*[plan.reads for plan in held])
        return found

    def _explain_rule(self, rule_id: str, found: _Explained, filled: dict[str, str]) -> JSON | None:
        """A rule at full detail, or undetermined (None: the values present decide it false,
        as the engine said). Records what an undetermined one misses in `found`."""
        plan, rule = self.explainer.rules[rule_id], self.ruleset.rules[rule_id]
        values, signals = self.values, self.signals
        engine_says = rule_id in self.firing.rules
        outcome = plan.outcome(values, signals)
        if (outcome.truth is True) != engine_says:
            raise EngineError(f'engine and evaluator disagree on rule "{rule_id}"')
        if outcome.truth is False:
            return None
        because = self.explainer.because[rule_id].render(
            values, self.observations.indicators, filled
        )
        said: JSON = {"title": rule.spec.title} if self.full else {}
        if not engine_says:
            said["status"] = "undetermined"
        said["because"] = because
        if self.full:
            said["source"] = rule.spec.source
            said["conditions"] = plan.results(outcome, values, signals)
        if not engine_says:
            keys = plan.deciding(outcome, self._missing_of_signal)
            said["missing"] = found.missing_of[rule_id] = sorted({split_key(k)[1] for k in keys})
        return said

    def _signal_results(self) -> list[JSON]:
        """The signals that hold, in id order."""
        results: list[JSON] = []
        for sid in self.explainer.signal_ids:
            if self.signals.get(sid) is True:
                plan = self.explainer.signals[sid]
                if not self.full:
                    results.append({"signal": sid})
                    continue
                conditions = plan.results(self._signal_outcome(sid), self.values, self.signals)
                title = self.ruleset.signals[sid].spec.title
                results.append({"signal": sid, "title": title, "conditions": conditions})
        return results

    def _recommendation(self, recommended: Recommended, missing_of: dict[str, list[str]]) -> JSON:
        spec = self.ruleset.measures[recommended.measure]
        out: JSON = {
            "measure": recommended.measure,
            "title": spec.title,
            "area": spec.area,
            "priority": recommended.priority,
            "rules": list(map(_REF, recommended.by)),
        }
        guards = [self._safeguard(g.rule.id, g.requires) for g in recommended.safeguards]
        guards += [
            self._safeguard(g.rule.id, g.requires)
            | {"status": "provisional", "missing": missing_of[g.rule.id]}
            for g in recommended.provisional
        ]
        if guards:
            out["safeguards"] = guards
        if recommended.possibly_withheld_by:
            out["possibly_withheld_by"] = [
                {"rule": a.rule.id, "missing": missing_of[a.rule.id]}
                for a in recommended.possibly_withheld_by
            ]
        if self.full:
            out["description"] = spec.description
            out["outcomes"] = list(spec.outcomes)
            out["horizon"] = spec.horizon.value
        return out

    def _withheld(self, withheld: Withheld, missing_of: dict[str, list[str]]) -> JSON:
        spec = self.ruleset.measures[withheld.measure]
        by: list[JSON] = [self._withholding(a.rule.id, a.reason) for a in withheld.by]
        by += [
            self._withholding(a.rule.id, a.reason)
            | {"precautionary": True, "missing": missing_of[a.rule.id]}
            for a in withheld.precautionary
        ]
        out: JSON = {
            "measure": withheld.measure,
            "title": spec.title,
            "area": spec.area,
            "by": sorted(by, key=lambda w: str(w["rule"])),
        }
        if withheld.overridden:
            out["overridden"] = [a.rule.id for a in withheld.overridden]
        return out

    def _safeguard(self, rule_id: str, requires: str) -> JSON:
        return {"rule": rule_id, "requires": requires} if self.full else {"rule": rule_id}

    def _withholding(self, rule_id: str, reason: str) -> JSON:
        return {"rule": rule_id, "reason": reason} if self.full and reason else {"rule": rule_id}

    def _data_gaps(self, undetermined: list[Rule], missing_of: dict[str, list[str]]) -> list[JSON]:
        hidden: dict[str, list[str]] = defaultdict(list)
        for rule in undetermined:
            for indicator in missing_of[rule.id]:
                hidden[indicator].append(rule.id)
        ranked = sorted(hidden.items(), key=lambda item: (-len(item[1]), item[0]))
        return [
            {"indicator": i, "title": self.ruleset.indicators[i].title, "rules": sorted(rules)}
            for i, rules in ranked
        ]
