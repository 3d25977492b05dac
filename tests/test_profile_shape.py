"""The shape of a profile: its period, and what is not a profile at all."""

from __future__ import annotations

import pytest

from advisor import ProfileError
from advisor.language.profile import parse_profile


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (2024, "2024"),
        ("2024", "2024"),
        ("2024-Q2", "2024-Q2"),
        ("2024-H1", "2024-H1"),
        ("2024-05", "2024-05"),
        (None, None),
    ],
)
def test_periods_a_profile_may_describe(period: object, expected: str | None) -> None:
    assert parse_profile({"country": "X", "period": period}).period == expected


@pytest.mark.parametrize("period", ["banana", "2024-Q5", "2024-13", "", "24", True])
def test_other_periods_are_refused_with_the_forms_that_work(period: object) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"country": "X", "period": period})
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("period", "bad-period")
    assert problem.suggestion is not None
    assert '"2024-Q1"' in problem.suggestion


@pytest.mark.parametrize("document", [[{"country": "X"}], "Libya", 7, None])
def test_a_document_that_is_not_a_mapping_is_refused_plainly(document: object) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(document)
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("$", "not-a-mapping")
    assert "SituationProfile" not in str(problem)
