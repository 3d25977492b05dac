"""What-if: `--set` / `--unset` on the command line, and the sensitivity section."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor import Advisor, ProfileError
from advisor.analysis.overrides import apply_changes
from advisor.language.models import Priority
from advisor.language.profile import read_profile

ROOT = Path(__file__).parent.parent
PROFILES = ROOT / "examples" / "profiles"


@pytest.fixture(scope="module")
def advisor() -> Iterator[Advisor]:
    built = Advisor.from_directory(ROOT / "rules")
    yield built
    built.close()


def recommend(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", "recommend", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def fired(decision: dict[str, Any]) -> set[str]:
    """The rules a decision's JSON says fired: a fired rule's `status` is left out (default)."""
    return {rule for rule, said in decision["rules"].items() if "status" not in said}


def test_set_and_unset_change_the_decision_not_the_file() -> None:
    tunisia = str(PROFILES / "tunisia-2024.yaml")
    before = json.loads(recommend(tunisia, "--format", "json").stdout)
    after = recommend(
        tunisia,
        "--format",
        "json",
        "--set",
        "gti.score=6.5",
        "--set",
        "local.border_control_capacity=weak",
        "--unset",
        "local.youth_unemployment_pct",
    )
    assert after.returncode == 0, after.stderr
    changed = json.loads(after.stdout)
    assert "high-terrorism-impact" not in fired(before)
    assert "high-terrorism-impact" in fired(changed)
    undetermined = {rule: changed["rules"][rule]["missing"] for rule in changed["undetermined"]}
    assert undetermined["youth-unemployment-response"] == ["local.youth_unemployment_pct"]
    assert json.loads(recommend(tunisia, "--format", "json").stdout) == before


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("oops", "--set oops: expected INDICATOR=VALUE"),
        ("gti.scor=5", '--set gti.scor=5: unknown indicator (did you mean "gti.score"?)'),
        ("gti.score=eleven", "--set gti.score=eleven: expected a number, got 'eleven'"),
        ("wgi.rll=-1", '--set wgi.rll=-1: unknown indicator (did you mean "wgi.rl" (an alias'),
        (
            "migration.departures_to_italy={22: 1, 2023: 2}",
            "--set migration.departures_to_italy={22: 1, 2023: 2}: 22: '22' is not a period",
        ),
        (
            "gti.score={a: [",
            "--set gti.score={a: [: the value is not readable (did not find expected node content)",
        ),
    ],
)
def test_a_bad_setting_is_refused_by_name(setting: str, message: str) -> None:
    result = recommend(str(PROFILES / "tunisia-2024.yaml"), "--set", setting)
    assert result.returncode == 2
    # the command line is at fault, not the profile file
    assert result.stderr.startswith("the command line: the profile was refused:\n")
    assert message in result.stderr
    assert "tunisia-2024.yaml" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_series_is_set_as_the_readme_writes_one() -> None:
    tunisia = str(PROFILES / "tunisia-2024.yaml")
    before = json.loads(recommend(tunisia, "--format", "json").stdout)
    surge = "--set=migration.departures_to_italy={2022: 24684, 2023: 51700}"
    result = recommend(tunisia, "--format", "json", surge)
    assert result.returncode == 0, result.stderr
    after = json.loads(result.stdout)
    assert "departure-surge-response" not in before["rules"]
    assert "departure-surge-response" in fired(after)  # +109% on 2022


def test_a_setting_by_alias_replaces_the_indicator_the_profile_gives(advisor: Advisor) -> None:
    profile = read_profile(PROFILES / "tunisia-2024.yaml")
    assert "wgi.rule_of_law" in profile.indicators
    changed = apply_changes(profile, ["wgi.rl=-2"], ["wgi.pv"], advisor.ruleset)
    observed = advisor.observe(changed)
    assert observed.indicators["wgi.rule_of_law"] == -2
    assert "wgi.political_stability" not in observed.indicators


def test_unsetting_an_indicator_the_profile_lacks_is_refused() -> None:
    result = recommend(str(PROFILES / "tunisia-2024.yaml"), "--unset", "gti.scor")
    assert result.returncode == 2
    expected = "--unset gti.scor: the profile does not give this indicator"
    assert f'{expected} (did you mean "gti.score"?)' in result.stderr


def test_sensitivity_names_the_nearest_threshold(advisor: Advisor) -> None:
    decision = advisor.evaluate(read_profile(PROFILES / "tunisia-2024.yaml"), sensitivity=True)
    assert decision.sensitivity is not None
    by_measure = {s.measure: s for s in decision.sensitivity}
    assert set(by_measure) == {r.measure for r in decision.recommendations}
    (change,) = by_measure["extradition-cooperation"].changes
    assert (change.indicator, change.now, change.to, change.effect) == (
        "goci.human_smuggling",
        8.0,
        7.74,  # the threshold is 7.75, between the half points GI-TOC gives
        "removes",
    )
    assert change.rules == ["trafficker-prosecution-cooperation"]
    raises = {
        (c.indicator, c.to)
        for c in by_measure["regular-bilateral-meetings"].changes
        if c.effect == "raises"
    }
    # threshold of escalation: 28 events per million people
    assert ("acled.political_violence_events_per_million", 28) in raises


@pytest.mark.parametrize("name", ["tunisia-2024", "libya-2023", "egypt-2024"])
def test_every_reported_change_does_what_it_says_in_the_engine(advisor: Advisor, name: str) -> None:
    profile = read_profile(PROFILES / f"{name}.yaml")
    decision = advisor.evaluate(profile, sensitivity=True)
    assert decision.sensitivity is not None
    checked = 0
    for item in decision.sensitivity:
        for change in item.changes:
            value = change.to
            if change.period is not None:  # one period of a series changes
                given = profile.indicators[change.indicator]
                value = {**given, change.period: change.to}  # type: ignore[dict-item]
            changed = profile.model_copy(
                update={"indicators": {**profile.indicators, change.indicator: value}}
            )
            after = {r.measure: r.priority for r in advisor.evaluate(changed).recommendations}
            if change.effect == "removes":
                assert item.measure not in after, change
            else:
                assert after[item.measure] == change.priority, change
                assert change.priority is not None
                assert change.priority.rank > item.priority.rank
            checked += 1
    assert checked > 0
    assert advisor.evaluate(profile).sensitivity is None  # only when asked for


def test_sensitivity_in_the_table() -> None:
    result = recommend(str(PROFILES / "tunisia-2024.yaml"), "--sensitivity")
    assert result.returncode == 0, result.stderr
    assert "Sensitivity (one indicator changed at a time)" in result.stdout
    assert (
        "goci.human_smuggling 8 -> 7.74: removes it (trafficker-prosecution-cooperation)"
        in result.stdout
    )


def test_a_profile_giving_an_indicator_twice_is_still_refused_after_a_setting(
    advisor: Advisor,
) -> None:
    profile = read_profile(PROFILES / "tunisia-2024.yaml")
    twice = profile.model_copy(update={"indicators": {**profile.indicators, "wgi.pv": -1.0}})
    changed = apply_changes(twice, ["gti.score=5"], [], advisor.ruleset)
    with pytest.raises(ProfileError) as caught:
        advisor.observe(changed)
    assert [p.code for p in caught.value.problems] == ["alias-twice"]
    # a setting of the indicator replaces it however the profile named it
    fixed = apply_changes(twice, ["wgi.political_stability=-2"], [], advisor.ruleset)
    assert advisor.observe(fixed).indicators["wgi.political_stability"] == -2


SURGE_ONLY = {
    "country": "Libya",
    "indicators": {"migration.departures_to_italy": {"2023": 8000, "2024": 12000}},
}


def test_sensitivity_changes_one_period_of_a_series(advisor: Advisor) -> None:
    # +50% on 8,000, and under the 15,000 of a major departure country: the surge alone
    decision = advisor.evaluate(SURGE_ONLY, sensitivity=True)
    assert decision.sensitivity is not None
    by_measure = {s.measure: s for s in decision.sensitivity}
    coup, change = by_measure["joint-border-training"].changes
    # an unconstitutional government would withhold border training
    assert (coup.indicator, coup.to, coup.rules) == (
        "local.unconstitutional_government",
        True,
        ["coup-security-assistance-withheld"],
    )
    # 9,999 is +24.99% on 8,000: just under the 25% of the trafficking-spike signal
    assert (change.indicator, change.period, change.now, change.to, change.effect) == (
        "migration.departures_to_italy",
        "2024",
        12000,
        9999,
        "removes",
    )
    assert change.rules == ["departure-surge-response"]


def test_sensitivity_finds_the_surge_that_raises_a_measure(advisor: Advisor) -> None:
    # Libya 2023: 53,000 then 51,700; 66,250 is 25% above 53,000
    decision = advisor.evaluate(read_profile(PROFILES / "libya-2023.yaml"), sensitivity=True)
    assert decision.sensitivity is not None
    by_measure = {s.measure: s for s in decision.sensitivity}
    surge = [c for c in by_measure["joint-border-training"].changes if c.period is not None]
    assert [(c.period, c.now, c.to, c.effect, c.priority) for c in surge] == [
        ("2023", 51700, 66250, "raises", Priority.CRITICAL)
    ]


def test_sensitivity_table_names_the_period(tmp_path: Path) -> None:
    profile = tmp_path / "surge.json"
    profile.write_text(json.dumps(SURGE_ONLY))
    result = recommend(str(profile), "--sensitivity")
    assert result.returncode == 0, result.stderr
    assert (
        "migration.departures_to_italy in 2024 12,000 -> 9,999: removes it"
        " (departure-surge-response)"
    ) in result.stdout
