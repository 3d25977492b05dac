"""Threshold candidates: the values just across the constants the rules compare with."""

from __future__ import annotations

from advisor.analysis.candidates import (
    candidates,
    series_candidates,
    thresholds,
    value_candidates,
)
from advisor.language.models import IndicatorSpec, IndicatorType
from advisor.language.parser import parse_expression


def spec(kind: IndicatorType, **extra: object) -> IndicatorSpec:
    return IndicatorSpec.model_validate({"id": "local.x", "title": "X", "type": kind, **extra})


def test_thresholds_collects_comparisons_and_between_bounds_per_indicator() -> None:
    found = thresholds(
        [
            parse_expression("local.x >= 8 and local.n between 100 and 200"),
            parse_expression("change(local.s) >= 25% or local.c in [a, b] or local.b"),
        ]
    )
    assert found == {
        "local.x": [(None, 8)],
        "local.n": [(None, 100), (None, 200)],
        "local.s": [("change", 0.25)],
    }


def test_numbers_straddle_each_threshold_inside_the_range() -> None:
    number = spec(IndicatorType.NUMBER, range=[1, 10])
    assert value_candidates(number, [(None, 8), (None, 10)], range_ends=False) == [
        7.99,
        8,
        8.01,
        9.99,
        10,
    ]  # 10.01 is out of range; the constants keep the type they were written with
    assert value_candidates(number, [(None, 8)], range_ends=True) == [1, 7.99, 8, 8.01, 10]
    integer = spec(IndicatorType.INTEGER, range=[0, 100000])
    assert value_candidates(integer, [(None, 100), (None, 0)], range_ends=False) == [
        0,
        1,
        99,
        100,
        101,
    ]


def test_booleans_and_categories_are_all_tried() -> None:
    assert value_candidates(spec(IndicatorType.BOOLEAN), [], range_ends=False) == [True, False]
    category = spec(IndicatorType.CATEGORY, categories=["weak", "partial", "effective"])
    assert value_candidates(category, [], range_ends=True) == ["weak", "partial", "effective"]


def test_series_straddle_level_and_change_thresholds() -> None:
    series = spec(IndicatorType.SERIES, range=[0, 1000])
    found = [("latest", 500), ("change", 0.25)]
    made = series_candidates(series, found)
    assert made == candidates(series, found, range_ends=True)
    latest = {s["2024"] for s in made}
    assert {0, 499.99, 500, 500.01, 1000} <= latest
    changes = {round(s["2024"] / s["2023"] - 1, 4) for s in made if s["2023"]}
    assert {0.24, 0.25, 0.26, 0.0} <= changes
