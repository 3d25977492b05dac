"""The step vocabulary: build a profile, evaluate it, state what the advisor must decide.

Every failure is a `StepProblem` whose message says what was expected and what
the advisor decided instead, in the feature's own words (ids, priorities, values).
"""

from __future__ import annotations

import re

from advisor.decision.document import Decision
from advisor.decision.model import Recommendation, WithheldMeasure

from .case import Case, StepProblem, unquote
from .conditions import missing_phrase
from .vocabulary import step

BUILD = ("given", "when")  # a scenario may change the profile again after evaluating it
# Decorators apply bottom up: the last one listed is the wording suggested for a near miss.


# -- building a profile
@step(*BUILD, template="the <name> profile")
def _start_from_profile(advisor_case: Case, name: str) -> None:
    advisor_case.start_from(name)


@step(*BUILD, template="an empty profile for <country>")
def _start_empty(advisor_case: Case, country: str) -> None:
    advisor_case.start_empty(country)


@step(*BUILD, template="<indicator> is <value>")
def _set_value(advisor_case: Case, indicator: str, value: str) -> None:
    advisor_case.set_value(indicator, value)


@step(*BUILD, template="<indicator> is missing")
def _remove(advisor_case: Case, indicator: str) -> None:
    advisor_case.remove(indicator)


@step(*BUILD, template="<indicator> by period:")
def _set_series(
    advisor_case: Case, indicator: str, datatable: list[list[str]] | None = None
) -> None:
    if not datatable:
        raise StepProblem("add a table of period and value under this step")
    advisor_case.set_series(indicator, datatable)


# -- evaluating
@step("when", template="it is evaluated")
@step("when", template="the profile is evaluated")
def _evaluate(advisor_case: Case) -> None:
    advisor_case.evaluate()


# -- expectations on measures
def _recommended(case: Case, measure: str) -> Recommendation | None:
    measure_id = case.measure(measure).id
    return next((r for r in case.decision.recommendations if r.measure == measure_id), None)


def _withheld(case: Case, measure: str) -> WithheldMeasure | None:
    measure_id = case.measure(measure).id
    return next((w for w in case.decision.withheld if w.measure == measure_id), None)


def _rule_state(decision: Decision, rule_id: str) -> str:
    explained = decision.rules.get(rule_id)
    if explained is None:
        return "false"
    if explained.status == "fired":
        return "fired"
    return "undetermined: " + ", ".join(explained.missing) + " missing"


def _acting(case: Case, measure_id: str, kind: str) -> list[str]:
    """The rules that recommend, withhold or safeguard (`kind`) the measure when they fire."""
    return [
        rule.id
        for rule in case.advisor.ruleset.rules.values()
        if any(action.measure == measure_id for action in getattr(rule.spec, kind))
    ]


def _why_not(case: Case, measure_id: str) -> str:
    withheld = _withheld(case, measure_id)
    if withheld is not None:
        return "it is withheld by " + ", ".join(w.rule for w in withheld.by)
    rules = _acting(case, measure_id, "recommend")
    if not rules:
        return "no rule recommends it"
    return "the rules that recommend it did not fire:" + _rules_explained(case, rules)


def _rules_explained(case: Case, rule_ids: list[str]) -> str:
    """Each rule's state and conditions: inline for one rule, one line each for several."""
    states = [
        f"{rule_id} ({_rule_state(case.decision, rule_id)}): {case.conditions(rule_id)}"
        for rule_id in rule_ids
    ]
    if len(states) == 1:
        return " " + states[0]
    return "".join(f"\n  - {state}" for state in states)


def _by(recommendation: Recommendation) -> str:
    return ", ".join(f"{r.rule} {r.priority}" for r in recommendation.rules)


@step("then", template="<measure> is recommended")
def _is_recommended(advisor_case: Case, measure: str) -> None:
    found = _recommended(advisor_case, measure)
    if found is None:
        measure_id = advisor_case.measure(measure).id
        raise StepProblem(f"{measure_id} is not recommended: {_why_not(advisor_case, measure_id)}")
    advisor_case.vouch(r.rule for r in found.rules)


@step("then", template="<measure> is recommended with <priority> priority")
def _is_recommended_with(advisor_case: Case, measure: str, priority: str) -> None:
    wanted = unquote(priority).lower()
    if wanted not in ("low", "medium", "high", "critical"):
        raise StepProblem(
            f'unknown priority "{priority}" (priorities are low, medium, high, critical)'
        )
    found = _recommended(advisor_case, measure)
    measure_id = advisor_case.measure(measure).id
    if found is None:
        raise StepProblem(f"{measure_id} is not recommended: {_why_not(advisor_case, measure_id)}")
    if found.priority != wanted:
        raise StepProblem(
            f"{measure_id} is recommended with {found.priority} priority, not {wanted} "
            f"(by {_by(found)})"
        )
    advisor_case.vouch(r.rule for r in found.rules)


