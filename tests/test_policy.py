"""The decision policy: priority merging, withholding, safeguards, and who acts on a measure."""

from __future__ import annotations

import pytest

from advisor import load_ruleset
from advisor.decision.policy import ActionKind, PolicyIndex, Resolution, rule_actions
from advisor.language.models import Priority
from advisor.language.ruleset import RuleSet

from .conftest import WriteRules

RULES = """
indicators:
  - id: local.x
    title: X
    type: number
    range: [0, 10]
measures:
  - id: training
    title: Training
    area: border-security
    description: Train.
    outcomes: [Detection]
    horizon: short
  - id: surveillance
    title: Surveillance
    area: intelligence
    description: Watch.
    outcomes: [Monitoring]
    horizon: medium
  - id: dialogue
    title: Dialogue
    area: diplomacy
    description: Talk.
    outcomes: [Stability]
    horizon: long
rules:
  - id: b-high
    title: High
    when: local.x >= 1
    recommend:
      - {measure: training, priority: high}
      - {measure: surveillance, priority: medium}
    because: x.
    source: s
  - id: a-critical
    title: Critical
    when: local.x >= 2
    recommend:
      - {measure: training, priority: critical}
    because: x.
    source: s
  - id: c-withhold
    title: Withhold
    when: local.x >= 3
    withhold:
      - {measure: surveillance, reason: Abuse risk}
      - {measure: dialogue}
    because: x.
    source: s
  - id: d-guard
    title: Guard
    when: local.x >= 4
    safeguard:
      - {measure: surveillance, requires: Oversight}
      - {measure: training, requires: Vetting}
      - {measure: dialogue, requires: Observers}
    because: x.
    source: s
"""


@pytest.fixture
def ruleset(write_rules: WriteRules) -> RuleSet:
    return load_ruleset(write_rules(**{"r.yaml": RULES}))


def resolve(ruleset: RuleSet, *fired: str) -> Resolution:
    return PolicyIndex(ruleset).resolve(ruleset.rules[rule_id] for rule_id in fired)


def test_the_highest_priority_of_the_firing_rules_counts(ruleset: RuleSet) -> None:
    resolution = resolve(ruleset, "b-high", "a-critical")
    training, surveillance = resolution.recommended  # most urgent first
    assert (training.measure, training.priority) == ("training", Priority.CRITICAL)
    assert [(a.rule.id, a.priority) for a in training.by] == [
        ("a-critical", Priority.CRITICAL),
        ("b-high", Priority.HIGH),
    ]
    assert (surveillance.measure, surveillance.priority) == ("surveillance", Priority.MEDIUM)
    assert resolution.withheld == ()
    assert resolve(ruleset, "b-high").recommended[0].priority is Priority.HIGH


def test_withholding_wins_and_lists_what_it_overrides(ruleset: RuleSet) -> None:
    resolution = resolve(ruleset, "b-high", "a-critical", "c-withhold")
    assert [r.measure for r in resolution.recommended] == ["training"]
    dialogue, surveillance = resolution.withheld  # by measure id
    assert [(a.rule.id, a.reason) for a in surveillance.by] == [("c-withhold", "Abuse risk")]
    assert [(a.rule.id, a.priority) for a in surveillance.overridden] == [
        ("b-high", Priority.MEDIUM)
    ]
    # withheld though nothing recommends it: nothing overridden, and no reason given
    assert [(a.rule.id, a.reason) for a in dialogue.by] == [("c-withhold", "")]
    assert dialogue.overridden == ()


def test_safeguards_come_only_from_firing_rules_and_only_on_recommended_measures(
    ruleset: RuleSet,
) -> None:
    unguarded = resolve(ruleset, "b-high")
    assert all(r.safeguards == () for r in unguarded.recommended)
    guarded = resolve(ruleset, "b-high", "d-guard")
    assert {r.measure: [a.requires for a in r.safeguards] for r in guarded.recommended} == {
        "training": ["Vetting"],
        "surveillance": ["Oversight"],
    }  # dialogue's safeguard has no recommendation to attach to
    withheld = resolve(ruleset, "b-high", "c-withhold", "d-guard")
    assert [(r.measure, len(r.safeguards)) for r in withheld.recommended] == [("training", 1)]


def test_final_priority(ruleset: RuleSet) -> None:
    policy = PolicyIndex(ruleset)
    rules = ruleset.rules
    high, critical, withhold = rules["b-high"], rules["a-critical"], rules["c-withhold"]
    assert policy.final_priority("training", [high, critical]) is Priority.CRITICAL
    assert policy.final_priority("surveillance", [high]) is Priority.MEDIUM
    assert policy.final_priority("surveillance", [high, withhold]) is None
    assert policy.final_priority("dialogue", [rules["d-guard"]]) is None  # a guard alone
    assert policy.final_priority("training", []) is None


def test_the_index_of_who_acts_on_a_measure(ruleset: RuleSet) -> None:
    policy = PolicyIndex(ruleset)
    # the rules whose firing decides the outcome: recommenders and withholders, by rule id
    assert [r.id for r in policy.acting_rules("surveillance")] == ["b-high", "c-withhold"]
    assert [r.id for r in policy.acting_rules("training")] == ["a-critical", "b-high"]
    assert policy.acting_rules("no-such-measure") == ()
    assert [(a.rule.id, a.kind) for a in policy.on("surveillance")] == [
        ("b-high", ActionKind.RECOMMEND),
        ("c-withhold", ActionKind.WITHHOLD),
        ("d-guard", ActionKind.SAFEGUARD),
    ]
    assert [a.rule.id for a in policy.on("training", ActionKind.SAFEGUARD)] == ["d-guard"]
    assert [a.requires for a in policy.on("dialogue", ActionKind.SAFEGUARD)] == ["Observers"]
    assert [a.requires for a in policy.of("d-guard", "training")] == ["Vetting"]
    assert policy.measures_of("d-guard") == ["dialogue", "surveillance", "training"]
    # what one rule does: recommends, withholds, then safeguards, each in file order
    assert [(a.kind, a.measure) for a in policy.of("b-high")] == [
        (ActionKind.RECOMMEND, "training"),
        (ActionKind.RECOMMEND, "surveillance"),
    ]
    fields = [(a.kind, a.measure, a.requires) for a in rule_actions(ruleset.rules["d-guard"])]
    assert [(a.kind, a.measure, a.requires) for a in policy.of("d-guard")] == fields
