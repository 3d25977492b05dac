"""Compile a rule set into durable_rules ruleset definitions that stay inside the engine's limits.

How the rule language maps onto the engine
------------------------------------------
* A profile becomes one fact ``{"t": "p", "v0": ..., "v1": ...}``: one short
  attribute per value the rules read (``v<n>``), so names are cheap to hash
  and never collide (checked below with the engine's own FNV-1a hash).
* Three-valued logic: each signal and rule compiles its *true* condition; an
  atom over a missing attribute never matches in durable_rules, so a rule over
  missing data simply does not fire. ``not`` is pushed to the leaves
  (``not x >= 5`` becomes ``x < 5``), which is exact for Kleene logic, and
  ``not signal s`` matches a fact saying *s is false*: a signal referred to
  negatively also compiles its false condition.
* Signals chain by forward chaining: a signal's rule fires, its action
  asserts ``{"t": "s", "n": <signal>, "v": true}``, and rules that refer to
  it join on that fact inside the engine.
* A condition mixing signals under ``or`` is split into terms (one durable
  rule each, named ``<rule>_<term>``); the advisor takes a rule as fired when
  any of its terms fires.

Limits of the C core that this module keeps every ruleset inside (see
DURABLE_RULES.md): the alpha-network stack of 64 entries per fact
(`STACK_BUDGET`, computed as an upper bound on pushes, not guessed), 32
expressions per pattern, 255 properties per fact, 16 patterns per rule. A
rule set larger than one ruleset holds is packed into several; each carries
the signals its rules need, so chaining stays inside the engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from .errors import Problem, RuleSetError
from .expressions import (
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
    signal_refs,
)
from .ruleset import RuleSet

__all__ = [
    "SENTINEL",
    "STACK_BUDGET",
    "Action",
    "CompiledRuleset",
    "EnginePlan",
    "compile_plan",
    "engine_number",
    "fnv1a_32",
]

STACK_BUDGET = 60  # the C core's alpha stack holds 64
MAX_EXPRESSIONS = 30  # per pattern; the C core allows 32
MAX_TERMS = 16  # durable rules per signal or rule after splitting `or` over signals
MAX_SIGNALS_PER_TERM = 8  # patterns per durable rule; the C core allows 16 frames
MAX_SLOTS = 200  # attributes per fact; the C core allows 255
MAX_RULES_PER_RULESET = 400  # the C core hangs beyond ~512 distinct first conditions

RESERVED_ATTRIBUTES = ("sid", "id", "t", "n", "v")

#: A rule in every ruleset that fires on every profile fact. The C core leaves a
#: new session's action context uninitialised and frees it in `delete_state`
#: (state.c createStateNode / deleteStateNode): a session in which no action
#: ever started crashed with "free(): invalid pointer". Starting and completing
#: at least one action initialises, then clears, that context.
SENTINEL = "_"


@dataclass(frozen=True)
class Action:
    """What a durable rule's firing means: a signal holds / fails, or a rule fires."""

    kind: str  # "signal" or "rule"
    target: str  # signal or rule id
    holds: bool = True


@dataclass(frozen=True)
class CompiledRuleset:
    """One durable_rules ruleset: its JSON definition and what its facts carry."""

    definition: str
    #: (operand key, attribute name) for every value the profile fact carries
    slots: tuple[tuple[str, str], ...]
    actions: Mapping[str, Action]
    stack_bound: int


