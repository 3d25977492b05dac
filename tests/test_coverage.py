"""Rule coverage and the scenario state behind the step vocabulary, in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import Advisor
from advisor.analysis.coverage import (
    Outcome,
    ScenarioRecord,
    outcomes,
    read_records,
    rule_coverage,
    write_records,
)
from advisor.bdd.case import Case, StepProblem, parse_value
from advisor.bdd.vocabulary import closest_step

from .conftest import LIBYA_2024

F, X, U = Outcome.FIRED, Outcome.FALSE, Outcome.UNDETERMINED


def test_outcomes_cover_only_rules_the_profile_gave_data_for(basic_advisor: Advisor) -> None:
    profile = {"goci.human_smuggling": 9, "wgi.rule_of_law": -1.2}
    decision = basic_advisor.evaluate({"country": "X", "indicators": profile})
    assert outcomes(basic_advisor.ruleset, decision, profile) == {
        "smuggling-border": F,
        # reads rule of law through "fragmented"; rival governments and border control missing
        "fragile-borders-training": U,
        # fsi.p3 missing and fragmented unknown
        "no-surveillance-when-abusive": U,
        # dialogue-when-violent and surveillance-safeguard: none of their data given
    }


def test_outcomes_of_a_full_profile(basic_advisor: Advisor) -> None:
    decision = basic_advisor.evaluate(LIBYA_2024)
    found = outcomes(basic_advisor.ruleset, decision, LIBYA_2024["indicators"])  # type: ignore[arg-type]
    assert found == dict.fromkeys(basic_advisor.ruleset.rules, F)


def record(scenario: str, **states: Outcome) -> ScenarioRecord:
    return ScenarioRecord(scenario, "features/a.feature", 3, scenario, states)


def test_rule_coverage_counts_distinct_scenarios(basic_advisor: Advisor) -> None:
    records = [
        record("s1", **{"smuggling-border": F}),
        record("s1", **{"smuggling-border": X}),  # a second evaluation in the same scenario
        record("s2", **{"smuggling-border": F, "surveillance-safeguard": U}),
    ]
    coverage = {c.rule: c for c in rule_coverage(basic_advisor.ruleset, records)}
    assert list(coverage) == sorted(basic_advisor.ruleset.rules)
    smuggling = coverage["smuggling-border"]
    assert (smuggling.fired, smuggling.false, smuggling.undetermined) == (
        {"s1", "s2"},
        {"s1"},
        set(),
    )
    assert smuggling.covered
    assert (
        str(smuggling.location)
        == basic_advisor.ruleset.rules["smuggling-border"].location.__str__()
    )
    # undetermined is not silence: only a false condition, with the data present, counts
    assert coverage["surveillance-safeguard"].silent == set()
    assert coverage["surveillance-safeguard"].undetermined == {"s2"}
    assert coverage["surveillance-safeguard"].silent_only_for_lack_of_data
    assert not coverage["surveillance-safeguard"].covered
    assert not coverage["dialogue-when-violent"].fired
    assert not coverage["dialogue-when-violent"].silent


def test_records_round_trip(tmp_path: Path) -> None:
    records = [record("s1", **{"b": F, "a": U}), record("s2")]
    path = tmp_path / "coverage.json"
    write_records(path, records)
    assert read_records(path) == records
    path.write_text('{"format": 0, "scenarios": []}')
    with pytest.raises(ValueError, match="not a coverage file"):
        read_records(path)


@pytest.fixture
def case(basic_advisor: Advisor, tmp_path: Path) -> Case:
    (tmp_path / "testland-2024.yaml").write_text(
        "country: Testland\nindicators: {goci.human_smuggling: 9.5, wgi.rule_of_law: -1.77}\n"
    )
    return Case(basic_advisor, tmp_path)


def test_values_are_read_as_the_indicator_type(case: Case) -> None:
    spec = case.indicator
    assert parse_value(spec("goci.human_smuggling"), "8") == 8
    assert parse_value(spec("goci.human_smuggling"), "8.25") == 8.25
    assert parse_value(spec("acled.events"), "1,227") == 1227
    assert parse_value(spec("local.rival_governments"), "yes") is True
    assert parse_value(spec("local.rival_governments"), "False") is False
    assert parse_value(spec("local.border_control"), '"weak"') == "weak"
    with pytest.raises(StepProblem, match=r'goci.human_smuggling is a number, and "high" is not'):
        parse_value(spec("goci.human_smuggling"), "high")
    with pytest.raises(StepProblem, match="is true or false"):
        parse_value(spec("local.rival_governments"), "maybe")
    with pytest.raises(StepProblem, match="is a series: give it by period"):
        parse_value(spec("migration.departures"), "5")


def test_a_case_builds_checks_and_evaluates_a_profile(case: Case) -> None:
    case.start_from("Testland 2024")
    assert case.country == "Testland"
    case.set_value("local.rival_governments", "true")
    case.set_series("migration.departures", [["period", "value"], ["2023", "100"], ["2024", "150"]])
    case.remove("wgi.rule_of_law")
    with pytest.raises(StepProblem, match="nothing evaluated since the profile last changed"):
        _ = case.decision
    decision = case.evaluate()
    assert decision.fired == ["smuggling-border"]  # the spike stands in for rule of law
    assert case.indicators["migration.departures"] == {"2023": 100, "2024": 150}
    case.vouch(["smuggling-border", "surveillance-safeguard"])  # the second was not put to the test
    case.vouch_silent(["smuggling-border"])  # fired, so no silence to vouch for
    assert case.evaluations == [{"smuggling-border": F}]


def test_a_case_names_what_is_wrong(case: Case) -> None:
    with pytest.raises(
        StepProblem, match=r'unknown rule "smuggling-bordr" \(did you mean "smuggling-border"\?\)'
    ):
        case.rule("smuggling-bordr")
    with pytest.raises(StepProblem, match=r'unknown measure "negotiations"$'):
        case.measure("negotiations")
    with pytest.raises(
        StepProblem, match=r'no profile "Testland 2023" .* \(did you mean "Testland 2024"\?\)'
    ):
        case.start_from("Testland 2023")
    with pytest.raises(StepProblem, match="12 is outside the range 1 to 10"):
        case.set_value("goci.human_smuggling", "12")
    with pytest.raises(StepProblem, match="is a number, not a series"):
        case.set_series("goci.human_smuggling", [["2024", "1"]])


def test_closest_step_ignores_the_names_in_it() -> None:
    assert closest_step("then", "joint-border-training is recomended") == "<measure> is recommended"
    assert closest_step("then", "the rule x fire") == "the rule <rule> fires"
    assert closest_step("given", "the profile is evaluated") is None  # a When, not a Given


def test_silence_resting_on_an_undetermined_rule_fails_and_says_what_is_missing(
    case: Case,
) -> None:
    case.start_empty("Testland")
    case.set_value("goci.human_smuggling", "9")
    case.evaluate()
    with pytest.raises(
        StepProblem,
        match=r"^joint-border-training is not recommended only because the rule smuggling-border"
        r" is undetermined: migration.departures and wgi.rule_of_law are missing, not false"
        r' \(add a value, or say "Then the rule smuggling-border is undetermined"\)$',
    ):
        case.vouch_silent(["smuggling-border"], "joint-border-training is not recommended")
    assert case.evaluations == [{}]
    # the explicit undetermined step vouches for it as undetermined, with where and what lacks
    case.step_at = (7, 5)
    case.vouch(["smuggling-border"])
    assert case.evaluations == [{"smuggling-border": U}]
    assert case.gaps == [{"smuggling-border": (7, 5, ("migration.departures", "wgi.rule_of_law"))}]
    # just under the threshold, the rule is false whatever the rest: silence with data
    case.set_value("goci.human_smuggling", "7.9")
    case.evaluate()
    case.vouch_silent(["smuggling-border"], "joint-border-training is not recommended")
    assert case.evaluations[-1] == {"smuggling-border": X}
    assert case.gaps[-1] == {}


def test_a_case_explains_each_condition_of_a_rule_and_a_signal(case: Case) -> None:
    case.start_empty("Testland")
    case.set_value("goci.human_smuggling", "7.9")
    case.set_series("migration.departures", [["2024", "100"]])
    case.evaluate()
    assert case.conditions("smuggling-border") == (
        "goci.human_smuggling >= 8 is false (value 7.9, needs >= 8);"
        " signal trafficking-spike is undetermined;"
        " wgi.rule_of_law <= -1.0 is undetermined (wgi.rule_of_law is missing)"
    )
    assert case.signal_state("trafficking-spike") is None
    # one period: the series is given, but its change cannot be computed
    assert case.signal_missing("trafficking-spike") == ["change(migration.departures)"]


def test_records_keep_where_a_rule_was_only_undetermined(
    basic_advisor: Advisor, tmp_path: Path
) -> None:
    gaps = {"smuggling-border": (12, 5, ("wgi.rule_of_law",))}
    records = [ScenarioRecord("s1", "features/a.feature", 9, "s1", {"smuggling-border": U}, gaps)]
    path = tmp_path / "coverage.json"
    write_records(path, records)
    assert read_records(path) == records
    coverage = {c.rule: c for c in rule_coverage(basic_advisor.ruleset, read_records(path))}
    smuggling = coverage["smuggling-border"]
    assert not smuggling.covered
    assert smuggling.silent_only_for_lack_of_data
    (lack,) = smuggling.lacking
    assert (str(lack), lack.missing) == ("features/a.feature:12:5", ("wgi.rule_of_law",))
