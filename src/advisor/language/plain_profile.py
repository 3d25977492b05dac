"""The fast path of reading and checking a profile: plainly valid ones, without pydantic.

Most profiles are plain dicts of exactly typed values given by indicator id.
For those, `plain_profile` makes each check `SituationProfile.model_validate`
would make and constructs the same model, and `plain_values` makes each check
of `profile.check_profile` and gives the same values, with no problem built.
Each answers None for anything else, which then takes the full path in
`profile`, where every problem is named; tests/test_profile_fast_path.py holds
the two paths to the same results. A check added to `profile` must be added here
too (or make this path answer None), or the fast path would accept what it refuses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from advisor.language.expressions import (
    DECIMALS,
    EXACT_LIMIT,
    Value,
    exactly_comparable,
    normalise_number,
)
from advisor.language.models import (
    PERIOD_PATTERN,
    IndicatorSpec,
    IndicatorType,
    SituationProfile,
)
from advisor.language.periods import is_period, period_kind
from advisor.language.reading import unencodable
from advisor.language.ruleset import RuleSet

__all__ = ["Series", "plain_profile", "plain_values"]

Series = Mapping[str, float | int]

_FIELDS = frozenset(SituationProfile.model_fields)
_PERIOD = re.compile(PERIOD_PATTERN)
#: the bounds SituationProfile.country declares on its length
_COUNTRY_LENGTH = (
    max(getattr(m, "min_length", 0) for m in SituationProfile.model_fields["country"].metadata),
    min(getattr(m, "max_length", 10**9) for m in SituationProfile.model_fields["country"].metadata),
)
_SCALARS = (float, int, bool, str)
_NOTES_DEFAULT = SituationProfile.model_fields["notes"].default


def plain_profile(data: Any) -> SituationProfile | None:
    """The profile, built without pydantic, when it is plainly valid; else None.

    Most profiles are dicts of exactly typed values (a number, true/false, a word;
    ASCII or encodable text; no series, no integer period): for those, each check
    `model_validate` would make is made here directly, and the model is constructed
    as it would have built it. Anything else takes the full path, which names
    every problem.
    """
    if type(data) is not dict or not _FIELDS.issuperset(data):
        return None
    country = data.get("country")
    if not (_text(country) and _COUNTRY_LENGTH[0] <= len(country) <= _COUNTRY_LENGTH[1]):
        return None
    period = data.get("period")
    if period is not None and not (
        _text(period) and period.isascii() and _PERIOD.fullmatch(period)
    ):
        return None
    if "notes" in data and not _text(data["notes"]):
        return None
    indicators = data.get("indicators", {})
    sources = data.get("sources", {})
    if type(indicators) is not dict or type(sources) is not dict:
        return None
    given: dict[str, Any] = {}
    for name, value in indicators.items():
        # `type(...) is str and ....isascii()` first: `_text` in full only for the rare rest
        if not ((type(name) is str and name.isascii()) or _text(name)):
            return None
        kind = type(value)
        if kind is dict:
            value = _plain_series(value)
            if value is None:
                return None
        elif kind not in _SCALARS or (kind is str and not (value.isascii() or _text(value))):
            return None
        given[name] = value
    for name, value in sources.items():
        if not ((type(name) is str and name.isascii()) or _text(name)):
            return None
        if not ((type(value) is str and value.isascii()) or _text(value)):
            return None
    # Every field given, so that no default factory is inspected; the fields set stay
    # those the data named, as `model_validate` records them.
    return SituationProfile.model_construct(
        set(data),
        country=country,
        period=period,
        indicators=given,
        sources=dict(sources),
        notes=data.get("notes", _NOTES_DEFAULT),
    )


def _plain_series(series: dict[Any, Any]) -> dict[str, float | int] | None:
    """A series with its periods as text (as `profile._periods_as_text` makes them),
    when plainly valid; else None."""
    plain: dict[str, float | int] = {}
    for period, number in series.items():
        kind = type(period)
        if kind is int:
            period = str(period)
        elif not _text(period):
            return None
        if type(number) is not float and type(number) is not int:
            return None
        plain[period] = number
    return plain if len(plain) == len(series) else None


def _text(value: Any) -> TypeGuard[str]:
    """Exactly a str that UTF-8 can encode (no lone surrogate)."""
    return type(value) is str and (value.isascii() or not unencodable(value))


def plain_values(profile: SituationProfile, ruleset: RuleSet) -> dict[str, Value | Series] | None:
    """Each value checked, when every indicator is given by its id as a valid number,
    true/false, category word or series; else None, and the full check names the problems.

    The same checks as `profile._check_value`, with no problem built: the common case.
    """
    specs = ruleset.indicators
    aliases = ruleset.aliases
    for name in profile.sources:
        if name not in specs or name in aliases:
            return None
    values: dict[str, Value | Series] = {}
    for name, raw in sorted(profile.indicators.items()):
        spec = specs.get(name)
        if spec is None or name in aliases:
            return None
        kind = spec.type
        if kind is IndicatorType.NUMBER and type(raw) is float:
            # the commonest case, inline: a decimal for a number indicator
            bounds = spec.range
            if not (
                math.isfinite(raw)
                and (bounds is None or bounds[0] <= raw <= bounds[1])
                and -EXACT_LIMIT <= raw <= EXACT_LIMIT
            ):
                return None
            rounded = round(raw, DECIMALS)
            values[name] = 0.0 if rounded == 0 else rounded
        elif kind is IndicatorType.NUMBER or kind is IndicatorType.INTEGER:
            number = _plain_number(spec, raw)
            if number is None:
                return None
            values[name] = number
        elif (kind is IndicatorType.BOOLEAN and type(raw) is bool) or (
            kind is IndicatorType.CATEGORY and type(raw) is str and raw in (spec.categories or ())
        ):
            values[name] = raw
        elif kind is IndicatorType.SERIES and type(raw) is dict and raw:
            series = _plain_checked_series(spec, raw)
            if series is None:
                return None
            values[name] = series
        else:
            return None
    return values


def _plain_checked_series(spec: IndicatorSpec, raw: dict[Any, Any]) -> Series | None:
    """`profile._check_value`'s result for a valid series; None for anything it would refuse."""
    series: dict[str, float | int] = {}
    for period, number in raw.items():
        if type(period) is not str or not is_period(period):
            return None
        checked = _plain_number(spec, number)
        if checked is None:
            return None
        series[period] = checked
    if len({period_kind(period) for period in series}) > 1:
        return None
    return dict(sorted(series.items()))


def _plain_number(spec: IndicatorSpec, raw: Any) -> float | int | None:
    """`profile._check_number`'s result for a valid number; None for anything it would refuse."""
    if type(raw) is float:
        if not math.isfinite(raw):
            return None
        if spec.type is IndicatorType.INTEGER:
            if not raw.is_integer():
                return None
            raw = int(raw)
    elif type(raw) is not int:
        return None
    if spec.range is not None and not spec.range[0] <= raw <= spec.range[1]:
        return None
    if not exactly_comparable(raw):
        return None
    return normalise_number(raw)
