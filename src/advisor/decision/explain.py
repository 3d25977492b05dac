"""Reasons: each condition with the value it met, its threshold and its margin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from advisor.decision.model import ConditionResult, unvalidated
from advisor.language.expressions import (
    Atom,
    Between,
    Comparison,
    Membership,
    SignalRef,
    Truth,
    Value,
    atom_holds,
    normalise_number,
)
from advisor.language.profile import Series, derive
from advisor.language.templates import PLACEHOLDER, split_key

__all__ = ["condition_results", "format_margin", "format_value", "margin", "render_because"]


def condition_results(
    leaves: Iterable[Atom | SignalRef],
    values: Mapping[str, Value],
    signals: Mapping[str, bool | None],
) -> list[ConditionResult]:
    """Every atom of a condition (`Rule.leaves`), in reading order, with what it met."""
    results: list[ConditionResult] = []
    for leaf in leaves:
        if isinstance(leaf, SignalRef):
            results.append(
                unvalidated(
                    ConditionResult,
                    condition=leaf.text,
                    holds=signals.get(leaf.signal),
                    reads=None,
                    value=None,
                    operator=None,
                    threshold=None,
                    margin=None,
                )
            )
            continue
        key = leaf.operand.key
        value = values.get(key)
        holds = None if value is None else atom_holds(leaf, value)
        operator: str | None = None
        threshold: Value | list[Value] | None = None
        if isinstance(leaf, Comparison):
            operator, threshold = leaf.op, leaf.value
        elif isinstance(leaf, Between):
            operator, threshold = "between", [leaf.low, leaf.high]
        elif isinstance(leaf, Membership):
            operator, threshold = "in", list(leaf.values)
        results.append(
            unvalidated(
                ConditionResult,
                condition=leaf.text,
                holds=holds,
                reads=key,
                value=value,
                operator=operator,
                threshold=threshold,
                margin=margin(leaf, value) if holds else None,
            )
        )
    return results


def margin(atom: Comparison | Between | Membership | Truth, value: Value | None) -> float | None:
    """How far a number may move, in its own units, before the atom stops holding."""
    if value is None or isinstance(value, bool | str):
        return None
    if isinstance(atom, Comparison) and isinstance(atom.value, int | float):
        if atom.op in (">", ">="):
            return float(normalise_number(value - atom.value))
        if atom.op in ("<", "<="):
            return float(normalise_number(atom.value - value))
    if isinstance(atom, Between):
        return float(normalise_number(min(value - atom.low, atom.high - value)))
    return None


def format_value(key: str, value: Value | None) -> str:
    """A value as an analyst reads it: relative changes as percentages, big counts with commas."""
    if value is None:
        return "no data"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if key.startswith("change("):
        return f"{value * 100:+.1f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{round(value, 2):g}"


def format_margin(key: str, value: float) -> str:
    """A margin in the units of its value: percentage points for change(), else as a value."""
    if key.startswith("change("):
        return f"{value * 100:+.1f} points"
    text = format_value(key, value)
    if value and text in ("0", "-0"):  # a small margin is not rounded away
        return f"{value:.6f}".rstrip("0")
    return text


def render_because(
    template: str,
    values: Mapping[str, Value],
    indicators: Mapping[str, Value | Series] | None = None,
) -> str:
    """Fill `{indicator}` and `{function(indicator)}` split_key with the profile's values.

    A function of a series the rules do not read themselves (`{latest(x)}` beside
    `change(x)`) is computed from the series in `indicators`. A missing value
    reads "(no data: key)", so that the sentence does not pass it off as a value.
    """

    def fill(match: object) -> str:
        key = match.group(1).strip()  # type: ignore[attr-defined]
        value = values.get(key)
        if value is None:  # only then is the key taken apart: this runs on every evaluation
            function, indicator = split_key(key)
            series = (indicators or {}).get(indicator)
            if function is not None and isinstance(series, Mapping):
                value = derive(function, series)
        return f"(no data: {key})" if value is None else format_value(key, value)

    return PLACEHOLDER.sub(fill, template)
