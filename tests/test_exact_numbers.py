"""Numbers the engine compares exactly: bounded at validation, and the engine agrees with Python.

durable_rules reads whole numbers with `atoll` (so 2^63 becomes 2^63 - 1) and compares a
whole number with a decimal as two doubles (so 2^53 + 1 equals 2^53). Rules and profiles
are kept within 2^53, where neither can happen.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import Advisor, EngineError, ProfileError
from advisor.errors import RuleSetError
from advisor.language.expressions import EXACT_LIMIT, exactly_comparable, truth
from advisor.language.files import check_ruleset
from advisor.language.parser import ExpressionError, parse_expression

from .conftest import WriteRules

HEAD = """
indicators:
  - {id: x.n, title: N, type: number}
  - {id: x.flow, title: Flow, type: series}
measures:
  - {id: m, title: M, area: diplomacy, description: d, outcomes: [o], horizon: short}
rules:
"""


def rule(rule_id: str, when: str) -> str:
    return (
        f"  - id: {rule_id}\n    title: T\n    when: {json.dumps(when)}\n"
        "    recommend: [{measure: m, priority: low}]\n    because: b\n    source: s\n"
    )


def problems_of(directory: Path) -> list[tuple[str, str, str | None]]:
    problems, ruleset = check_ruleset(directory)
    assert ruleset is None
    return [(str(p.location), p.code, p.suggestion) for p in problems if p.severity == "error"]


# -- validation: thresholds and ranges


def test_a_threshold_past_the_limit_is_refused_where_it_is_written(
    write_rules: WriteRules,
) -> None:
    rules = write_rules(**{"r.yaml": HEAD + rule("big", "x.n > 9223372036854775807")})
    ((where, code, hint),) = problems_of(rules)
    assert (where, code) == ("rules/r.yaml:9:18", "number-too-large")
    assert hint is not None
    assert "unit" in hint


@pytest.mark.parametrize(
    "when",
    [
        "x.n >= -9007199254740993",
        "x.n between 0 and 1e16",
        "x.n < 9007199254740994.0",
        "change(x.flow) >= 1e18%",
        "latest(x.flow) == 18446744073709551616",
    ],
)
def test_thresholds_past_the_limit_are_refused(write_rules: WriteRules, when: str) -> None:
    rules = write_rules(**{"r.yaml": HEAD + rule("big", when)})
    assert [code for _, code, _ in problems_of(rules)] == ["number-too-large"]


def test_thresholds_at_the_limit_are_kept(write_rules: WriteRules) -> None:
    text = HEAD + rule("edge", "x.n between -9007199254740992 and 9007199254740992.0")
    problems, ruleset = check_ruleset(write_rules(**{"r.yaml": text}))
    assert ruleset is not None, problems


def test_a_range_past_the_limit_is_refused_at_the_range(write_rules: WriteRules) -> None:
    text = HEAD.replace("type: number}", "type: number, range: [0, 1e20]}") + rule("r", "x.n > 5")
    # The indicator is left out, so the rule's reading of it is a problem too.
    found = problems_of(write_rules(**{"r.yaml": text}))
    assert [code for _, code, _ in found] == ["number-too-large", "unknown-indicator"]
    assert found[0][0] == "rules/r.yaml:2:46"  # the range


def test_an_unbounded_range_is_refused(write_rules: WriteRules) -> None:
    text = HEAD.replace("type: number}", "type: number, range: [-.inf, 0]}") + rule("r", "x.n > -5")
    found = problems_of(write_rules(**{"r.yaml": text}))
    assert [code for _, code, _ in found] == ["number-too-large", "unknown-indicator"]


def test_validate_names_the_place_and_exits_1(write_rules: WriteRules) -> None:
    rules = write_rules(**{"r.yaml": HEAD + rule("big", "x.n > 9223372036854775807")})
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "validate", str(rules)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "r.yaml:9:18: 9223372036854775807 is beyond ±9007199254740992 (2^53)" in (
        result.stdout + result.stderr
    )


# -- profiles


@pytest.fixture
def unranged(write_rules: WriteRules) -> Iterator[Advisor]:
    text = HEAD + rule("over", "x.n > 9007199254740991") + rule("near", "x.n > 9007199254740990.0")
    advisor = Advisor.from_directory(write_rules(**{"r.yaml": text}))
    yield advisor
    advisor.close()


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (9223372036854775808, "indicators.x.n"),  # the probe: today it silently did not fire
        (-(2**53) - 1, "indicators.x.n"),
        (9007199254740994.0, "indicators.x.n"),
        (1e300, "indicators.x.n"),
        ({"2024": 2**64}, "indicators.x.flow.2024"),
    ],
)
def test_a_profile_value_past_the_limit_is_refused_by_path(
    unranged: Advisor, value: object, path: str
) -> None:
    indicator = "x.flow" if isinstance(value, dict) else "x.n"
    with pytest.raises(ProfileError) as caught:
        unranged.evaluate({"country": "X", "indicators": {indicator: value}})
    ((got, code),) = [(p.path, p.code) for p in caught.value.problems]
    assert (got, code) == (path, "number-too-large")


def test_values_at_the_limit_are_compared_exactly(unranged: Advisor) -> None:
    # 2^53 against the decimal 9007199254740990.0 and the whole number 2^53 - 1: both fire.
    decision = unranged.evaluate({"country": "X", "indicators": {"x.n": 2**53}})
    assert decision.fired == ["near", "over"]
    decision = unranged.evaluate({"country": "X", "indicators": {"x.n": 2**53 - 1}})
    assert decision.fired == ["near"]


def test_recommend_refuses_the_value_with_exit_2(write_rules: WriteRules, tmp_path: Path) -> None:
    rules = write_rules(**{"r.yaml": HEAD + rule("over", "x.n > 9007199254740991")})
    profile = tmp_path / "p.json"
    profile.write_text('{"country": "X", "indicators": {"x.n": 9223372036854775808}}')
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "recommend", str(profile), "--rules", str(rules)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "indicators.x.n: 9223372036854775808 is beyond ±9007199254740992" in result.stderr


def test_the_engine_refuses_a_whole_number_it_would_misread() -> None:
    from advisor.engine.plan import engine_number

    assert engine_number(2**53) == "9007199254740992"
    assert engine_number(1e300).startswith("1000000000000000052504760255204420248704")
    with pytest.raises(EngineError):
        engine_number(2**63)


# -- the engine against the reference evaluator, at the extremes

EDGES = [0, 1, -1, 2**53, -(2**53), 2**53 - 1, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1]
EDGES += [0.1, 0.2, 0.3, 0.30000000000000004, -0.1, 1e-9, 5e-10, 1.5e-9, -0.0]
EDGES += [9007199254740992.0, 9007199254740994.0, 9007199254740991.0, 4503599627370497.0]
EDGES += [4503599627370496.5, -9007199254740992.0, 1e16, 123456789.123456789]

NUMBERS = st.one_of(
    st.sampled_from(EDGES),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.integers(min_value=2**53 - 3, max_value=2**53 + 3).map(lambda n: n * (-1) ** (n % 2)),
    st.floats(min_value=-2e16, max_value=2e16, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-1000, max_value=1000, places=4).map(float),
)
OPERATORS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}


def _text(number: float | int) -> str:
    return repr(number)


def _around(thresholds: list[float | int]) -> list[float | int]:
    """Values where comparisons turn: each threshold, one either side, as a whole number
    and as a decimal."""
    found: list[float | int] = []
    for threshold in thresholds:
        found += [threshold - 1, threshold, threshold + 1, float(threshold)]
        if isinstance(threshold, float) and threshold.is_integer():
            found += [int(threshold) - 1, int(threshold), int(threshold) + 1]
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    thresholds=st.lists(NUMBERS, min_size=1, max_size=3),
    values=st.lists(NUMBERS, min_size=1, max_size=6),
)
def test_the_engine_decides_every_comparison_as_python_does(
    thresholds: list[float | int], values: list[float | int]
) -> None:
    for threshold in thresholds:
        if not exactly_comparable(threshold):
            with pytest.raises(ExpressionError) as caught:
                parse_expression(f"x.n > {_text(threshold)}")
            assert caught.value.code == "number-too-large"
    kept = [t for t in thresholds if exactly_comparable(t)]
    text = HEAD
    for index, threshold in enumerate(kept):
        for name, op in OPERATORS.items():
            text += rule(f"r{index}-{name}", f"x.n {op} {_text(threshold)}")
    low, high = sorted([*kept, 0, 0][:2])
    text += rule("between", f"x.n between {_text(low)} and {_text(high)}")
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "r.yaml").write_text(text, encoding="utf-8")
        try:
            advisor = Advisor.from_directory(directory)
        except RuleSetError as exc:  # pragma: no cover - shown if it happens
            raise AssertionError(str(exc)) from None
    try:
        for value in [*values, *_around(thresholds)]:
            profile = {"country": "X", "indicators": {"x.n": value}}
            if not exactly_comparable(value):
                with pytest.raises(ProfileError) as refused:
                    advisor.observe(profile)
                assert [p.code for p in refused.value.problems] == ["number-too-large"]
                continue
            observations = advisor.observe(profile)
            expected = {
                rule_id
                for rule_id, parsed in advisor.ruleset.rules.items()
                if truth(parsed.condition, observations.values, {}) is True
            }
            assert set(advisor.evaluate(observations).fired) == expected, (value, kept)
    finally:
        advisor.close()


def test_the_limit_is_two_to_the_53() -> None:
    assert EXACT_LIMIT == 9007199254740992 == float(EXACT_LIMIT)
    assert float(EXACT_LIMIT + 1) == float(EXACT_LIMIT)  # past it, whole numbers round
