"""The condition tree and its three-valued evaluator.

A condition is written as text (see `parser`) or as YAML structure whose
leaves are such text (``all:``, ``any:``, ``not:``). Both become the same
tree of `Condition` nodes: atoms (comparison, range, category membership, a
boolean indicator standing alone), references to named signals, and
``and``, ``or``, ``not``.

Evaluation follows Kleene's three-valued logic: an atom over an indicator the
profile lacks is unknown (None), ``and`` is false if any part is false,
``or`` is true if any part is true, otherwise unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from advisor.errors import Location

__all__ = [
    "DECIMALS",
    "EXACT_LIMIT",
    "EXACT_LIMIT_HINT",
    "EXACT_LIMIT_TEXT",
    "FUNCTIONS",
    "AllOf",
    "AnyOf",
    "Atom",
    "Between",
    "CompareOp",
    "Comparison",
    "Condition",
    "Membership",
    "Not",
    "Operand",
    "SignalRef",
    "Truth",
    "Truth3",
    "Value",
    "atom_holds",
    "atoms",
    "exactly_comparable",
    "normalise_number",
    "signal_refs",
    "truth",
]

#: Every number is rounded to this many decimal places, in rules and profiles
#: alike, so that the C engine and the Python explanation compare the same values.
DECIMALS = 9

#: The largest size of a number in a rule or a profile: 2^53. Up to it every whole
#: number is exactly a float too, so the C engine, which compares a whole number with a
#: decimal as two floats and reads whole numbers past 2^63 as 2^63 - 1, decides each
#: comparison as Python does (docs/durable-rules.md, "Values").
EXACT_LIMIT = 2**53
EXACT_LIMIT_TEXT = f"{EXACT_LIMIT} (2^53), the largest number the rule engine compares exactly"
#: what to do about a number beyond it
EXACT_LIMIT_HINT = "give the indicator a larger unit, such as thousands or millions"

#: Functions over a series by period, and what each means.
FUNCTIONS: dict[str, str] = {
    "latest": "the value of the latest period",
    "previous": "the value of the period before the latest",
    "mean": "the mean over all periods",
    "change": "relative change of the latest period against the mean of the earlier ones",
}

Value: TypeAlias = float | int | bool | str
CompareOp = Literal["<", "<=", ">", ">=", "==", "!="]


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class Operand:
    """What a comparison looks at: an indicator, or a function of a series indicator."""

    indicator: str
    function: str | None = None
    at: Location = field(default=Location("<expression>"), compare=False, repr=False)

    @property
    def key(self) -> str:
        """The name of the derived value, e.g. `change(migration.departures)`."""
        return f"{self.function}({self.indicator})" if self.function else self.indicator


@dataclass(frozen=True)
class Comparison:
    operand: Operand
    op: CompareOp
    value: Value
    text: str = field(default="", compare=False)
    at: Location = field(default=Location("<expression>"), compare=False, repr=False)


@dataclass(frozen=True)
class Between:
    operand: Operand
    low: float | int
    high: float | int
    text: str = field(default="", compare=False)
    at: Location = field(default=Location("<expression>"), compare=False, repr=False)


@dataclass(frozen=True)
class Membership:
    operand: Operand
    values: tuple[Value, ...]
    text: str = field(default="", compare=False)
    at: Location = field(default=Location("<expression>"), compare=False, repr=False)


@dataclass(frozen=True)
class Truth:
    """A boolean indicator standing alone: it holds when the indicator is true."""

    operand: Operand
    text: str = field(default="", compare=False)
    at: Location = field(default=Location("<expression>"), compare=False, repr=False)


@dataclass(frozen=True)
class SignalRef:
    signal: str
    text: str = field(default="", compare=False)
    at: Location = field(default=Location("<expression>"), compare=False, repr=False)


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Atom: TypeAlias = Comparison | Between | Membership | Truth
Condition: TypeAlias = Atom | SignalRef | AllOf | AnyOf | Not


def atoms(condition: Condition) -> Iterator[Atom | SignalRef]:
    """Every leaf of the condition, left to right."""
    if isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            yield from atoms(item)
    elif isinstance(condition, Not):
        yield from atoms(condition.item)
    else:
        yield condition


def signal_refs(condition: Condition) -> Iterator[SignalRef]:
    for leaf in atoms(condition):
        if isinstance(leaf, SignalRef):
            yield leaf


# --------------------------------------------------------------------------- evaluation

Truth3: TypeAlias = bool | None


def truth(
    condition: Condition,
    values: Mapping[str, Value],
    signals: Mapping[str, Truth3],
) -> Truth3:
    """Kleene evaluation; `values` maps operand keys to values, absent means missing."""
    if isinstance(condition, AllOf):
        result: Truth3 = True
        for item in condition.items:
            outcome = truth(item, values, signals)
            if outcome is False:
                return False
            if outcome is None:
                result = None
        return result
    if isinstance(condition, AnyOf):
        result = False
        for item in condition.items:
            outcome = truth(item, values, signals)
            if outcome is True:
                return True
            if outcome is None:
                result = None
        return result
    if isinstance(condition, Not):
        outcome = truth(condition.item, values, signals)
        return None if outcome is None else not outcome
    if isinstance(condition, SignalRef):
        return signals.get(condition.signal)
    value = values.get(condition.operand.key)
    if value is None:
        return None
    return atom_holds(condition, value)


def atom_holds(atom: Atom, value: Value) -> bool:
    """Whether an atom holds for a known value of its operand."""
    if isinstance(atom, Comparison):
        return _compare(value, atom.op, atom.value)
    if isinstance(atom, Between):
        return atom.low <= value <= atom.high  # type: ignore[operator]
    if isinstance(atom, Membership):
        return value in atom.values
    return value is True


def _compare(left: Value, op: CompareOp, right: Value) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def exactly_comparable(value: float | int) -> bool:
    """Whether the engine compares `value` exactly: at most `EXACT_LIMIT` in size."""
    return -EXACT_LIMIT <= value <= EXACT_LIMIT


def normalise_number(value: float | int) -> float | int:
    """Round to `DECIMALS` places (integers stay integers; no negative zero)."""
    if isinstance(value, int):
        return value
    rounded = round(value, DECIMALS)
    return 0.0 if rounded == 0 else rounded
