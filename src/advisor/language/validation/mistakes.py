"""Stage 4, warnings: comparisons that are valid but most likely not what the author meant.

* `change(x) > 25`: change() is a fraction (25% is 0.25), so 25 without `%` means +2,500%.
* A threshold at an end of the indicator's range that makes the atom never hold
  (`fsi.total > 120` on a 0 to 120 scale) or always hold when there is data
  (`fsi.total >= 0`, or `between` the whole range).

Each is a `Problem` with severity "warning": printed like an error, but the rule set loads.
"""

from __future__ import annotations

import re

from advisor.errors import Problem
from advisor.language.expressions import Atom, Between, Comparison
from advisor.language.models import IndicatorSpec

__all__ = ["likely_mistakes", "plain_number"]

#: a number as the condition tokenizer reads it, with its optional `%`
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?")


def plain_number(value: float | int) -> str:
    """A number in plain decimal, never in exponent form (2000000, not 2e+06)."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    text = f"{value:.10f}".rstrip("0")
    return text.rstrip(".") if text != "-0." else "0"


def likely_mistakes(atom: Atom, spec: IndicatorSpec, problems: list[Problem]) -> None:
    """Add a warning for each likely mistake in a numeric atom whose values are valid."""
    if atom.operand.function == "change":
        _change_without_percent(atom, problems)
    elif spec.range is not None:
        _range_end(atom, spec.range, spec.id, problems)


def _change_without_percent(atom: Atom, problems: list[Problem]) -> None:
    """A number above 1 (in size) written without `%` next to change()."""
    if not isinstance(atom, Comparison | Between):
        return
    after = atom.text.index(")") + 1  # the operand change(x) ends at its ')'
    for match in _NUMBER.finditer(atom.text, after):
        written = match.group()
        if written.endswith("%") or abs(float(written)) <= 1:
            continue
        meant = f"{float(written) * 100:+,.0f}%"
        problems.append(
            Problem(
                atom.at.shifted(match.start()),
                f"{atom.operand.key} compared with {written}: change() is a fraction, "
                f"so {written} means {meant}",
                "change-without-percent",
                f"did you mean {written}%?",
                severity="warning",
            )
        )


def _range_end(
    atom: Atom, scale: tuple[float, float], indicator: str, problems: list[Problem]
) -> None:
    """A threshold at an end of the range that decides the atom whatever the value."""
    low, high = scale
    outcome = None
    if isinstance(atom, Comparison) and isinstance(atom.value, int | float):
        if (atom.op == ">" and atom.value >= high) or (atom.op == "<" and atom.value <= low):
            outcome = "can never hold"
        elif (atom.op == ">=" and atom.value <= low) or (atom.op == "<=" and atom.value >= high):
            outcome = "holds for every value"
    elif isinstance(atom, Between) and atom.low <= low and atom.high >= high:
        outcome = "holds for every value"
    if outcome is None:
        return
    problems.append(
        Problem(
            atom.at,
            f'"{atom.text}" {outcome}: "{indicator}" ranges from '
            f"{plain_number(low)} to {plain_number(high)}",
            "range-end",
            "check the operator and the threshold against the indicator's scale",
            severity="warning",
        )
    )