@step("then", template="<measure> is not recommended")
def _is_not_recommended(advisor_case: Case, measure: str) -> None:
    found = _recommended(advisor_case, measure)
    if found is not None:
        raise StepProblem(
            f"{found.measure} is recommended with {found.priority} priority (by {_by(found)})"
        )
    measure_id = advisor_case.measure(measure).id
    withheld = _withheld(advisor_case, measure_id)
    if withheld is not None:  # withheld: what the rules recommending it did does not matter
        advisor_case.vouch(w.rule for w in withheld.by)
        return
    claim = f"{measure_id} is not recommended"
    advisor_case.vouch_silent(_acting(advisor_case, measure_id, "recommend"), claim)


@step("then", template="no measure is recommended")
def _nothing_recommended(advisor_case: Case) -> None:
    found = advisor_case.decision.recommendations
    if found:
        raise StepProblem("recommended: " + ", ".join(r.measure for r in found))
    rules = advisor_case.advisor.ruleset.rules.values()
    claim = "no measure is recommended"
    advisor_case.vouch_silent((r.id for r in rules if r.spec.recommend), claim)


@step("then", template="<measure> is withheld")
def _is_withheld(advisor_case: Case, measure: str) -> None:
    found = _withheld(advisor_case, measure)
    if found is None:
        measure_id = advisor_case.measure(measure).id
        rules = _acting(advisor_case, measure_id, "withhold")
        detail = _rules_explained(advisor_case, rules) if rules else " no rule withholds it"
        raise StepProblem(f"{measure_id} is not withheld:{detail}")
    advisor_case.vouch(w.rule for w in found.by)


@step("then", template="<measure> is not withheld")
def _is_not_withheld(advisor_case: Case, measure: str) -> None:
    found = _withheld(advisor_case, measure)
    if found is not None:
        rules = ", ".join(w.rule for w in found.by)
        raise StepProblem(f"{found.measure} is withheld by {rules}")
    measure_id = advisor_case.measure(measure).id
    claim = f"{measure_id} is not withheld"
    advisor_case.vouch_silent(_acting(advisor_case, measure_id, "withhold"), claim)


def _safeguards(case: Case, measure: str, status: str = "applied") -> list[str]:
    """The rules whose safeguards (`status`: applied or provisional) the measure carries;
    it must be recommended to carry one."""
    found = _recommended(case, measure)
    if found is None:
        measure_id = case.measure(measure).id
        raise StepProblem(
            f"{measure_id} is not recommended, so it carries no safeguard: "
            + _why_not(case, measure_id)
        )
    return [note.rule for note in found.safeguards if note.status == status]


def _no_safeguard_from(case: Case, measure_id: str, rule_id: str, rules: list[str]) -> str:
    detail = ("only from " + ", ".join(rules)) if rules else "none at all"
    state = _rule_state(case.decision, rule_id)
    return f"{measure_id} carries no safeguard from {rule_id} ({state}); {detail}"


@step("then", template="<measure> carries a safeguard")
def _carries_safeguard(advisor_case: Case, measure: str) -> None:
    rules = _safeguards(advisor_case, measure)
    if not rules:
        measure_id = advisor_case.measure(measure).id
        provisional = _safeguards(advisor_case, measure, "provisional")
        detail = f" (only provisionally, from {', '.join(provisional)})" if provisional else ""
        raise StepProblem(f"{measure_id} carries no safeguard{detail}")
    advisor_case.vouch(rules)


