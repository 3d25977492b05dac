"""The fast path for plainly valid profiles gives exactly what the full check gives.

`parse_profile` and `check_profile` skip pydantic and the problem-building
check for profiles that are plainly valid; these tests hold the fast path to
the full one (`SituationProfile.model_validate`, `profile._check_fully`) on
valid profiles at the edges, and show that anything the fast path does not
take still reaches the full check and its problems.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from advisor import Advisor, ProfileError, read_profile
from advisor.language import profile as profile_module
from advisor.language.models import SituationProfile
from advisor.language.plain_profile import plain_profile, plain_values
from advisor.language.profile import Observations, check_profile, parse_profile

from .conftest import WriteRules

RULES = """
indicators:
  - {id: x.share, title: Share, type: number, range: [-1, 1], aliases: [x.s]}
  - {id: x.free, title: Free, type: number}
  - {id: x.count, title: Count, type: integer, range: [0, 1000]}
  - {id: x.flag, title: Flag, type: boolean}
  - {id: x.kind, title: Kind, type: category, categories: [low, high]}
  - {id: x.flow, title: Flow, type: series}
measures:
  - {id: m, title: M, area: diplomacy, description: d, outcomes: [o], horizon: short}
rules:
  - id: r
    title: R
    when: x.share > 0 and x.free < 5 and x.count >= 2 and x.flag and x.kind == "high"
    recommend: [{measure: m, priority: low}]
    because: "{x.share}"
    source: s
  - id: f
    title: F
    when: change(x.flow) >= 10%
    recommend: [{measure: m, priority: low}]
    because: "{change(x.flow)}"
    source: s
