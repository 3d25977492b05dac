"""Numbers at the edge of floats: refused with a path, or undetermined; never an engine error."""

from __future__ import annotations

import pytest

from advisor import Advisor, ProfileError

from .conftest import WriteRules

UNRANGED = """
indicators:
  - {id: x.count, title: Count, type: integer}
  - {id: x.flow, title: Flow, type: series}
measures:
  - {id: m, title: M, area: diplomacy, description: d, outcomes: [o], horizon: short}
rules:
  - id: big-count
    title: Big count
    when: x.count >= 5
    recommend: [{measure: m, priority: low}]
    because: "{x.count}"
    source: s
  - id: rising-flow
    title: Rising flow
    when: mean(x.flow) >= 5 or change(x.flow) >= 10%
    recommend: [{measure: m, priority: low}]
    because: "{mean(x.flow)} {change(x.flow)}"
    source: s
"""


@pytest.fixture
def unranged(write_rules: WriteRules) -> Advisor:
    return Advisor.from_directory(write_rules(**{"rules.yaml": UNRANGED}))


def test_integer_beyond_any_float_is_refused_by_path(unranged: Advisor) -> None:
    with pytest.raises(ProfileError) as caught:
        unranged.evaluate({"country": "X", "indicators": {"x.count": 10**400}})
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("indicators.x.count", "not-finite")


def test_series_values_past_what_the_engine_compares_are_refused_by_period(
    unranged: Advisor,
) -> None:
    # 1.7e308 twice would overflow the mean; it never gets that far.
    with pytest.raises(ProfileError) as caught:
        unranged.evaluate(
            {"country": "X", "indicators": {"x.flow": {"2023": 1.7e308, "2024": 1.7e308}}}
        )
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("indicators.x.flow.2023", "number-too-large"),
        ("indicators.x.flow.2024", "number-too-large"),
    ]