@step("then", template="<measure> carries a safeguard from <rule>")
def _carries_safeguard_from(advisor_case: Case, measure: str, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    rules = _safeguards(advisor_case, measure)
    if rule_id not in rules:
        measure_id = advisor_case.measure(measure).id
        raise StepProblem(_no_safeguard_from(advisor_case, measure_id, rule_id, rules))
    advisor_case.vouch([rule_id])


@step("then", template="<measure> carries a provisional safeguard")
def _carries_provisional(advisor_case: Case, measure: str) -> None:
    rules = _safeguards(advisor_case, measure, "provisional")
    if not rules:
        applied = _safeguards(advisor_case, measure)
        detail = f" (applied ones from {', '.join(applied)})" if applied else ""
        measure_id = advisor_case.measure(measure).id
        raise StepProblem(f"{measure_id} carries no provisional safeguard{detail}")
    advisor_case.vouch(rules)


@step("then", template="<measure> carries a provisional safeguard from <rule>")
def _carries_provisional_from(advisor_case: Case, measure: str, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    rules = _safeguards(advisor_case, measure, "provisional")
    if rule_id not in rules:
        measure_id = advisor_case.measure(measure).id
        message = _no_safeguard_from(advisor_case, measure_id, rule_id, rules)
        raise StepProblem(message.replace("no safeguard", "no provisional safeguard", 1))
    advisor_case.vouch([rule_id])


@step("then", template="<measure> may be withheld by <rule>")
def _may_be_withheld_by(advisor_case: Case, measure: str, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    found = _recommended(advisor_case, measure)
    measure_id = advisor_case.measure(measure).id
    if found is None:
        raise StepProblem(f"{measure_id} is not recommended: {_why_not(advisor_case, measure_id)}")
    maybe = [m.rule for m in found.possibly_withheld_by]
    if rule_id not in maybe:
        state = _rule_state(advisor_case.decision, rule_id)
        detail = f"only by {', '.join(maybe)}" if maybe else "by no rule"
        raise StepProblem(f"{measure_id} may not be withheld by {rule_id} ({state}); {detail}")
    advisor_case.vouch([rule_id])


@step("then", template="<measure> is withheld as a precaution by <rule>")
def _withheld_as_precaution(advisor_case: Case, measure: str, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    measure_id = advisor_case.measure(measure).id
    found = _withheld(advisor_case, measure)
    cautious = [w.rule for w in found.by if w.precautionary] if found else []
    if rule_id not in cautious:
        state = _rule_state(advisor_case.decision, rule_id)
        raise StepProblem(f"{measure_id} is not withheld as a precaution by {rule_id} ({state})")
    advisor_case.vouch([rule_id])


@step("then", template="<measure> carries no safeguard")
def _carries_no_safeguard(advisor_case: Case, measure: str) -> None:
    found = _recommended(advisor_case, measure)
    if found is not None and found.safeguards:
        rules = ", ".join(f"{note.rule} ({note.status})" for note in found.safeguards)
        raise StepProblem(f"{found.measure} carries safeguards from {rules}")
    if found is not None:  # only a recommended measure shows that its safeguard rules were silent
        claim = f"{found.measure} carries no safeguard"
        advisor_case.vouch_silent(_acting(advisor_case, found.measure, "safeguard"), claim)


# -- signals and rules
@step("then", template="the signal <signal> holds")
def _signal_holds(advisor_case: Case, signal: str) -> None:
    signal_id = advisor_case.signal(signal).id
    state = advisor_case.signal_state(signal_id)
    if state is not True:
        said = "does not hold" if state is False else "is undetermined"
        conditions = advisor_case.signal_conditions(signal_id)
        raise StepProblem(f"the signal {signal_id} {said}: {conditions}")


@step("then", template="the signal <signal> does not hold")
def _signal_does_not_hold(advisor_case: Case, signal: str) -> None:
    signal_id = advisor_case.signal(signal).id
    state = advisor_case.signal_state(signal_id)
    if state is True:
        raise StepProblem(
            f"the signal {signal_id} holds: {advisor_case.signal_conditions(signal_id)}"
        )
    if state is None:  # not holding for lack of data shows nothing about its thresholds
        missing = missing_phrase(advisor_case.signal_missing(signal_id))
        raise StepProblem(
            f"the signal {signal_id} does not hold only because it is undetermined: {missing}, "
            f'not false (add a value, or say "Then the signal {signal_id} is undetermined")'
        )


@step("then", template="the signal <signal> is undetermined")
def _signal_undetermined(advisor_case: Case, signal: str) -> None:
    signal_id = advisor_case.signal(signal).id
    state = advisor_case.signal_state(signal_id)
    if state is not None:
        said = "holds" if state else "is false"
        conditions = advisor_case.signal_conditions(signal_id)
        raise StepProblem(f"the signal {signal_id} is not undetermined: it {said}: {conditions}")


@step("then", template="the rule <rule> fired")
@step("then", template="the rule <rule> fires")
def _rule_fires(advisor_case: Case, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    state = _rule_state(advisor_case.decision, rule_id)
    if state != "fired":
        raise StepProblem(
            f"the rule {rule_id} did not fire ({state}): {advisor_case.conditions(rule_id)}"
        )
    advisor_case.vouch([rule_id])


@step("then", template="the rule <rule> did not fire")
@step("then", template="the rule <rule> does not fire")
def _rule_does_not_fire(advisor_case: Case, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    if rule_id in advisor_case.decision.fired:
        raise StepProblem(f"the rule {rule_id} fired: {advisor_case.conditions(rule_id)}")
    if advisor_case.missing(rule_id):  # undetermined: not firing proves nothing about it
        raise StepProblem(
            f"the rule {rule_id} does not fire only because "
            + advisor_case.only_undetermined(rule_id, "it")
        )
    advisor_case.vouch([rule_id])


@step("then", template="the rule <rule> is undetermined")
def _rule_undetermined(advisor_case: Case, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    state = _rule_state(advisor_case.decision, rule_id)
    if not state.startswith("undetermined"):
        raise StepProblem(f"the rule {rule_id} is not undetermined: it {_said(state)}")
    advisor_case.vouch([rule_id])


@step("then", template="the rule <rule> is undetermined because <indicator> is missing")
def _rule_undetermined_because(advisor_case: Case, rule: str, indicator: str) -> None:
    rule_id = advisor_case.rule(rule).id
    indicator_id = advisor_case.indicator(indicator).id
    decision = advisor_case.decision
    if rule_id in decision.undetermined:
        missing_values = decision.rules[rule_id].missing
        if indicator_id not in missing_values:
            missing = ", ".join(missing_values)
            raise StepProblem(
                f"the rule {rule_id} is undetermined, but for want of {missing}, not {indicator_id}"
            )
        advisor_case.vouch([rule_id])
        return
    state = _rule_state(advisor_case.decision, rule_id)
    raise StepProblem(f"the rule {rule_id} is not undetermined: it {_said(state)}")


def _said(state: str) -> str:
    return "fired" if state == "fired" else "is false"


# -- data gaps and reasons
@step("then", template="the data gaps include <indicator>")
def _gaps_include(advisor_case: Case, indicator: str) -> None:
    indicator_id = advisor_case.indicator(indicator).id
    gaps = {gap.indicator: gap.rules for gap in advisor_case.decision.data_gaps}
    if indicator_id not in gaps:
        listed = ", ".join(gaps) if gaps else "none"
        raise StepProblem(f"the data gaps do not include {indicator_id} (data gaps: {listed})")
    advisor_case.vouch(gaps[indicator_id])


@step("then", template="the data gaps do not include <indicator>")
def _gaps_exclude(advisor_case: Case, indicator: str) -> None:
    indicator_id = advisor_case.indicator(indicator).id
    for gap in advisor_case.decision.data_gaps:
        if gap.indicator == indicator_id:
            rules = ", ".join(gap.rules)
            raise StepProblem(f"{indicator_id} is a data gap: it leaves {rules} undetermined")


def _reasons(case: Case, measure: str) -> list[tuple[str, str]]:
    """(rule, because) of every reason the decision gives for the measure."""
    rules = case.decision.rules
    found = _recommended(case, measure)
    if found is not None:
        return [(r.rule, rules[r.rule].because) for r in found.rules] + [
            (note.rule, rules[note.rule].because) for note in found.safeguards
        ]
    withheld = _withheld(case, measure)
    if withheld is not None:
        return [(w.rule, rules[w.rule].because) for w in withheld.by]
    measure_id = case.measure(measure).id
    raise StepProblem(f"{measure_id} is neither recommended nor withheld, so it has no reason")


@step("then", template="the reason for <measure> cites <text>")
def _reason_cites(advisor_case: Case, measure: str, text: str) -> None:
    cited = unquote(text)
    # a whole value: "9.5" is cited by "9.5/10" but not by "19.5" or "9.55"
    pattern = re.compile(rf"(?<![\w.]){re.escape(cited)}(?!\w|\.\d)")
    reasons = _reasons(advisor_case, measure)
    citing = [rule for rule, because in reasons if pattern.search(because)]
    if not citing:
        quoted = "\n".join(f"  {rule}: {because}" for rule, because in reasons)
        raise StepProblem(
            f'no reason for {advisor_case.measure(measure).id} cites "{cited}":\n{quoted}'
        )
    advisor_case.vouch(citing)


@step("then", template="the reasons for <measure> include the rule <rule>")
def _reasons_include(advisor_case: Case, measure: str, rule: str) -> None:
    rule_id = advisor_case.rule(rule).id
    rules = [r for r, _ in _reasons(advisor_case, measure)]
    if rule_id not in rules:
        state = _rule_state(advisor_case.decision, rule_id)
        raise StepProblem(
            f"the reasons for {advisor_case.measure(measure).id} are {', '.join(rules)}; "
            f"{rule_id} is not among them ({state})"
        )
    advisor_case.vouch([rule_id])
