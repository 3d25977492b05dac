"""Compile a rule set into durable_rules ruleset definitions that stay inside the engine's limits.

How the rule language maps onto the engine
------------------------------------------
* A profile becomes facts ``{"t": "g<k>", "v0": ..., "v1": ...}``: one short
  attribute per value the rules read (``v<n>``), so names are cheap to hash
  and never collide (checked below with the engine's own FNV-1a hash). The
  rules of a ruleset are split into *groups*, each matching its own copy of
  the profile fact (tag ``g<k>``), so that no fact can overflow the alpha
  stack; all groups share one session, so one evaluation is one session per
  ruleset whatever the number of groups.
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
docs/durable-rules.md and `_AlphaNetwork`): the alpha stack of 64 entries per fact
(`STACK_BUDGET`, a bound computed on a model of the network the core builds,
not guessed), 32 expressions per pattern, 255 properties per fact, 16
patterns per rule, 256 rules per alpha node, 4,096 actions per ruleset. A rule
set larger than one ruleset holds is packed into several; each carries the
signals its rules need, so chaining stays inside the engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from advisor.errors import Location, Problem, RuleSetError
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
    signal_refs,
)
from advisor.language.ruleset import RuleSet

__all__ = [
    "SENTINEL",
    "STACK_BUDGET",
    "Action",
    "CompiledRuleset",
    "EnginePlan",
    "FactGroup",
    "compile_plan",
    "engine_number",
    "fnv1a_32",
]

STACK_BUDGET = 60  # entries of the alpha stack per fact; the C core holds 64
MAX_EXPRESSIONS = 30  # per pattern; the C core allows 32
MAX_TERMS = 16  # durable rules per signal or rule after splitting `or` over signals
MAX_SIGNALS_PER_TERM = 8  # patterns per durable rule; the C core allows 16 frames
MAX_SLOTS = 200  # attributes per fact; the C core allows 255
MAX_BETAS = 200  # rules ending at one alpha node; the C core allows 256 (error 108)
MAX_RULES_PER_RULESET = 2_000  # the C core refuses more than 4,096 actions (error 106)
MAX_GROUPS_PER_RULESET = 200  # group discriminators share one 512-slot hash set
MAX_SIGNAL_USES = 200  # rules joining on one signal fact in a ruleset (beta list of 256)
MAX_CHILDREN = 400  # children of one alpha node; the core's hash set of 512 hangs when full

RESERVED_ATTRIBUTES = ("sid", "id", "t", "n", "v")

#: A rule in every ruleset that fires on every evaluation, on the first group's
#: fact (which carries no values). The C core leaves a new session's action
#: context uninitialised and frees it in `delete_state` (state.c createStateNode
#: / deleteStateNode): a session in which no action ever started crashed with
#: "free(): invalid pointer". Starting the sentinel first initialises that
#: context before anything else can fail.
SENTINEL = "_"


@dataclass(frozen=True)
class Action:
    """What a durable rule's firing means: a signal holds / fails, or a rule fires."""

    kind: str  # "signal" or "rule"
    target: str  # signal or rule id
    holds: bool = True


@dataclass(frozen=True)
class FactGroup:
    """One profile fact of a ruleset: the rules matching it stay within the alpha stack."""

    tag: str
    #: (operand key, attribute name) for every value the fact carries
    slots: tuple[tuple[str, str], ...]
    stack_bound: int


