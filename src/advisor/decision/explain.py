"""Values as an analyst reads them, and `because` texts filled with them."""

from __future__ import annotations

from collections.abc import Mapping

from advisor.language.expressions import (
    Value,
)
from advisor.language.profile import Series, derive
from advisor.language.templates import split_key

__all__ = ["fill_placeholder", "format_margin", "format_value"]


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


def fill_placeholder(
    key: str, values: Mapping[str, Value], indicators: Mapping[str, Value | Series] | None
) -> str:
    """One placeholder's text. A function of a series the rules do not read themselves
    (`{latest(x)}` beside `change(x)`) is computed from the series in `indicators`. A
    missing value reads "(no data: key)", so that the sentence does not pass it off as a
    value."""
    key = key.strip()
    value = values.get(key)
    if value is None:  # only then is the key taken apart: this runs on every evaluation
        function, indicator = split_key(key)
        series = (indicators or {}).get(indicator)
        if function is not None and isinstance(series, Mapping):
            value = derive(function, series)
    return f"(no data: {key})" if value is None else format_value(key, value)
