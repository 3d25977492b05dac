"""Conditions translated into durable_rules patterns: formulas, terms, durable rules.

How the rule language maps onto the engine
------------------------------------------
* An atom becomes a test on one attribute of the profile fact (a short name
  given by packing). Three-valued logic: each signal and rule compiles its *true*
  condition; an atom over a missing attribute never matches in durable_rules,
  so a rule over missing data simply does not fire. ``not`` is pushed to the
  leaves (``not x >= 5`` becomes ``x < 5``), which is exact for Kleene logic,
  and ``not signal s`` matches a fact saying *s is false*: a signal referred
  to negatively also compiles its false condition.
* Signals chain by forward chaining: a signal's rule fires, its action
  asserts ``{"t": "s", "n": <signal>, "v": true}``, and rules that refer to
  it join on that fact inside the engine.
* A condition mixing signals under ``or`` is split into terms (one durable
  rule each, named ``<rule>_<term>``); the advisor takes a rule as fired when
  any of its terms fires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from advisor.engine import limits
from advisor.engine.plan import Action
from advisor.language.expressions import (
    AllOf,
    AnyOf,
    Between,
    Comparison,
    Condition,
    Membership,
    Not,
    SignalRef,
    Truth,
    Value,
)

__all__ = [
    "DurableRule",
    "Formula",
    "Json",
    "Sig",
    "TooComplex",
    "Translator",
    "compile_condition",
]

# A formula over the profile fact is durable_rules JSON; signal literals stay
# symbolic until terms are split out.
Json: TypeAlias = dict[str, Any]


@dataclass(frozen=True)
class Sig:
    """A signal literal: signal number `number` holds (or fails, `holds=False`)."""

    number: int
    holds: bool


@dataclass(frozen=True)
class _And:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class _Or:
    items: tuple[Formula, ...]


Formula: TypeAlias = "Json | Sig | _And | _Or"


class TooComplex(Exception):
    """A condition, or a ruleset, needs more of the engine than its limits allow."""

    def __init__(self, message: str, key: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.key = key  # ("rule" | "signal", id) where the problem shows, if known


class Translator:
    """Conditions to formulas, given each operand's attribute and each signal's number."""

    def __init__(self, slots: Mapping[str, str], signal_numbers: Mapping[str, int]) -> None:
        self.slots = slots
        self.signal_numbers = signal_numbers

    def formula(self, condition: Condition, holds: bool) -> Formula:
        """The condition (holds=True) or its Kleene negation (holds=False), negations at leaves."""
        if isinstance(condition, Not):
            return self.formula(condition.item, not holds)
        if isinstance(condition, AllOf | AnyOf):
            parts = tuple(self.formula(item, holds) for item in condition.items)
            conjunctive = isinstance(condition, AllOf) == holds
            return _And(parts) if conjunctive else _Or(parts)
        if isinstance(condition, SignalRef):
            return Sig(self.signal_numbers[condition.signal], holds)
        slot = self.slots[condition.operand.key]
        if isinstance(condition, Comparison):
            return _compare(slot, condition.op, condition.value, holds)
        if isinstance(condition, Between):
            if holds:
                return _And(
                    (
                        _compare(slot, ">=", condition.low, True),
                        _compare(slot, "<=", condition.high, True),
                    )
                )
            return _Or(
                (
                    _compare(slot, "<", condition.low, True),
                    _compare(slot, ">", condition.high, True),
                )
            )
        if isinstance(condition, Membership):
            parts = tuple(_compare(slot, "==", v, holds) for v in condition.values)
            if len(parts) == 1:
                return parts[0]
            return _Or(parts) if holds else _And(parts)
        assert isinstance(condition, Truth)
        return _compare(slot, "==", True, holds)


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_OPERATORS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def _compare(slot: str, op: str, value: Value, holds: bool) -> Json:
    if not holds:
        op = _NEGATED[op]
    if op == "==":
        return {slot: value}
    return {_OPERATORS[op]: {slot: value}}


# ----------------------------------------------------------------- terms


def _terms(formula: Formula) -> list[tuple[Json | None, frozenset[Sig]]]:
    """Split a formula into terms of (profile pattern, signal literals), or-ed together."""
    if isinstance(formula, Sig):
        return [(None, frozenset({formula}))]
    if isinstance(formula, dict):
        return [(formula, frozenset())]
    if not _has_signals(formula):
        return [(_json(formula), frozenset())]
    if isinstance(formula, _Or):
        result: list[tuple[Json | None, frozenset[Sig]]] = []
        plain = [item for item in formula.items if not _has_signals(item)]
        if plain:
            result.append((_json(_Or(tuple(plain)) if len(plain) > 1 else plain[0]), frozenset()))
        for item in formula.items:
            if _has_signals(item):
                result.extend(_terms(item))
                _cap(result)
        return result
    combined: list[tuple[Json | None, frozenset[Sig]]] = [(None, frozenset())]
    for item in formula.items:
        combined = [
            (_conjoin(left, right), lsig | rsig)
            for left, lsig in combined
            for right, rsig in _terms(item)
        ]
        _cap(combined)
    return combined


def _cap(terms: Sequence[object]) -> None:
    if len(terms) > limits.MAX_TERMS:
        raise TooComplex(f"expands to more than {limits.MAX_TERMS} alternatives over signals")


def _has_signals(formula: Formula) -> bool:
    if isinstance(formula, Sig):
        return True
    if isinstance(formula, _And | _Or):
        return any(_has_signals(item) for item in formula.items)
    return False


def _conjoin(left: Json | None, right: Json | None) -> Json | None:
    if left is None:
        return right
    if right is None:
        return left
    return {"$and": [left, right]}


def _json(formula: Formula) -> Json:
    if isinstance(formula, _And):
        return {"$and": [_json(item) for item in formula.items]}
    if isinstance(formula, _Or):
        return {"$or": [_json(item) for item in formula.items]}
    assert isinstance(formula, dict)
    return formula


# ----------------------------------------------------------------- durable rules


@dataclass
class DurableRule:
    """One rule of a durable_rules ruleset: a profile pattern and the signal facts it joins."""

    name: str
    action: Action
    #: the condition on the profile's values, without its group discriminator
    profile: Json | None
    signals: tuple[Sig, ...]


def compile_condition(name: str, action: Action, formula: Formula) -> list[DurableRule]:
    """A formula as durable rules, one per term; raises `TooComplex` past the core's limits."""
    return [
        _durable_rule(f"{name}_{k}", action, profile, signals)
        for k, (profile, signals) in enumerate(_terms(formula))
    ]


def _durable_rule(
    name: str, action: Action, profile: Json | None, signals: Iterable[Sig]
) -> DurableRule:
    if (
        profile is not None
        and _expressions({"$and": [{"t": "g"}, profile]}) > limits.MAX_EXPRESSIONS
    ):
        raise TooComplex("has too many conditions for one engine pattern")
    ordered = tuple(sorted(signals, key=lambda s: (s.number, s.holds)))
    if len(ordered) > limits.MAX_SIGNALS_PER_TERM:
        raise TooComplex(
            f"refers to more than {limits.MAX_SIGNALS_PER_TERM} signals in one alternative"
        )
    return DurableRule(name, action, profile, ordered)


def _expressions(node: Json) -> int:
    if "$and" in node or "$or" in node:
        items = node.get("$and") or node.get("$or") or []
        return 2 + sum(_expressions(item) for item in items)
    return 1
