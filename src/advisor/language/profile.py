"""Situation profiles: read them, check them against the indicator catalogue, derive values.

A profile that names an unknown indicator, carries a value of the wrong type
or outside the indicator's range, a non-finite number or one beyond what the
engine compares exactly (`expressions.EXACT_LIMIT`), a key given twice, text
that UTF-8 cannot carry, or a series whose periods are not exactly periods of
one kind, is refused with every problem named by its JSON path. Nothing is
silently dropped. Files are read strictly (`reading`): regular files only.

Numbers are normalised here, once, to at most `expressions.DECIMALS` decimal places, so
the rule engine and the explanation see exactly the same value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from pydantic import ValidationError

from advisor.errors import ProfileError, ProfileProblem
from advisor.hints import did_you_mean
from advisor.language.expressions import (
    EXACT_LIMIT_TEXT,
    Value,
    exactly_comparable,
    normalise_number,
)
from advisor.language.loader import parse_yaml
from advisor.language.models import IndicatorSpec, IndicatorType, SituationProfile
from advisor.language.periods import NOT_A_PERIOD, is_period, mixed_kinds
from advisor.language.plain_profile import Series, plain_profile, plain_values
from advisor.language.reading import (
    InputRefused,
    json_path,
    parse_json,
    read_regular_file,
    shown,
    unencodable,
)
from advisor.language.ruleset import RuleSet

__all__ = [
    "PROFILE_SUFFIXES",
    "Observations",
    "Series",
    "check_profile",
    "derive",
    "indicator_aliases",
    "normalise_number",
    "operand_values",
    "parse_profile",
    "parse_profile_text",
    "read_profile",
    "read_profile_stream",
]

#: the files a profile may be read from
PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
_MAX_PROFILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Observations:
    """A checked profile: each indicator's value, and each value the rules read."""

    country: str
    period: str | None
    #: indicator id -> value as given (series: period -> number), normalised
    indicators: Mapping[str, Value | Series]
    #: operand key (e.g. `fsi.total`, `change(migration.departures)`) -> value
    values: Mapping[str, Value]


def read_profile(path: Path) -> SituationProfile:
    """Read a YAML or JSON profile file; raises `ProfileError` naming each problem.

    Only a regular file is read: a FIFO or a device is refused by name, unopened.
    """
    source = str(path)
    try:
        text = read_regular_file(path, _MAX_PROFILE_BYTES)
    except InputRefused as exc:
        hint = exc.suggestion
        if exc.code == "not-a-file":
            hint = "name a profile file, or give '-' to read the profile from standard input"
        raise ProfileError([ProfileProblem("$", exc.message, exc.code, hint)], source) from None
    return parse_profile_text(text, source, json_text=path.suffix.lower() == ".json")