@dataclass(frozen=True)
class CompiledRuleset:
    """One durable_rules ruleset: its JSON definition and the profile facts it takes."""

    definition: str
    groups: tuple[FactGroup, ...]
    actions: Mapping[str, Action]


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
    def __init__(self, message: str, key: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.key = key  # ("rule" | "signal", id) where the problem shows, if known


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

_Test: TypeAlias = tuple[str, str, str]  # (attribute, operator, constant as engine JSON)


def _test_key(test: Json) -> _Test:
    ((key, value),) = test.items()
    if key.startswith("$"):
        ((attribute, constant),) = value.items()
        return (attribute, key, _dumps(constant))
    return (key, "$eq", _dumps(value))


class _AlphaNetwork:
    """A model of the alpha network the C core builds for one kind of fact.

    It mirrors rete.c createAlpha: `$and` items chain, each test shared with an
    identical test under the same parent (findAlpha); every `$or` branch links
    to a fresh forward node, from which the rest of the `$and` hangs. The core
    walks the network depth first with a 64-entry stack, pushing every child
    whose test matches (events.c handleAlpha). `bound()` is the most entries
    that stack can hold for any fact: every test is assumed to match, except
    that equality tests of one attribute against different constants exclude
    each other. The last addition can be rolled back, so packing can try a rule
    and undo it.

    Adding a pattern only changes the nodes on its own path from the root (a
    test node has one parent; forward nodes are new with each pattern), so the
    bound is kept up to date incrementally: per node, the deepest the stack
    gets while its subtree is walked, recomputed along that path only.
    """

    def __init__(self) -> None:
        self.tests: list[dict[_Test, int]] = [{}]
        self.forwards: list[list[int]] = [[]]
        self.betas: list[int] = [0]
        self._log: list[tuple[str, int, Any]] = []
        self._deepest: dict[int, int] = {}
        self._touched: set[int] = set()
        self._saved: dict[int, int] = {}
        self._last_mark = -1

    def mark(self) -> int:
        return len(self._log)

    def rollback(self, mark: int) -> None:
        """Undo the last `add`, made just after `mark` (the saved bounds cover one add only)."""
        if mark != self._last_mark:
            raise ValueError("only the last add can be rolled back")
        while len(self._log) > mark:
            kind, node, detail = self._log.pop()
            if kind == "test":
                del self.tests[node][detail]
            elif kind == "forward":
                self.forwards[node].pop()
            elif kind == "beta":
                self.betas[node] -= 1
            else:
                self.tests.pop()
                self.forwards.pop()
                self.betas.pop()
        for node in [n for n in self._deepest if n >= len(self.tests) or n in self._touched]:
            del self._deepest[node]
        self._deepest.update(self._saved)
        self._saved = {}

    def add(self, pattern: Json) -> int:
        """Add a rule's pattern; the number of rules whose pattern ends where it ends."""
        self._last_mark = len(self._log)
        self._touched = {0}
        end = self._add(pattern, 0)
        self._saved = {n: self._deepest.pop(n) for n in self._touched if n in self._deepest}
        self.betas[end] += 1
        self._log.append(("beta", end, None))
        return self.betas[end]

    def _node(self) -> int:
        self.tests.append({})
        self.forwards.append([])
        self.betas.append(0)
        self._log.append(("node", len(self.tests) - 1, None))
        return len(self.tests) - 1

    def _add(self, pattern: Json, parent: int) -> int:
        end = self._add_below(pattern, parent)
        self._touched.add(end)
        return end

    def _add_below(self, pattern: Json, parent: int) -> int:
        self._touched.add(parent)
        if "$and" in pattern:
            for item in pattern["$and"]:
                parent = self._add(item, parent)
            return parent
        if "$or" in pattern:
            forward = self._node()
            for item in pattern["$or"]:
                end = self._add(item, parent)
                self.forwards[end].append(forward)
                self._log.append(("forward", end, forward))
            return forward
        test = _test_key(pattern)
        child = self.tests[parent].get(test)
        if child is None:
            child = self._node()
            self.tests[parent][test] = child
            self._log.append(("test", parent, test))
        return child

    def crowded(self) -> bool:
        """Whether the last add gave a node more children than the core can hold."""
        return any(len(self.tests[n]) + len(self.forwards[n]) > MAX_CHILDREN for n in self._touched)

    def _width(self, node: int) -> int:
        tests = self.tests[node]
        exclusive = {attribute for attribute, op, _ in tests if op == "$eq"}
        return len(exclusive) + sum(op != "$eq" for _, op, _ in tests) + len(self.forwards[node])

    def bound(self) -> int:
        deepest = self._deepest

        def down(node: int) -> int:
            # entries on the stack while `node`'s subtree is walked
            if node not in deepest:
                width = self._width(node)
                below = [*self.tests[node].values(), *self.forwards[node]]
                deepest[node] = max([width, *(width - 1 + down(child) for child in below)])
            return deepest[node]

        return down(0)


@dataclass
class _DurableRule:
    name: str
    action: Action
    #: the condition on the profile's values, without its group discriminator
    profile: Json | None
    signals: tuple[_Sig, ...]


def _durable_rule(
    name: str, action: Action, profile: Json | None, signals: Iterable[_Sig]
) -> _DurableRule:
    if profile is not None and _expressions({"$and": [{"t": "g"}, profile]}) > MAX_EXPRESSIONS:
        raise _TooComplex("has too many conditions for one engine pattern")
    ordered = tuple(sorted(signals, key=lambda s: (s.number, s.holds)))
    if len(ordered) > MAX_SIGNALS_PER_TERM:
        raise _TooComplex(f"refers to more than {MAX_SIGNALS_PER_TERM} signals in one alternative")
    return _DurableRule(name, action, profile, ordered)


def _expressions(node: Json) -> int:
    if "$and" in node or "$or" in node:
        items = node.get("$and") or node.get("$or") or []
        return 2 + sum(_expressions(item) for item in items)
    return 1


class _Group:
    """The durable rules that match one profile fact, `{"t": "g<k>", ...}`, within the limits."""

    def __init__(self, index: int) -> None:
        self.tag = f"g{index}"
        self.network = _AlphaNetwork()
        self.rules: list[_DurableRule] = []
        self.attributes: set[str] = set()

    def pattern(self, rule: _DurableRule) -> Json:
        assert rule.profile is not None
        return {"$and": [{"t": self.tag}, rule.profile]}

    def try_add(self, rule: _DurableRule) -> bool:
        attributes = self.attributes | _attributes(rule.profile or {})
        if len(attributes) > MAX_SLOTS:
            return False
        mark = self.network.mark()
        same_end = self.network.add(self.pattern(rule))
        if same_end > MAX_BETAS or self.network.crowded() or self.network.bound() > STACK_BUDGET:
            self.network.rollback(mark)
            return False
        self.rules.append(rule)
        self.attributes = attributes
        return True


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
    locations = {("signal", sid): signal.location for sid, signal in ruleset.signals.items()}
    for index, (rule_id, rule) in enumerate(ruleset.rules.items()):
        locations[("rule", rule_id)] = rule.location
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

    built: list[CompiledRuleset] = []
    for batch in _batches(ruleset, compiled, _signal_needs(ruleset, negated)):
        try:
            built.append(_ruleset([rule for key in batch for rule in compiled[key]], slots))
        except _TooComplex as exc:
            problems.append(
                Problem(
                    locations.get(exc.key or ("", ""), Location("rules")),
                    str(exc),
                    "too-complex",
                    "split the condition, or move parts of it into signals",
                )
            )
    if problems:
        raise RuleSetError(problems)
    return EnginePlan(tuple(built), numbers)


Key = tuple[str, str]  # ("rule", id) or ("signal", "id:holds")


def _batches(
    ruleset: RuleSet, compiled: Mapping[Key, list[_DurableRule]], needs: Mapping[Key, list[Key]]
) -> list[list[Key]]:
    """Which compiled conditions go into which durable_rules ruleset.

    Rules go in order, each with the signals it needs (so chaining stays inside
    one ruleset); a ruleset closes when the next rule would pass the core's
    action limit. Signals no rule reads still have to be evaluated, because the
    decision lists the signals that hold: they join the last ruleset.
    """
    batches: list[list[Key]] = [[]]
    members: set[Key] = set()
    size = 0

    def place(item: list[Key]) -> None:
        nonlocal members, size
        new = [key for key in dict.fromkeys(item) if key not in members]
        grown = size + sum(len(compiled[key]) for key in new)
        if grown > MAX_RULES_PER_RULESET and batches[-1]:
            batches.append([])
            members, new = set(), list(dict.fromkeys(item))
            grown = sum(len(compiled[key]) for key in new)
        batches[-1] += new
        members.update(new)
        size = grown

    for rule_id in ruleset.rules:
        place([("rule", rule_id), *needs[("rule", rule_id)]])
    placed = {key for batch in batches for key in batch}
    for sid in ruleset.signals:
        if not placed.issuperset(needs[("signal", sid)]):
            place(needs[("signal", sid)])
            placed.update(needs[("signal", sid)])
    return batches


def _ruleset(rules: list[_DurableRule], slots: Mapping[str, str]) -> CompiledRuleset:
    """One durable_rules ruleset: rules packed into groups, each group's fact within the limits."""
    # Group 0 holds only the sentinel: its fact carries no values, so asserting
    # it cannot fail, and the session's action context is initialised (by
    # starting the sentinel) before any fact that could.
    groups = [_Group(0), _Group(1)]
    placed: dict[str, _Group] = {}
    uses: dict[_Sig, int] = {}
    for rule in rules:
        for sig in rule.signals:
            uses[sig] = uses.get(sig, 0) + 1
            if uses[sig] > MAX_SIGNAL_USES:
                raise _TooComplex(
                    f"more than {MAX_SIGNAL_USES} rules in one ruleset refer to one signal",
                    ("rule", rule.action.target),
                )
        if rule.profile is None:
            continue  # joins over signal facts only
        if not groups[-1].try_add(rule):
            groups.append(_Group(len(groups)))
            if not groups[-1].try_add(rule) or len(groups) > MAX_GROUPS_PER_RULESET:
                raise _TooComplex(
                    f'{rule.action.kind} "{rule.action.target}" needs more of the engine '
                    "than one ruleset holds",
                    (rule.action.kind, rule.action.target),
                )
        placed[rule.name] = groups[-1]
    if len(uses) > MAX_CHILDREN:  # the `t == "s"` node has a child per signal fact
        raise _TooComplex(f"more than {MAX_CHILDREN} signal outcomes in one ruleset")
    definition: Json = {SENTINEL: {"all": [{"p": {"t": groups[0].tag}}]}}
    for rule in rules:
        patterns: list[Json] = []
        if rule.profile is not None:
            patterns.append({"p": placed[rule.name].pattern(rule)})
        for index, sig in enumerate(rule.signals):
            patterns.append(
                {f"s{index}": {"$and": [{"t": "s"}, {"n": sig.number}, {"v": sig.holds}]}}
            )
        definition[rule.name] = {"all": patterns}
    by_name = {name: key for key, name in slots.items()}
    return CompiledRuleset(
        _dumps(definition),
        tuple(
            FactGroup(
                group.tag,
                tuple((by_name[a], a) for a in sorted(group.attributes, key=_slot_order)),
                group.network.bound(),
            )
            for group in groups
        ),
        {rule.name: rule.action for rule in rules},
    )


def _slot_order(attribute: str) -> int:
    return int(attribute[1:])


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
