"""Stage 4 of validation, second half: what a condition's atoms name and compare with.

Every signal and indicator known, functions only over series, values of the
indicator's type (numbers, true/false, its categories) and inside its range;
then the likely mistakes among valid numeric comparisons, as warnings (`mistakes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.errors import Problem, errors_among
from advisor.hints import did_you_mean
from advisor.language.expressions import (
    Between,
    Comparison,
    Condition,
    Membership,
    Operand,
    SignalRef,
    Truth,
    atoms,
)
from advisor.language.models import IndicatorSpec, IndicatorType
from advisor.language.validation.mistakes import likely_mistakes, plain_number

__all__ = ["check_condition"]


def check_condition(
    condition: Condition,
    indicators: Mapping[str, IndicatorSpec],
    signals: set[str],
    problems: list[Problem],
) -> bool:
    """Whether every atom of the condition refers to something known, with fitting values
    (adding warnings for likely mistakes does not make it false)."""
    before = len(problems)
    for leaf in atoms(condition):
        if isinstance(leaf, SignalRef):
            if leaf.signal not in signals:
                problems.append(
                    Problem(
                        leaf.at,
                        f'unknown signal "{leaf.signal}"',
                        "unknown-signal",
                        did_you_mean(leaf.signal, signals),
                    )
                )
            continue
        spec = _check_operand(leaf.operand, indicators, problems)
        if spec is not None:
            _check_values(leaf, spec, problems)
    return not errors_among(problems[before:])  # warnings leave the condition usable


def _check_operand(
    operand: Operand, indicators: Mapping[str, IndicatorSpec], problems: list[Problem]
) -> IndicatorSpec | None:
    spec = indicators.get(operand.indicator)
    if spec is None:
        problems.append(_unknown_indicator(operand, indicators))
        return None
    series = spec.type is IndicatorType.SERIES
    if series and operand.function is None:
        problems.append(
            Problem(
                operand.at,
                f'"{spec.id}" is a series by period',
                "series-needs-function",
                f"use latest({spec.id}) or change({spec.id})",
            )
        )
        return None
    if operand.function is not None and not series:
        problems.append(
            Problem(
                operand.at,
                f'{operand.function}() needs a series, and "{spec.id}" is a {spec.type.value}',
                "function-type",
                f"compare {spec.id} directly",
            )
        )
        return None
    return spec


def _check_values(atom: Any, spec: IndicatorSpec, problems: list[Problem]) -> None:
    kind = spec.type
    name = atom.operand.key
    if isinstance(atom, Truth):
        if kind is not IndicatorType.BOOLEAN:
            problems.append(
                Problem(
                    atom.at,
                    f'"{name}" is a {kind.value}, not true/false',
                    "value-type",
                    f"compare it, e.g. '{name} >= ...'",
                )
            )
        return
    if kind is IndicatorType.BOOLEAN:
        values = [atom.value] if isinstance(atom, Comparison) else []
        if (
            not isinstance(atom, Comparison)
            or atom.op not in ("==", "!=")
            or not all(isinstance(v, bool) for v in values)
        ):
            problems.append(
                Problem(
                    atom.at,
                    f'"{name}" is true or false',
                    "value-type",
                    f"write '{name}' or 'not {name}'",
                )
            )
        return
    if kind is IndicatorType.CATEGORY:
        _check_categories(atom, spec, problems)
        return
    _check_numbers(atom, spec, problems)


def _check_numbers(atom: Any, spec: IndicatorSpec, problems: list[Problem]) -> None:
    """A number, an integer, or a function of a series: numbers inside the indicator's range."""
    name = atom.operand.key
    if isinstance(atom, Membership):
        problems.append(
            Problem(
                atom.at,
                f'"{name}" is a number; "in [...]" is for categories',
                "value-type",
                "use 'between LOW and HIGH'",
            )
        )
        return
    bounds = (atom.low, atom.high) if isinstance(atom, Between) else (atom.value,)
    for value in bounds:
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(
                Problem(atom.at, f'"{name}" is a number, and {value!r} is not', "value-type")
            )
            return
    before = len(problems)
    if spec.range is not None and atom.operand.function != "change":
        low, high = spec.range
        for value in bounds:
            if not low <= value <= high:
                problems.append(
                    Problem(
                        atom.at,
                        f"threshold {plain_number(value)} is outside the range of "
                        f'"{spec.id}" ({plain_number(low)} to {plain_number(high)})',
                        "out-of-range",
                        "check the indicator's scale in the catalogue",
                    )
                )
    if len(problems) == before:
        likely_mistakes(atom, spec, problems)


def _check_categories(atom: Any, spec: IndicatorSpec, problems: list[Problem]) -> None:
    name = spec.id
    allowed = spec.categories or ()
    if isinstance(atom, Between) or (isinstance(atom, Comparison) and atom.op not in ("==", "!=")):
        problems.append(
            Problem(
                atom.at, f'"{name}" is a category; compare it with == or "in [...]"', "value-type"
            )
        )
        return
    values = atom.values if isinstance(atom, Membership) else (atom.value,)
    for value in values:
        if value not in allowed:
            hint = did_you_mean(str(value), allowed) or "categories are " + ", ".join(allowed)
            problems.append(
                Problem(
                    atom.at, f'"{value}" is not a category of "{name}"', "unknown-category", hint
                )
            )


def _unknown_indicator(operand: Operand, indicators: Mapping[str, IndicatorSpec]) -> Problem:
    # Aliases are for profiles (data arrives under the publisher's codes); a rule names
    # the indicator by its id, so that one rule set reads one way.
    aliases = {alias: spec.id for spec in indicators.values() for alias in spec.aliases}
    name = operand.indicator
    if name in aliases:
        message = f'"{name}" is an alias of "{aliases[name]}": a rule names an indicator by its id'
        return Problem(operand.at, message, "alias-in-rule", f'write "{aliases[name]}"')
    message = f'unknown indicator "{name}"'
    return Problem(operand.at, message, "unknown-indicator", did_you_mean(name, indicators))
