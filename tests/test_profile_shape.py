"""The shape of a profile: its period, series keys, and what is not a profile at all."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from advisor import Advisor, ProfileError
from advisor.language.profile import parse_profile, read_profile, read_profile_stream

ROOT = Path(__file__).resolve().parent.parent
DEPARTURES = "migration.departures_to_italy"


@pytest.fixture(scope="module")
def advisor() -> Iterator[Advisor]:
    built = Advisor.from_directory(ROOT / "rules")
    yield built
    built.close()


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


@pytest.mark.parametrize("document", ["Libya", 7])
def test_a_document_that_is_not_a_mapping_is_refused_plainly(document: object) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(document)
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == ("$", "not-a-mapping")
    assert "SituationProfile" not in str(problem)


@pytest.mark.parametrize("document", [None, ""])
def test_an_empty_document_is_called_empty(document: object) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(document)
    (problem,) = caught.value.problems
    assert (problem.path, problem.code, problem.message) == ("$", "empty", "the profile is empty")


@pytest.mark.parametrize(
    ("suffix", "text"), [(".yaml", ""), (".yaml", "# nothing\n"), (".json", "")]
)
def test_an_empty_file_is_called_empty(tmp_path: Path, suffix: str, text: str) -> None:
    path = tmp_path / f"p{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    assert [p.code for p in caught.value.problems] == ["empty"]


def test_a_list_points_at_the_batch_endpoint(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('[{"country": "X"}, {"country": "Y"}]', encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    (problem,) = caught.value.problems
    assert str(problem) == (
        "$: a list: use the batch endpoint (POST /v1/recommendations/batch) or one profile per file"
    )


def readme_profile() -> dict[str, object]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A situation profile", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    loaded = yaml.safe_load(block.group(1))
    assert isinstance(loaded, dict)
    return loaded


def test_the_readme_profile_loaded_by_pyyaml_is_evaluated(advisor: Advisor) -> None:
    profile = readme_profile()
    indicators = profile["indicators"]
    assert isinstance(indicators, dict)
    assert all(isinstance(k, int) for k in indicators[DEPARTURES])  # what safe_load gives
    observed = advisor.observe(profile)
    assert dict(observed.indicators[DEPARTURES]) == {"2022": 53000, "2023": 51700, "2024": 36468}
    assert advisor.evaluate(profile).country == "Libya"


@pytest.mark.parametrize(
    ("key", "path"),
    [
        (22, f"indicators.{DEPARTURES}.22"),
        ("2024-Q5", f"indicators.{DEPARTURES}.2024-Q5"),
        (2024.5, f"indicators.{DEPARTURES}.2024.5"),
        (date(2024, 5, 1), f"indicators.{DEPARTURES}.2024-05-01"),
        (True, f"indicators.{DEPARTURES}.True"),
    ],
)
def test_a_series_key_that_is_not_a_period_is_refused_by_path(
    advisor: Advisor, key: object, path: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        advisor.observe({"country": "X", "indicators": {DEPARTURES: {key: 1, 2023: 2}}})
    (problem,) = caught.value.problems
    assert (problem.path, problem.code) == (path, "period")
    assert "a quarter (2024-Q1)" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        '{"country": "X", "indicators": {"wgi.rl": -1.2}}',
        "country: X\nindicators:\n  wgi.rl: -1.2\n",
    ],
)
def test_a_profile_is_read_from_a_stream_as_json_or_yaml(advisor: Advisor, text: str) -> None:
    profile = read_profile_stream(io.StringIO(text))
    assert dict(advisor.observe(profile).indicators) == {"wgi.rule_of_law": -1.2}


def test_json_rules_apply_to_a_stream_that_is_json() -> None:
    with pytest.raises(ProfileError) as caught:
        read_profile_stream(io.StringIO('{"country": "X", "indicators": {"gti.score": NaN}}'))
    assert caught.value.source == "standard input"
    assert "NaN is not a number a profile can carry" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, [("indicators.gti.score", "no value")]),
        (
            [1, 2],
            [
                (
                    "indicators.gti.score",
                    "expected a number, true or false, a category word, or a series by period,"
                    " got list [1, 2]",
                )
            ],
        ),
        ({"2024": "many"}, [("indicators.gti.score.2024", "expected a number")]),
    ],
)
def test_a_bad_value_gets_one_line_not_one_per_type_it_could_have_been(
    value: object, expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({"country": "X", "indicators": {"gti.score": value}})
    assert [(p.path, p.message) for p in caught.value.problems] == expected