"""

EDGE_NUMBERS = [0.0, -0.0, 1e-12, -1e-12, 5e-10, 0.1 + 0.2, 1.0, -1.0, 0.999999999999, 1, 0, -1]
FREE_NUMBERS = [2**53, -(2**53), 2.0**53, -(2.0**53), -1e-300, 123456789.123456789, 7, 7.5]


@pytest.fixture
def advisor(write_rules: WriteRules) -> Advisor:
    return Advisor.from_directory(write_rules(**{"rules.yaml": RULES}))


def _same_model(fast: SituationProfile, full: SituationProfile) -> None:
    assert fast == full
    assert fast.model_fields_set == full.model_fields_set
    for name, value in full.indicators.items():
        assert type(fast.indicators[name]) is type(value)
        if isinstance(value, dict):
            assert list(fast.indicators[name].items()) == list(value.items())
            assert [type(v) for v in fast.indicators[name].values()] == [
                type(v) for v in value.values()
            ]


def _same_observations(fast: Observations, full: Observations) -> None:
    assert fast == full
    assert list(fast.indicators) == list(full.indicators)
    assert list(fast.values) == list(full.values)
    for key, value in full.values.items():
        assert type(fast.values[key]) is type(value)
        if isinstance(value, float):
            assert math.copysign(1, fast.values[key]) == math.copysign(1, value)


def _profiles() -> list[dict[str, Any]]:
    rng = random.Random(7)
    profiles: list[dict[str, Any]] = [
        {"country": "X"},
        {"country": "Côte d'Ivoire", "period": "2024-Q1", "notes": "é", "indicators": {}},
        {"country": "X" * 120, "period": None, "sources": {"x.share": "a survey"}},
    ]
    for share in EDGE_NUMBERS:
        for free in FREE_NUMBERS:
            profiles.append(
                {
                    "country": "Libya",
                    "period": rng.choice(["2024", "2024-H2", "2024-05"]),
                    "indicators": {
                        "x.share": share,
                        "x.free": free,
                        "x.count": rng.choice([0, 2, 1000, 3.0, 999.0]),
                        "x.flag": rng.choice([True, False]),
                        "x.kind": rng.choice(["low", "high"]),
                        "x.flow": rng.choice(
                            [
                                {2024: free, 2022: share, 2023: 0.5},
                                {"2024-Q2": 1, "2024-Q1": share},
                                {"2024-05": share},
                            ]
                        ),
                    },
                }
            )
    return profiles


def test_plain_profiles_are_read_as_model_validate_reads_them() -> None:
    for data in _profiles():
        fast = parse_profile(data)
        assert plain_profile(data) is not None
        _same_model(fast, profile_module._parse_fully(data, "<profile>"))


def test_plain_profiles_are_checked_as_the_full_check_checks_them(advisor: Advisor) -> None:
    for data in _profiles():
        parsed = parse_profile(data)
        assert plain_values(parsed, advisor.ruleset) is not None
        fast = check_profile(parsed, advisor.ruleset)
        full = profile_module._check_fully(parsed, advisor.ruleset, "<profile>")
        _same_observations(fast, full)


def test_the_fast_path_never_copies_by_reference() -> None:
    data = {"country": "X", "indicators": {"x.free": 1.0}}
    parsed = parse_profile(data)
    data["indicators"]["x.free"] = 2.0
    assert parsed.indicators == {"x.free": 1.0}


@pytest.mark.parametrize(
    "data",
    [
        {"country": "X", "period": 2024},  # an integer period: the validator makes it text
        {"country": "X", "period": "2024\n"},
        {"country": "X", "period": "\uff12\uff10\uff12\uff14"},  # full-width digits
        {"country": "X", "indicators": {"x.flow": {2023: 1, "2023": 2}}},
        {"country": "X", "indicators": {"x.flow": {2023.0: 1}}},
        {"country": "X", "indicators": {"x.flow": {True: 1}}},
        {"country": "X", "indicators": {"x.flow": {2023: True}}},
        {"country": "X", "indicators": {"x.flow": {2023: "1"}}},
        {"country": "X", "indicators": {"x.free": None}},
        {"country": "X", "indicators": {"x.free": [1]}},
        {"country": "X", "indicators": {"x\udc80": 1.0}},
        {"country": "X" * 121},
        {"country": ""},
        {"country": 5},
        {"country": "X", "extra": 1},
        {"country": "X", "sources": {"x.share": 1}},
        {"country": "X", "notes": None},
    ],
)
def test_anything_else_takes_the_full_path(data: dict[str, Any]) -> None:
    assert plain_profile(data) is None
    try:
        expected: Any = profile_module._parse_fully(data, "<profile>")
    except ProfileError as exc:
        expected = exc.problems
    try:
        got: Any = parse_profile(data)
    except ProfileError as exc:
        got = exc.problems
    if isinstance(expected, SituationProfile):
        _same_model(got, expected)
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("indicators", "sources", "code"),
    [
        ({"x.share": 1.5}, {}, "out-of-range"),
        ({"x.share": math.nan}, {}, "not-finite"),
        ({"x.free": math.inf}, {}, "not-finite"),
        ({"x.free": 2**53 + 1}, {}, "number-too-large"),
        ({"x.free": 2.0**60}, {}, "number-too-large"),
        ({"x.count": 2.5}, {}, "value-type"),
        ({"x.count": True}, {}, "value-type"),
        ({"x.free": "5"}, {}, "value-type"),
        ({"x.flag": 1}, {}, "value-type"),
        ({"x.kind": "middle"}, {}, "unknown-category"),
        ({"x.nope": 1.0}, {}, "unknown-indicator"),
        ({"x.share": 0.5, "x.s": 0.5}, {}, "alias-twice"),
        ({"x.flow": {}}, {}, "value-type"),
        ({"x.flow": {"2024": 1, "2024-Q1": 2}}, {}, "mixed-periods"),
        ({"x.flow": {"24": 1}}, {}, "period"),
        ({"x.flow": {"2024": math.inf}}, {}, "not-finite"),
        ({"x.flow": 5}, {}, "value-type"),
        ({}, {"x.nope": "a survey"}, "unknown-indicator"),
    ],
)
def test_problems_are_still_named_by_the_full_check(
    advisor: Advisor, indicators: dict[str, Any], sources: dict[str, str], code: str
) -> None:
    parsed = parse_profile({"country": "X", "indicators": indicators, "sources": sources})
    assert plain_values(parsed, advisor.ruleset) is None
    with pytest.raises(ProfileError) as caught:
        check_profile(parsed, advisor.ruleset)
    assert code in {problem.code for problem in caught.value.problems}


def test_an_alias_takes_the_full_path_and_is_read_under_its_id(advisor: Advisor) -> None:
    parsed = parse_profile({"country": "X", "indicators": {"x.s": 0.25}})
    assert plain_values(parsed, advisor.ruleset) is None
    assert check_profile(parsed, advisor.ruleset).indicators == {"x.share": 0.25}


def test_bundled_example_profiles_take_the_fast_path() -> None:
    """The bundled rule set and its examples: the path the service takes every time."""
    bundled = Advisor.from_directory(Path("rules"))
    paths = sorted(Path("examples/profiles").glob("*.yaml"))
    assert paths
    for path in paths:
        parsed = read_profile(path)
        assert plain_values(parsed, bundled.ruleset) is not None
        full = profile_module._check_fully(parsed, bundled.ruleset, str(path))
        _same_observations(check_profile(parsed, bundled.ruleset), full)
