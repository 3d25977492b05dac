"""The columns of a CSV or Parquet input: a row per profile, a column per indicator.

`country`, `period` and `notes` are the profile's fields; any other column is an
indicator, by id or alias (`fsi.total`, `wgi.rl`), and a series gives one column per
period (`migration.departures@2023`). The header is checked whole before a row is read:
an unknown column (with a did-you-mean against the catalogue), a series given without
periods or with periods of mixed kinds, or an indicator given twice refuses the input.

A cell is read as its indicator's type says: an empty cell is a missing value; a
number or true/false written as text is read as one; a cell that fits no reading is
kept as text, so that the profile check names it by path. In Parquet, a null, or a
NaN in a float column (how pandas writes a missing number), is missing too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advisor.hints import did_you_mean
from advisor.language.models import IndicatorType
from advisor.language.periods import NOT_A_PERIOD, is_period, period_kind
from advisor.language.profile import indicator_aliases
from advisor.language.ruleset import RuleSet

from .rows import Payload

__all__ = ["FIELDS", "TableColumns"]

#: the profile's own fields, as columns
FIELDS = ("country", "period", "notes")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    #: a profile field, or the indicator as written (id or alias)
    name: str
    type: IndicatorType | None
    #: a series column's period
    period: str | None = None


@dataclass(frozen=True)
class TableColumns:
    """How a table's columns make a profile: checked once, applied to every row."""

    width: int
    fields: tuple[_Column, ...]
    values: tuple[_Column, ...]

    @classmethod
    def plan(cls, header: Sequence[Any], ruleset: RuleSet) -> TableColumns:
        """The plan for a header; raises `ValueError` listing every problem with it."""
        problems: list[str] = []
        aliases = indicator_aliases(ruleset)
        fields: list[_Column] = []
        values: list[_Column] = []
        given: dict[tuple[str, str | None], str] = {}
        series: dict[str, dict[str, set[str]]] = {}
        for index, raw in enumerate(header):
            column = str(raw).strip() if raw is not None else ""
            if column in FIELDS:
                fields.append(_Column(index, column, None))
                key: tuple[str, str | None] = ("", column)
            else:
                planned = _indicator_column(index, column, ruleset, aliases, problems)
                if planned is None:
                    continue
                values.append(planned)
                indicator = aliases.get(planned.name, planned.name)
                key = (indicator, planned.period)
                if planned.period is not None:
                    kinds = series.setdefault(indicator, {})
                    kinds.setdefault(period_kind(planned.period), set()).add(column)
            if key in given:
                problems.append(f'column "{column}": the same as column "{given[key]}"')
            given.setdefault(key, column)
        problems += _series_problems(series, values, aliases)
        if "country" not in {f.name for f in fields}:
            problems.append('no "country" column: each row is the profile of a country')
        if problems:
            raise ValueError(problems)
        return cls(len(header), tuple(fields), tuple(values))

    def payload(self, cells: Sequence[Any]) -> Payload:
        """A row's profile, ready to check; a row of the wrong width is refused."""
        if len(cells) != self.width:
            message = f"the row has {len(cells)} cells; the header has {self.width} columns"
            return ("refused", [("$", message, "row-width", None)])
        profile: dict[str, Any] = {}
        for column in self.fields:
            value = _text(cells[column.index])
            if value is not None:
                profile[column.name] = value
        indicators: dict[str, Any] = {}
        for column in self.values:
            value = _cell(cells[column.index], column.type)
            if value is _MISSING:
                continue
            if column.period is None:
                indicators[column.name] = value
            else:
                indicators.setdefault(column.name, {})[column.period] = value
        profile["indicators"] = indicators
        return ("data", profile)


def _indicator_column(
    index: int, column: str, ruleset: RuleSet, aliases: dict[str, str], problems: list[str]
) -> _Column | None:
    name, at, period = column.partition("@")
    spec = ruleset.indicators.get(aliases.get(name, name))
    if spec is None:
        hint = did_you_mean(name, [*ruleset.indicators, *FIELDS], aliases)
        problems.append(f'column "{column}": unknown column' + (f" ({hint})" if hint else ""))
        return None
    is_series = spec.type is IndicatorType.SERIES
    if at and not is_series:
        problems.append(f'column "{column}": {spec.id} is not a series; name the column {name}')
        return None
    if is_series and not at:
        problems.append(
            f'column "{column}": {spec.id} is a series; give a column per period,'
            f" such as {name}@2023 and {name}@2024"
        )
        return None
    if at and not is_period(period):
        problems.append(f'column "{column}": "{period}" is not a period: {NOT_A_PERIOD}')
        return None
    return _Column(index, name, spec.type, period if at else None)


def _series_problems(
    series: dict[str, dict[str, set[str]]], values: Sequence[_Column], aliases: dict[str, str]
) -> list[str]:
    problems = []
    for indicator, kinds in sorted(series.items()):
        if len(kinds) > 1:
            listed = "; ".join(f"{k}: {', '.join(sorted(c))}" for k, c in sorted(kinds.items()))
            problems.append(
                f"the columns of series {indicator} mix periods ({listed}):"
                " a series is by year, quarter, half or month throughout"
            )
        names = {c.name for c in values if aliases.get(c.name, c.name) == indicator}
        if len(names) > 1:
            problems.append(
                f"series {indicator} is given as {' and '.join(sorted(names))}: use one name"
            )
    return problems


class _Missing:
    pass


_MISSING: Any = _Missing()


def _text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _cell(value: Any, kind: IndicatorType | None) -> Any:
    """A cell as its indicator's value, or `_MISSING`."""
    value = _text(value)
    if value is None:
        return _MISSING
    if not isinstance(value, str):
        return value
    if kind is IndicatorType.BOOLEAN:
        return _BOOLEANS.get(value.lower(), value)
    if kind is IndicatorType.CATEGORY:
        return value
    if _INTEGER.fullmatch(value):
        return int(value)
    if _DECIMAL.fullmatch(value):
        return float(value)
    return value
