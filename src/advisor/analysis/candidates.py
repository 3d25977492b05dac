"""Values worth trying for an indicator: the ones just across the thresholds rules use.

A condition can only change its truth where a value crosses one of its constants, so
the candidates are each threshold, one step either side of it (1 for integers, 0.01
otherwise), every boolean, every category, and, when asked, the ends of the range.
Sensitivity tries them one indicator at a time (`analysis.sensitivity`), and for a series
one period at a time (`period_candidates`: the value of one period that puts `latest()`,
`previous()`, `mean()` or `change()` just across a threshold); witness search tries
combinations (`analysis.witness`), for which whole series are built.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from advisor.language.expressions import Between, Comparison, Condition, Value, atoms
from advisor.language.models import IndicatorSpec, IndicatorType
from advisor.language.profile import Series

__all__ = [
    "Threshold",
    "candidates",
    "period_candidates",
    "series_candidates",
    "thresholds",
    "value_candidates",
]

#: (function, constant): a condition compares the indicator, or a function of it, with it
Threshold = tuple[str | None, float | int]

#: how far past a threshold a candidate goes
STEP = {IndicatorType.INTEGER: 1, IndicatorType.NUMBER: 0.01, IndicatorType.SERIES: 0.01}
#: the periods of a candidate series: two are enough for every function of the language
PERIODS = ("2023", "2024")
#: series functions whose threshold is on the scale of the values themselves
_LEVEL_FUNCTIONS = (None, "latest", "previous", "mean")


def thresholds(conditions: Iterable[Condition]) -> dict[str, list[Threshold]]:
    """Per indicator, every numeric constant the conditions compare it with, in reading order.

    Only comparisons and `between` have numeric constants: the rule language allows
    `in [...]` for categories alone, and their candidates are all the categories.
    """
    found: dict[str, list[Threshold]] = defaultdict(list)
    for condition in conditions:
        for leaf in atoms(condition):
            if isinstance(leaf, Comparison | Between):
                bounds = [leaf.low, leaf.high] if isinstance(leaf, Between) else [leaf.value]
                found[leaf.operand.indicator] += [
                    (leaf.operand.function, b)
                    for b in bounds
                    if isinstance(b, int | float) and not isinstance(b, bool)
                ]
    return found


def value_candidates(
    spec: IndicatorSpec, found: Sequence[Threshold], *, range_ends: bool
) -> list[Value]:
    """Candidates for a boolean, category, integer or number indicator, sorted.

    `range_ends` adds the ends of the indicator's range: a witness search wants them
    (the most extreme profile), sensitivity does not (it reports only the changes
    just across a threshold).
    """
    if spec.type is IndicatorType.BOOLEAN:
        return [True, False]
    if spec.type is IndicatorType.CATEGORY:
        return list(spec.categories or ())
    return list(_around(spec, [v for f, v in found if f is None], range_ends=range_ends))


def series_candidates(spec: IndicatorSpec, found: Sequence[Threshold]) -> list[Series]:
    """Two-period series that straddle the thresholds on the level and on `change()`."""
    levels = [v for f, v in found if f in _LEVEL_FUNCTIONS]
    bases = _around(spec, levels, range_ends=True) or [1000.0]
    # change() is the relative change of the latest period: unbounded, so no range applies
    changes = sorted(
        round(p, 6) for p in _near([v for f, v in found if f == "change"], STEP[spec.type])
    )
    changes.append(0.0)
    series: list[Series] = []
    for latest in bases:
        for earlier in bases:
            series.append({PERIODS[0]: earlier, PERIODS[1]: latest})
        for change in changes:
            if 1 + change > 0 and latest != 0:
                series.append({PERIODS[0]: round(latest / (1 + change), 6), PERIODS[1]: latest})
    return series


def period_candidates(
    spec: IndicatorSpec, series: Series, found: Sequence[Threshold]
) -> list[tuple[str, float | int]]:
    """Single-period changes of a given series that move a function of it across a threshold.

    Each is (period, new value): the latest period for `latest()`, `mean()` and
    `change()`, the one before it for `previous()`. The value is where the function
    meets the threshold, and one step either side (whole numbers when the series has
    only whole numbers), inside the indicator's range.
    """
    periods = sorted(series)
    if not periods:
        return []
    latest, earlier = periods[-1], [series[p] for p in periods[:-1]]
    whole = all(isinstance(v, int) for v in series.values())
    targets: set[tuple[str, float]] = set()
    for function, threshold in found:
        if function == "latest":
            targets.add((latest, threshold))
        elif function == "previous" and earlier:
            targets.add((periods[-2], threshold))
        elif function == "mean":
            targets.add((latest, threshold * len(periods) - sum(earlier)))
        elif function == "change" and earlier and sum(earlier) != 0:
            baseline = sum(earlier) / len(earlier)
            targets.add((latest, baseline + threshold * abs(baseline)))
    low, high = spec.range or (-math.inf, math.inf)
    tried = {
        (period, value)
        for period, target in targets
        for value in _straddle(target, whole=whole)
        if low <= value <= high
    }
    return sorted(tried)


def _straddle(target: float, *, whole: bool) -> set[float | int]:
    """The target and the nearest values either side of it: whole numbers, or 0.01 apart."""
    if whole:
        below, above = math.floor(target), math.ceil(target)
        return {below - 1, below, above, above + 1}
    return {round(target + d, 6) for d in (-0.01, 0.0, 0.01)}


def candidates(
    spec: IndicatorSpec, found: Sequence[Threshold], *, range_ends: bool
) -> list[Value | Series]:
    """`series_candidates` for a series, `value_candidates` for any other indicator."""
    if spec.type is IndicatorType.SERIES:
        return list(series_candidates(spec, found))
    return list(value_candidates(spec, found, range_ends=range_ends))


def _around(spec: IndicatorSpec, levels: Iterable[float | int], *, range_ends: bool) -> list[float]:
    """Each level and one step either side, typed to the indicator, inside its range."""
    low, high = spec.range or (-math.inf, math.inf)
    points = _near(levels, STEP[spec.type])
    if range_ends:
        points |= {end for end in (low, high) if math.isfinite(end)}
    # Typed before the range check, so a value that rounds onto an end is kept.
    integer = spec.type is IndicatorType.INTEGER
    typed = {int(p) if integer else round(p, 6) for p in points}
    return sorted(p for p in typed if low <= p <= high)


def _near(levels: Iterable[float | int], step: float) -> set[float]:
    # A set filled in reading order: of equal values (8 and 8.0) the first one read is kept.
    points: set[float] = set()
    for level in levels:
        points |= {level - step, level, level + step}
    return points