@dataclass(frozen=True)
class EnginePlan:
    rulesets: tuple[CompiledRuleset, ...]
    #: signal id -> its number in signal facts
    signal_numbers: Mapping[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------- numbers and hashes


def engine_number(value: float | int) -> str:
    """A number as the C parser reads it: never in exponent notation (error 204)."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(value, ".9f").rstrip("0")
        if text.endswith("."):
            text += "0"
    return text


def fnv1a_32(text: str) -> int:
    """The hash durable_rules keys attribute names, sids and fact ids by."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * 16777619) & 0xFFFFFFFF
    return value


def _attribute_names(keys: Sequence[str]) -> dict[str, str]:
    """Short attribute names for operand keys, free of hash collisions with each other."""
    taken = {fnv1a_32(name) for name in RESERVED_ATTRIBUTES}
    names: dict[str, str] = {}
    counter = 0
    for key in keys:
        while True:
            candidate = f"v{counter}"
            counter += 1
            digest = fnv1a_32(candidate)
            if digest not in taken:
                taken.add(digest)
                names[key] = candidate
                break
    return names


# ----------------------------------------------------------------- formulas

# A formula over the profile fact is durable_rules JSON; signal literals stay
# symbolic until terms are split out.
Json: TypeAlias = dict[str, Any]


@dataclass(frozen=True)
class _Sig:
    number: int
    holds: bool


@dataclass(frozen=True)
class _And:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class _Or:
    items: tuple[Formula, ...]


Formula: TypeAlias = "Json | _Sig | _And | _Or"


class _Translator:
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
            return _Sig(self.signal_numbers[condition.signal], holds)
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


def _dumps(value: Any) -> str:
    """JSON as the C parser reads it: numbers never in exponent notation."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value)
    return engine_number(value)


def _terms(formula: Formula) -> list[tuple[Json | None, frozenset[_Sig]]]:
    """Split a formula into terms of (profile pattern, signal literals), or-ed together."""
    if isinstance(formula, _Sig):
        return [(None, frozenset({formula}))]
    if isinstance(formula, dict):
        return [(formula, frozenset())]
    if not _has_signals(formula):
        return [(_json(formula), frozenset())]
    if isinstance(formula, _Or):
        result: list[tuple[Json | None, frozenset[_Sig]]] = []
        plain = [item for item in formula.items if not _has_signals(item)]
        if plain:
            result.append((_json(_Or(tuple(plain)) if len(plain) > 1 else plain[0]), frozenset()))
        for item in formula.items:
            if _has_signals(item):
                result.extend(_terms(item))
                _cap(result)
        return result
    combined: list[tuple[Json | None, frozenset[_Sig]]] = [(None, frozenset())]
    for item in formula.items:
        combined = [
            (_conjoin(left, right), lsig | rsig)
            for left, lsig in combined
            for right, rsig in _terms(item)
        ]
        _cap(combined)
    return combined


class _TooComplex(Exception):
    pass


def _cap(terms: Sequence[object]) -> None:
    if len(terms) > MAX_TERMS:
        raise _TooComplex(f"expands to more than {MAX_TERMS} alternatives over signals")


def _has_signals(formula: Formula) -> bool:
    if isinstance(formula, _Sig):
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


# ----------------------------------------------------------------- limits


def _pushes(node: Json, incoming: int) -> tuple[int, int]:
    """Upper bound on alpha-stack pushes for a pattern, and the paths leaving it.

    Mirrors how the C core builds alpha nodes (rete.c createAlpha): `$and`
    chains, `$or` branches that all link into one forward node. Counting every
    node once per path that reaches it, with every test assumed to match, bounds
    the stack from above whatever the profile.
    """
    if "$and" in node:
        total = 0
        for item in node["$and"]:
            pushed, incoming = _pushes(item, incoming)
            total += pushed
        return total, incoming
    if "$or" in node:
        total = 0
        leaving = 0
        for item in node["$or"]:
            pushed, out = _pushes(item, incoming)
            total += pushed
            leaving += out
        return total + leaving, leaving
    return incoming, incoming


def _expressions(node: Json) -> int:
    if "$and" in node or "$or" in node:
        items = node.get("$and") or node.get("$or") or []
        return 2 + sum(_expressions(item) for item in items)
    return 1


@dataclass
class _DurableRule:
    name: str
    patterns: list[tuple[str, Json]]
    action: Action
    pushes: int


def _durable_rule(
    name: str, action: Action, profile: Json | None, signals: Iterable[_Sig]
) -> _DurableRule:
    patterns: list[tuple[str, Json]] = []
    pushes = 0
    if profile is not None:
        pattern = {"$and": [{"t": "p"}, profile]}
        if _expressions(pattern) > MAX_EXPRESSIONS:
            raise _TooComplex("has too many conditions for one engine pattern")
        patterns.append(("p", pattern))
        pushes += _pushes(profile, 1)[0]
    ordered = sorted(signals, key=lambda s: (s.number, s.holds))
    if len(ordered) > MAX_SIGNALS_PER_TERM:
        raise _TooComplex(f"refers to more than {MAX_SIGNALS_PER_TERM} signals in one alternative")
    for index, sig in enumerate(ordered):
        patterns.append((f"s{index}", {"$and": [{"t": "s"}, {"n": sig.number}, {"v": sig.holds}]}))
        pushes += 2
    return _DurableRule(name, patterns, action, pushes)


# ----------------------------------------------------------------- packing


def compile_plan(ruleset: RuleSet) -> EnginePlan:
    """Compile every signal and rule; raises `RuleSetError` for what the engine cannot hold."""
    operands = [o.key for o in ruleset.operands()]
    slots = _attribute_names(operands)
    numbers = {sid: index for index, sid in enumerate(ruleset.signals)}
    translator = _Translator(slots, numbers)
    negated = _negated_signals(ruleset)
    problems: list[Problem] = []

    compiled: dict[tuple[str, str], list[_DurableRule]] = {}
    for index, (sid, signal) in enumerate(ruleset.signals.items()):
        for holds in (True, False) if sid in negated else (True,):
            name = f"s{index}{'t' if holds else 'f'}"
            try:
                compiled[("signal", f"{sid}:{holds}")] = _compile_condition(
                    name, Action("signal", sid, holds), translator.formula(signal.condition, holds)
                )
            except _TooComplex as exc:
                problems.append(
                    Problem(
                        signal.location,
                        f'signal "{sid}" {exc}',
                        "too-complex",
                        "move part of the condition into another signal",
                    )
                )
    for index, (rule_id, rule) in enumerate(ruleset.rules.items()):
        try:
            compiled[("rule", rule_id)] = _compile_condition(
                f"r{index}", Action("rule", rule_id), translator.formula(rule.condition, True)
            )
        except _TooComplex as exc:
            problems.append(
                Problem(
                    rule.location,
                    f'rule "{rule_id}" {exc}',
                    "too-complex",
                    "move part of the condition into a signal",
                )
            )
    if problems:
        raise RuleSetError(problems)

    needs = _signal_needs(ruleset, negated)
    bins: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for rule_id, rule in ruleset.rules.items():
        item = [("rule", rule_id), *needs[("rule", rule_id)]]
        if _cost(compiled, _union(current, item)) <= STACK_BUDGET and _fits(
            compiled, slots, _union(current, item)
        ):
            current = _union(current, item)
            continue
        if _cost(compiled, item) > STACK_BUDGET:
            problems.append(
                Problem(
                    rule.location,
                    f'rule "{rule_id}" needs more of the engine than one ruleset holds',
                    "too-complex",
                    "split its condition, or move parts into signals",
                )
            )
            continue
        bins.append(current)
        current = item
    # Signals no rule refers to still have to be evaluated: the decision lists them.
    covered = {key for group in [*bins, current] for key in group}
    for sid in ruleset.signals:
        for key in needs[("signal", sid)]:
            if key in covered:
                continue
            item = needs[("signal", sid)]
            if _cost(compiled, _union(current, item)) <= STACK_BUDGET and _fits(
                compiled, slots, _union(current, item)
            ):
                current = _union(current, item)
            else:
                bins.append(current)
                current = list(item)
            covered |= set(item)
            break
    bins.append(current)
    if problems:
        raise RuleSetError(problems)
    return EnginePlan(
        tuple(_ruleset(compiled, slots, group) for group in bins if group),
        numbers,
    )


def _compile_condition(name: str, action: Action, formula: Formula) -> list[_DurableRule]:
    return [
        _durable_rule(f"{name}_{k}", action, profile, signals)
        for k, (profile, signals) in enumerate(_terms(formula))
    ]


def _negated_signals(ruleset: RuleSet) -> set[str]:
    """Signals some condition refers to under an odd number of `not`s."""
    found: set[str] = set()

    def walk(condition: Condition, negative: bool) -> None:
        if isinstance(condition, Not):
            walk(condition.item, not negative)
        elif isinstance(condition, AllOf | AnyOf):
            for item in condition.items:
                walk(item, negative)
        elif isinstance(condition, SignalRef) and negative:
            found.add(condition.signal)

    for signal in ruleset.signals.values():
        walk(signal.condition, False)
    for rule in ruleset.rules.values():
        walk(rule.condition, False)
    # A negated signal's false condition may use other signals negatively, and so on.
    changed = True
    while changed:
        changed = False
        for sid in list(found):
            before = len(found)
            walk(Not(ruleset.signals[sid].condition), False)
            changed = changed or len(found) != before
    return found


def _signal_needs(
    ruleset: RuleSet, negated: set[str]
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """For each rule and signal, the compiled signal conditions it needs in its ruleset."""
    own: dict[str, list[tuple[str, str]]] = {}
    needs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for sid, signal in ruleset.signals.items():  # dependency order
        own[sid] = [("signal", f"{sid}:True")] + (
            [("signal", f"{sid}:False")] if sid in negated else []
        )
        closure: list[tuple[str, str]] = []
        for ref in signal_refs(signal.condition):
            closure = _union(closure, needs[("signal", ref.signal)])
        needs[("signal", sid)] = _union(closure, own[sid])
    for rule_id, rule in ruleset.rules.items():
        closure = []
        for ref in signal_refs(rule.condition):
            closure = _union(closure, needs[("signal", ref.signal)])
        needs[("rule", rule_id)] = closure
    return needs


def _union(left: list[tuple[str, str]], right: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen = set(left)
    return left + [key for key in right if key not in seen and not seen.add(key)]  # type: ignore[func-returns-value]


def _cost(
    compiled: Mapping[tuple[str, str], list[_DurableRule]], group: list[tuple[str, str]]
) -> int:
    # The two discriminators ("t": "p" and "t": "s") are shared by every pattern;
    # the sentinel adds one more push.
    return 3 + sum(rule.pushes for key in group for rule in compiled[key])


def _fits(
    compiled: Mapping[tuple[str, str], list[_DurableRule]],
    slots: Mapping[str, str],
    group: list[tuple[str, str]],
) -> bool:
    rules = [rule for key in group for rule in compiled[key]]
    used = {name for rule in rules for _, pattern in rule.patterns for name in _attributes(pattern)}
    return len(rules) <= MAX_RULES_PER_RULESET and len(used) <= MAX_SLOTS


def _attributes(node: Json) -> set[str]:
    found: set[str] = set()
    for key, value in node.items():
        if key in ("$and", "$or"):
            for item in value:
                found |= _attributes(item)
        elif key.startswith("$"):
            found |= set(value)
        else:
            found.add(key)
    return found - set(RESERVED_ATTRIBUTES)


def _ruleset(
    compiled: Mapping[tuple[str, str], list[_DurableRule]],
    slots: Mapping[str, str],
    group: list[tuple[str, str]],
) -> CompiledRuleset:
    rules = [rule for key in group for rule in compiled[key]]
    definition: Json = {SENTINEL: {"all": [{"p": {"t": "p"}}]}}
    for rule in rules:
        definition[rule.name] = {"all": [{name: pattern} for name, pattern in rule.patterns]}
    used = set().union(*(_attributes(p) for rule in rules for _, p in rule.patterns))
    carried = tuple((key, name) for key, name in slots.items() if name in used)
    return CompiledRuleset(
        _dumps(definition),
        carried,
        {rule.name: rule.action for rule in rules},
        _cost(compiled, group),
    )