def read_profile_stream(stream: IO[str], source: str = "standard input") -> SituationProfile:
    """Read a profile from a text stream (`advisor recommend -`): JSON or YAML."""
    try:
        text = stream.read(_MAX_PROFILE_BYTES + 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(
            [ProfileProblem("$", f"cannot read the profile: {exc}", "unreadable")], source
        ) from None
    if len(text) > _MAX_PROFILE_BYTES:
        raise ProfileError([ProfileProblem("$", "profile is too large", "too-large")], source)
    # Read as JSON what looks like it, so that JSON's rules (no NaN) apply.
    return parse_profile_text(text, source, json_text=text.lstrip().startswith(("{", "[")))


def parse_profile_text(text: str, source: str, *, json_text: bool) -> SituationProfile:
    """A profile from the text of a JSON (`json_text`) or YAML document."""
    if json_text:
        try:
            data = parse_json(text) if text.strip() else None
        except InputRefused as exc:
            problem = ProfileProblem(json_path(exc.path), exc.message, exc.code, exc.suggestion)
            raise ProfileError([problem], source) from None
    else:
        doc = parse_yaml(text, source)
        if doc.problems:
            raise ProfileError(
                [ProfileProblem("$", str(p), p.code, p.suggestion) for p in doc.problems], source
            )
        data = doc.data
    return parse_profile(data, source)


def parse_profile(data: Any, source: str = "<profile>") -> SituationProfile:
    """Validate the shape of a profile (not yet its indicators).

    Series keys may be integers (`{2023: 51700}` as `yaml.safe_load` reads it); they
    become text here, and `check_profile` checks them as periods.
    """
    if isinstance(data, SituationProfile):
        return data
    if (plain := plain_profile(data)) is not None:
        return plain
    return _parse_fully(data, source)


def _parse_fully(data: Any, source: str) -> SituationProfile:
    """`parse_profile` for any data: every problem named, or the validated profile."""
    if not isinstance(data, Mapping):
        raise ProfileError([_not_a_mapping(data)], source)
    if unreadable := unencodable(data):
        raise ProfileError([_unencodable(path) for path in unreadable], source)
    data, key_problems = _periods_as_text(data)
    if key_problems:
        raise ProfileError(key_problems, source)
    try:
        return SituationProfile.model_validate(data)
    except ValidationError as exc:
        problems = _value_problems(exc.errors())
        for error in exc.errors():
            if _is_value_error(error):
                continue
            path = _json_path(error["loc"])
            if error["type"] == "extra_forbidden":
                fields = list(SituationProfile.model_fields)
                problems.append(
                    ProfileProblem(
                        path,
                        "unknown field",
                        "unknown-field",
                        did_you_mean(str(error["loc"][-1]), fields),
                    )
                )
            elif path == "period":
                problems.append(
                    ProfileProblem(
                        path,
                        "not a period",
                        "bad-period",
                        'a year, quarter, half or month: "2024", "2024-Q1", "2024-H1", "2024-05"',
                    )
                )
            else:
                problems.append(ProfileProblem(path, str(error["msg"]), error["type"]))
        raise ProfileError(problems, source) from None


def _unencodable(path: tuple[str | int, ...]) -> ProfileProblem:
    return ProfileProblem(
        json_path(path),
        "text that cannot be encoded: it holds a lone surrogate (a \\ud800-\\udfff escape"
        " without its pair), which is not a character",
        "unencodable-text",
        "write the character itself, or both halves of its surrogate pair",
    )


def _not_a_mapping(data: Any) -> ProfileProblem:
    if data is None or data == "":
        return ProfileProblem(
            "$",
            "the profile is empty",
            "empty",
            'give at least the country: {"country": "Libya", "indicators": {"gti.score": 4.73}}',
        )
    if isinstance(data, list):
        return ProfileProblem(
            "$",
            "a list: use the batch endpoint (POST /v1/recommendations/batch)"
            " or one profile per file",
            "a-list",
        )
    return ProfileProblem(
        "$",
        "a profile is a mapping of country, period, indicators and sources",
        "not-a-mapping",
        'for example {"country": "Libya", "indicators": {"gti.score": 4.73}}',
    )


def _periods_as_text(data: Mapping[Any, Any]) -> tuple[Mapping[Any, Any], list[ProfileProblem]]:
    """The profile with each series' integer periods as text; other keys that are not text
    are problems (a period is never a float, a date or true)."""
    indicators = data.get("indicators")
    if not isinstance(indicators, Mapping):
        return data, []
    problems: list[ProfileProblem] = []
    normalised: dict[Any, Any] = {}
    for name, value in indicators.items():
        if not isinstance(value, Mapping):
            normalised[name] = value
            continue
        series: dict[str, Any] = {}
        for period, number in value.items():
            if isinstance(period, int) and not isinstance(period, bool):
                period = str(period)
            if not isinstance(period, str):
                problems.append(
                    ProfileProblem(f"indicators.{shown(name)}.{period}", NOT_A_PERIOD, "period")
                )
                continue
            series[period] = number
        normalised[name] = series
    return {**data, "indicators": normalised}, problems


_VALUE_KINDS = "a number, true or false, a category word, or a series by period"


def _is_value_error(error: Any) -> bool:
    """An error from one branch of an indicator value's type (number | bool | word | series)."""
    return len(error["loc"]) >= 3 and error["loc"][0] == "indicators"


def _value_problems(errors: list[Any]) -> list[ProfileProblem]:
    """One problem per indicator value, not pydantic's one line per branch of the union.

    A mapping was meant as a series, so what is wrong inside it is kept (per period);
    anything else gets one line saying what a value may be.
    """
    by_path: dict[str, list[Any]] = {}
    for error in filter(_is_value_error, errors):
        by_path.setdefault(_json_path(error["loc"][:2]), []).append(error)
    problems = []
    for path, group in by_path.items():
        given = group[0]["input"]
        inner = {_json_path(e["loc"]) for e in group if _json_path(e["loc"]) != path}
        if isinstance(given, Mapping) and inner:
            problems += [ProfileProblem(p, "expected a number", "bad-series-value") for p in inner]
        elif given is None:
            problems.append(ProfileProblem(path, "no value", "no-value", f"give {_VALUE_KINDS}"))
        else:
            kind = type(given).__name__
            message = f"expected {_VALUE_KINDS}, got {kind} {given!r}"
            problems.append(ProfileProblem(path, message, "bad-value"))
    return sorted(problems, key=lambda p: p.path)


def _json_path(loc: tuple[Any, ...]) -> str:
    # Indicator ids contain dots, so keep each part whole: indicators.fsi.total reads fine.
    parts = [str(p) for p in loc if not str(p).startswith(("function-", "dict[", "list["))]
    parts = [p for p in parts if p not in ("bool", "int", "float", "str")] or ["$"]
    return ".".join(parts)


def check_profile(
    profile: SituationProfile, ruleset: RuleSet, source: str = "<profile>"
) -> Observations:
    """Check each indicator against the catalogue and derive what the rules read.

    An indicator given by an alias (`wgi.rl`) is taken under its id (`wgi.rule_of_law`).
    """
    plain = plain_values(profile, ruleset)
    if plain is not None:
        return Observations(
            profile.country,
            profile.period,
            MappingProxyType(plain),
            MappingProxyType(operand_values(ruleset, plain)),
        )
    return _check_fully(profile, ruleset, source)


def _check_fully(profile: SituationProfile, ruleset: RuleSet, source: str) -> Observations:
    """`check_profile` for any profile: every problem named, or the observations."""
    problems: list[ProfileProblem] = []
    aliases = indicator_aliases(ruleset)
    values: dict[str, Value | Series] = {}
    given = _by_id(profile.indicators, aliases, "indicators", problems)
    for indicator_id, (path, raw) in sorted(given.items()):
        spec = ruleset.indicators.get(indicator_id)
        if spec is None:
            problems.append(_unknown_indicator(path, indicator_id, ruleset, aliases))
            continue
        value = _check_value(spec, raw, path, problems)
        if value is not None:
            values[indicator_id] = value
    for indicator_id, (path, _) in _by_id(profile.sources, aliases, "sources", problems).items():
        if indicator_id not in ruleset.indicators:
            problems.append(_unknown_indicator(path, indicator_id, ruleset, aliases))
    if problems:
        raise ProfileError(problems, source)
    return Observations(
        profile.country,
        profile.period,
        MappingProxyType(values),
        MappingProxyType(operand_values(ruleset, values)),
    )


def indicator_aliases(ruleset: RuleSet) -> dict[str, str]:
    """Each alias of the rule set's indicators -> the indicator's id."""
    return {alias: spec.id for spec in ruleset.indicators.values() for alias in spec.aliases}


def _by_id(
    given: Mapping[str, Any], aliases: Mapping[str, str], field: str, problems: list[ProfileProblem]
) -> dict[str, tuple[str, Any]]:
    """Indicator id -> (path as written, value); an indicator given twice is a problem."""
    by_id: dict[str, tuple[str, Any]] = {}
    for name, value in sorted(given.items(), key=lambda item: item[0] in aliases):
        indicator_id = aliases.get(name, name)
        path = f"{field}.{shown(name)}"
        if indicator_id in by_id:
            problems.append(
                ProfileProblem(
                    path,
                    f'"{name}" is an alias of "{indicator_id}", which is given too',
                    "alias-twice",
                    "give the indicator once",
                )
            )
            continue
        by_id[indicator_id] = (path, value)
    return by_id


def _unknown_indicator(
    path: str, name: str, ruleset: RuleSet, aliases: Mapping[str, str]
) -> ProfileProblem:
    return ProfileProblem(
        path,
        "unknown indicator",
        "unknown-indicator",
        did_you_mean(name, ruleset.indicators, aliases),
    )


def operand_values(ruleset: RuleSet, indicators: Mapping[str, Value | Series]) -> dict[str, Value]:
    """Every value the rules read, keyed by operand (`change(x)` derived from series `x`).

    A function undefined for a series (too few periods) leaves its operand out: missing.
    """
    derived: dict[str, Value] = {}
    for operand in ruleset.operands():
        given = indicators.get(operand.indicator)
        if given is None:
            continue
        if operand.function is None:
            derived[operand.key] = given  # type: ignore[assignment]
        else:
            result = derive(operand.function, given)  # type: ignore[arg-type]
            if result is not None:
                derived[operand.key] = result
    return derived


def _check_value(
    spec: IndicatorSpec, raw: Any, path: str, problems: list[ProfileProblem]
) -> Value | Series | None:
    kind = spec.type
    if kind is IndicatorType.SERIES:
        if not isinstance(raw, dict) or not raw:
            problems.append(
                ProfileProblem(
                    path,
                    "expected a series: a mapping of period to number,"
                    " e.g. {2023: 51700, 2024: 36468}",
                    "value-type",
                )
            )
            return None
        series: dict[str, float | int] = {}
        for period, number in raw.items():
            point = f"{path}.{shown(str(period))}"
            if not is_period(str(period)):
                message = f"{shown(repr(period))} is not a period: {NOT_A_PERIOD}"
                problems.append(ProfileProblem(point, message, "period"))
                continue
            checked = _check_number(spec, number, point, problems)
            if checked is not None:
                series[str(period)] = checked
        if mixed := mixed_kinds(path, series):
            problems.append(mixed)
            return None
        return dict(sorted(series.items()))
    if kind is IndicatorType.BOOLEAN:
        if not isinstance(raw, bool):
            problems.append(
                ProfileProblem(path, f"expected true or false, got {raw!r}", "value-type")
            )
            return None
        return raw
    if kind is IndicatorType.CATEGORY:
        categories = spec.categories or ()
        if not isinstance(raw, str) or raw not in categories:
            problems.append(
                ProfileProblem(
                    path,
                    f"{raw!r} is not one of: " + ", ".join(categories),
                    "unknown-category",
                    did_you_mean(str(raw), categories),
                )
            )
            return None
        return raw
    return _check_number(spec, raw, path, problems)


def _check_number(
    spec: IndicatorSpec, raw: Any, path: str, problems: list[ProfileProblem]
) -> float | int | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        problems.append(ProfileProblem(path, f"expected a number, got {raw!r}", "value-type"))
        return None
    try:
        finite = math.isfinite(raw)
    except OverflowError:  # an integer beyond the largest float
        problems.append(ProfileProblem(path, "the number is too large", "not-finite"))
        return None
    if not finite:
        problems.append(ProfileProblem(path, f"{raw} is not a finite number", "not-finite"))
        return None
    if spec.type is IndicatorType.INTEGER:
        if isinstance(raw, float) and not raw.is_integer():
            problems.append(
                ProfileProblem(path, f"expected a whole number, got {raw}", "value-type")
            )
            return None
        raw = int(raw)
    if spec.range is not None:
        low, high = spec.range
        if not low <= raw <= high:
            problems.append(
                ProfileProblem(
                    path, f"{raw:g} is outside the range {low:g} to {high:g}", "out-of-range"
                )
            )
            return None
    if not exactly_comparable(raw):
        message = f"{raw} is beyond ±{EXACT_LIMIT_TEXT}"
        problems.append(ProfileProblem(path, message, "number-too-large"))
        return None
    return normalise_number(raw)


def derive(function: str, series: Series) -> float | int | None:
    """A function of a series; None where it is undefined (too few periods, zero baseline)."""
    points = [series[p] for p in sorted(series)]
    if function == "latest":
        return points[-1]
    if function == "previous":
        return points[-2] if len(points) >= 2 else None
    if function == "mean":
        return _finite(sum(points) / len(points))
    if function == "change":
        if len(points) < 2:
            return None
        baseline = sum(points[:-1]) / (len(points) - 1)
        if baseline == 0:
            return None
        return _finite((points[-1] - baseline) / abs(baseline))
    raise ValueError(f"unknown function {function}")  # rule-file validation refuses these earlier


def _finite(result: float) -> float | int | None:
    # Sums of values near the float limit overflow to infinity, which the engine cannot read.
    return normalise_number(result) if math.isfinite(result) else None
