"""Decisions: chaining, three-valued logic, priority merging, withholding, explanations."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from advisor import Advisor, Decision, ProfileError
from advisor.language.models import Area, Priority

from .conftest import LIBYA_2024, WriteRules


def decide(advisor: Advisor, **indicators: Any) -> Decision:
    return advisor.evaluate({"country": "Testland", "indicators": indicators}, detail="full")


def measures(decision: Decision) -> dict[str, str]:
    return {r.measure: r.priority.value for r in decision.recommendations}


def test_libya_profile(basic_advisor: Advisor) -> None:
    decision = basic_advisor.evaluate(LIBYA_2024)
    # fragile-borders chains on fragmented (rival governments) and weak border control
    assert [s.signal for s in decision.signals] == ["fragile-borders", "fragmented"]
    # two rules recommend border training: the highest priority wins, both reasons kept
    assert measures(decision) == {
        "joint-border-training": "critical",
        "political-dialogue": "medium",
    }
    training = decision.recommendations[0]  # ranked by priority first
    assert [r.rule for r in training.rules] == ["fragile-borders-training", "smuggling-border"]
    # surveillance is recommended by smuggling-border but withheld (human rights 9.4, fragmented)
    (withheld,) = decision.withheld
    assert withheld.measure == "surveillance-transfer"
    assert withheld.overridden == ["smuggling-border"]
    assert [w.rule for w in withheld.by] == ["no-surveillance-when-abusive"]
    assert not withheld.by[0].precautionary
    assert decision.fired == [
        "dialogue-when-violent",
        "fragile-borders-training",
        "no-surveillance-when-abusive",
        "smuggling-border",
        "surveillance-safeguard",
    ]
    assert decision.undetermined == []


def test_reasons_cite_values_with_margins(basic_advisor: Advisor) -> None:
    decision = basic_advisor.evaluate(LIBYA_2024, detail="full")
    ref = decision.recommendations[0].rules[1]
    reason = decision.rules[ref.rule]
    assert reason.status == "fired"
    assert reason.because == "Smuggling 9.5/10, rule of law -1.77."
    smuggling = reason.conditions[0]
    assert (smuggling.reads, smuggling.value, smuggling.threshold) == (
        "goci.human_smuggling",
        9.5,
        8,
    )
    assert smuggling.margin == pytest.approx(1.5)
    rule_of_law = reason.conditions[2]
    assert rule_of_law.margin == pytest.approx(0.77)
    spike = reason.conditions[1]
    assert (spike.condition, spike.holds) == ("signal trafficking-spike", False)


def test_series_functions_and_percent_rendering(basic_advisor: Advisor) -> None:
    decision = decide(
        basic_advisor, **{"acled.events": 150, "migration.departures": {"2023": 100, "2024": 90}}
    )
    (dialogue,) = decision.recommendations
    assert decision.rules[dialogue.rules[0].rule].because == (
        "150 political violence events; departures changed -10.0%."
    )
    surge = decide(
        basic_advisor,
        **{"acled.events": 150, "migration.departures": {"2022": 100, "2023": 100, "2024": 125}},
    )
    assert [s.signal for s in surge.signals] == ["trafficking-spike"]  # exactly +25% holds
    assert surge.recommendations == []  # dialogue needs *no* spike


def test_safeguard_attached_when_recommended(basic_advisor: Advisor) -> None:
    decision = decide(
        basic_advisor,
        **{"goci.human_smuggling": 9, "wgi.rule_of_law": -1.2, "fsi.p3_human_rights": 8.0},
    )
    surveillance = next(r for r in decision.recommendations if r.measure == "surveillance-transfer")
    (guard,) = surveillance.safeguards
    assert guard.rule == "surveillance-safeguard"
    assert guard.requires.startswith("Independent human-rights oversight")
    assert (guard.status, guard.missing) == ("applied", [])
    assert decision.withheld == []


def test_missing_data_is_undetermined_not_false(basic_advisor: Advisor) -> None:
    decision = decide(basic_advisor, **{"goci.human_smuggling": 9})
    undetermined = {rule: decision.rules[rule].missing for rule in decision.undetermined}
    assert undetermined["smuggling-border"] == ["migration.departures", "wgi.rule_of_law"]
    assert "smuggling-border" not in decision.fired
    # any() with one true branch holds although the other branch lacks data
    fired = decide(basic_advisor, **{"goci.human_smuggling": 9, "wgi.rule_of_law": -2.0})
    assert "smuggling-border" in fired.fired
    assert "smuggling-border" not in fired.undetermined
    # all() with one false branch is false, even with data missing elsewhere
    false = decide(basic_advisor, **{"goci.human_smuggling": 2})
    assert "smuggling-border" not in false.undetermined
    assert "smuggling-border" not in false.rules  # a false rule needs no explaining


def test_negated_signal_is_unknown_when_its_data_is_missing(basic_advisor: Advisor) -> None:
    # dialogue-when-violent needs "not signal trafficking-spike": no departures data, no answer
    decision = decide(basic_advisor, **{"acled.events": 500})
    assert "dialogue-when-violent" in decision.undetermined
    known = decide(
        basic_advisor, **{"acled.events": 500, "migration.departures": {"2023": 10, "2024": 10}}
    )
    assert "dialogue-when-violent" in known.fired


def test_series_too_short_for_change_is_undetermined_and_a_gap(basic_advisor: Advisor) -> None:
    # One period: change() is undefined, so "not signal trafficking-spike" is unknown,
    # exactly as if there were no departures data, and the gap names the series.
    decision = decide(basic_advisor, **{"acled.events": 500, "migration.departures": {"2024": 10}})
    assert decision.rules["dialogue-when-violent"].missing == ["migration.departures"]
    assert "dialogue-when-violent" not in decision.fired
    gaps = {g.indicator: g.rules for g in decision.data_gaps}
    assert "dialogue-when-violent" in gaps["migration.departures"]


def test_data_gaps_rank_by_rules_hidden(basic_advisor: Advisor) -> None:
    decision = decide(basic_advisor)
    ranked = [(g.indicator, len(g.rules)) for g in decision.data_gaps]
    assert ranked == [
        ("wgi.rule_of_law", 3),
        ("fsi.p3_human_rights", 2),
        ("local.rival_governments", 2),
        ("migration.departures", 2),
        ("acled.events", 1),
        ("goci.human_smuggling", 1),
        ("local.border_control", 1),
    ]


def test_same_input_same_bytes(basic_advisor: Advisor) -> None:
    first = basic_advisor.evaluate(LIBYA_2024).to_json()
    shuffled = copy.deepcopy(LIBYA_2024)
    shuffled["indicators"] = dict(reversed(list(LIBYA_2024["indicators"].items())))
    for _ in range(5):
        assert basic_advisor.evaluate(shuffled).to_json() == first


def test_evaluations_leave_nothing_behind(basic_advisor: Advisor) -> None:
    before = basic_advisor.evaluate(LIBYA_2024)
    decide(basic_advisor, **{"goci.human_smuggling": 10, "wgi.rule_of_law": -2.5})
    empty = decide(basic_advisor)
    assert (empty.recommendations, empty.fired, empty.signals) == ([], [], [])
    assert basic_advisor.evaluate(LIBYA_2024) == before


@pytest.mark.parametrize(
    ("indicators", "path", "fragment"),
    [
        ({"goci.human_smugling": 9}, "indicators.goci.human_smugling", "did you mean"),
        ({"goci.human_smuggling": "high"}, "indicators.goci.human_smuggling", "expected a number"),
        ({"goci.human_smuggling": True}, "indicators.goci.human_smuggling", "expected a number"),
        ({"goci.human_smuggling": 11}, "indicators.goci.human_smuggling", "outside the range"),
        ({"goci.human_smuggling": float("nan")}, "indicators.goci.human_smuggling", "finite"),
        ({"acled.events": 2.5}, "indicators.acled.events", "whole number"),
        ({"local.border_control": "wek"}, "indicators.local.border_control", "did you mean"),
        ({"local.rival_governments": 1}, "indicators.local.rival_governments", "true or false"),
        ({"migration.departures": 5}, "indicators.migration.departures", "expected a series"),
        (
            {"migration.departures": {"last year": 5}},
            "indicators.migration.departures.last year",
            "a period is",
        ),
    ],
)
def test_bad_profiles_are_refused_naming_the_field(
    basic_advisor: Advisor, indicators: dict[str, Any], path: str, fragment: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        decide(basic_advisor, **indicators)
    (problem,) = caught.value.problems
    assert problem.path == path
    assert fragment in str(problem)


def test_unknown_profile_field(basic_advisor: Advisor) -> None:
    with pytest.raises(ProfileError) as caught:
        basic_advisor.evaluate({"country": "X", "indicatorz": {}})
    assert [p.path for p in caught.value.problems] == ["indicatorz"]
    assert caught.value.problems[0].suggestion == 'did you mean "indicators"?'


def test_decisions_survive_full_validation(basic_advisor: Advisor) -> None:
    # Decisions are built without validation (decision.model.unvalidated): validating their JSON
    # again must give back an equal decision, with missing data, signals and withholding.
    rng = random.Random(4)
    profiles = [LIBYA_2024, {"country": "Empty", "indicators": {}}]
    profiles += [
        {
            "country": "R",
            "indicators": {
                "goci.human_smuggling": rng.choice([2, 8.5, 9]),
                "wgi.rule_of_law": rng.choice([-2.0, -1.2, 0.3]),
                "fsi.p3_human_rights": rng.choice([5, 7.5, 9.5]),
                "local.rival_governments": rng.random() < 0.5,
                "acled.events": rng.choice([10, 150, 500]),
            },
        }
        for _ in range(20)
    ]
    for profile in profiles:
        decision = basic_advisor.evaluate(profile, sensitivity=True)
        again = Decision.from_json(decision.to_json())
        assert again == decision
        # pydantic equality is lenient ("high" == Priority.HIGH, 8 == 8.0): the JSON
        # and the types of enum fields must match too.
        assert again.to_json() == decision.to_json()
        for recommendation in decision.recommendations:
            assert isinstance(recommendation.priority, Priority)
            assert isinstance(recommendation.area, Area)
            assert all(isinstance(r.priority, Priority) for r in recommendation.rules)
        assert decision.sensitivity is not None
        for item in decision.sensitivity:
            assert isinstance(item.priority, Priority)
            assert all(c.priority is None or isinstance(c.priority, Priority) for c in item.changes)


def test_missing_lists_only_the_values_a_rule_could_not_read(write_rules: WriteRules) -> None:
    # One period of x: latest(x) is known, change(x) is not. A rule reading latest(x)
    # and a missing y lacks y only; a rule reading change(x) lacks x.
    root = write_rules(
        **{
            "r.yaml": """
            indicators:
              - {id: s.x, title: X, type: series}
              - {id: s.y, title: Y, type: number}
            measures:
              - {id: m, title: M, area: diplomacy, description: d, outcomes: [o], horizon: short}
            rules:
              - id: level
                title: Level
                when: latest(s.x) >= 5 and s.y >= 1
                recommend: [{measure: m, priority: low}]
                because: b
                source: s
              - id: trend
                title: Trend
                when: change(s.x) >= 25%
                recommend: [{measure: m, priority: low}]
                because: b
                source: s
            """
        }
    )
    advisor = Advisor.from_directory(root)
    try:
        decision = advisor.evaluate({"country": "X", "indicators": {"s.x": {"2024": 9}}})
    finally:
        advisor.close()
    assert {rule: decision.rules[rule].missing for rule in decision.undetermined} == {
        "level": ["s.y"],
        "trend": ["s.x"],
    }
