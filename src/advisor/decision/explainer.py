"""Each condition of a rule set compiled once for explaining: one pass per evaluation gives a
condition's three-valued outcome (the cross-check of the engine), its atoms with the values
they met, and, when it cannot be decided, the values that could still decide it.

Compiled with the rule set (`Explainer(ruleset)`, kept by the `Advisor`), so an evaluation
neither walks the condition classes nor parses a `because` template again.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeAlias

from advisor.decision.explain import fill_placeholder
from advisor.language.expressions import (
    AllOf,
    AnyOf,
    Atom,
    Between,
    Comparison,
    Condition,
    Membership,
    Not,
    SignalRef,
    Truth3,
    Value,
    normalise_number,
)
from advisor.language.profile import Series
from advisor.language.ruleset import RuleSet
from advisor.language.templates import PLACEHOLDER

__all__ = ["Because", "ConditionPlan", "Explainer", "Outcome"]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}

#: a compiled condition: ("leaf", index), ("all"|"any", children), ("not", child)
Node: TypeAlias = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Leaf:
    """One atom or signal reference, with everything its explanation needs precomputed."""

    text: str
    #: the operand key read; None for a signal reference
    key: str | None
    signal: str | None
    operator: str | None
    threshold: Any
    test: Callable[[Value], bool] | None
    #: the margin of a held numeric atom: "above" (value - t), "below" (t - value), "between"
    margin_kind: str | None
    low: float = 0.0
    high: float = 0.0

    def margin(self, value: Value) -> float | None:
        if self.margin_kind is None or isinstance(value, bool | str):
            return None
        if self.margin_kind == "above":
            return float(normalise_number(value - self.low))
        if self.margin_kind == "below":
            return float(normalise_number(self.low - value))
        return float(normalise_number(min(value - self.low, self.high - value)))


class Outcome(NamedTuple):
    """A condition evaluated once: its truth, and each atom's outcome in reading order."""

    truth: Truth3
    holds: tuple[Truth3, ...]


#: see `ConditionPlan.because_if_true`
FiredText = Callable[
    [Mapping[str, Value], Mapping[str, Truth3], dict[str, str], Mapping[str, Any] | None],
    str | None,
]


class ConditionPlan:
    """One rule's or signal's condition, compiled."""

    __slots__ = ("_leaves", "_outcome", "_tree", "_truth", "reads")

    def __init__(self, condition: Condition) -> None:
        leaves: list[_Leaf] = []
        self._tree = _compile(condition, leaves)
        self._leaves = tuple(leaves)
        # generated on first use (`_generate`): a rule the engine fired needs neither
        self._outcome: Callable[[Mapping[str, Value], Mapping[str, Truth3]], Outcome] | None
        self._truth: Callable[[Mapping[str, Value], Mapping[str, Truth3]], Truth3] | None
        self._outcome = self._truth = None
        #: the operand keys its atoms read (not through signals), each once
        self.reads = tuple(dict.fromkeys(leaf.key for leaf in leaves if leaf.key is not None))

    @property
    def outcome(self) -> Callable[[Mapping[str, Value], Mapping[str, Truth3]], Outcome]:
        """`outcome(values, signals)`: the condition's three-valued outcome and each atom's,
        as one generated function."""
        if self._outcome is None:
            self._outcome = _generate(self._tree, self._leaves, with_atoms=True)
        return self._outcome

    @property
    def truth(self) -> Callable[[Mapping[str, Value], Mapping[str, Truth3]], Truth3]:
        """`truth(values, signals)`: the outcome alone (a signal's cross-check)."""
        if self._truth is None:
            self._truth = _generate(self._tree, self._leaves, with_atoms=False)
        return self._truth

    def because_if_true(self, because: Because) -> FiredText:
        """`text(values, signals, filled, indicators)`: `because` rendered if the condition
        holds, else None; for a rule the engine fired, one call checks it and explains it."""
        return _generate(self._tree, self._leaves, with_atoms=False, because=because)

    def results(
        self, outcome: Outcome, values: Mapping[str, Value], signals: Mapping[str, Truth3]
    ) -> list[dict[str, Any]]:
        """Every atom, in reading order, with the value it met, its threshold and margin:
        `ConditionResult`'s JSON (a field at its default left out)."""
        out: list[dict[str, Any]] = []
        for leaf, holds in zip(self._leaves, outcome.holds, strict=True):
            result: dict[str, Any] = {"condition": leaf.text, "holds": holds}
            if leaf.key is not None:
                result["reads"] = leaf.key
                value = values.get(leaf.key)
                if value is not None:
                    result["value"] = value
                if leaf.threshold is not None:
                    result["threshold"] = leaf.threshold
                margin = leaf.margin(value) if holds and value is not None else None
                if margin is not None:
                    result["margin"] = margin
            out.append(result)
        return out

    def deciding(self, outcome: Outcome, signal_missing: Callable[[str], set[str]]) -> set[str]:
        """The operand keys whose values could still decide an undetermined condition:
        those under an undecided branch; a branch already decided does not count."""
        found: set[str] = set()
        _deciding(self._tree, outcome.holds, self._leaves, signal_missing, found)
        return found


class Because:
    """A `because` template split once into a %-format and its placeholder keys."""

    __slots__ = ("_format", "_keys")

    def __init__(self, template: str) -> None:
        texts: list[str] = []
        keys: list[str] = []
        last = 0
        for match in PLACEHOLDER.finditer(template):
            texts.append(template[last : match.start()].replace("%", "%%"))
            keys.append(match.group(1))
            last = match.end()
        texts.append(template[last:].replace("%", "%%"))
        self._format = "%s".join(texts)
        self._keys = tuple(keys)

    def render(
        self,
        values: Mapping[str, Value],
        indicators: Mapping[str, Value | Series] | None,
        filled: dict[str, str] | None = None,
    ) -> str:
        """Filled with the profile's values (`decision.explain.fill_placeholder`, each).
        `filled` keeps each placeholder's text for the other templates of one evaluation,
        which mostly cite the same few values."""
        if filled is None:
            filled = {}
        said = []
        for key in self._keys:
            text = filled.get(key)
            if text is None:
                text = filled[key] = fill_placeholder(key, values, indicators)
            said.append(text)
        return self._format % tuple(said)

    def code(self, bound: dict[str, Any]) -> list[str]:
        """`render` as lines of a generated function (`_generate`) whose arguments are
        `v`, `filled` and `ind`; binds its keys and format in `bound`."""
        bound["fill"], bound["because"] = fill_placeholder, self._format
        lines = []
        for index, key in enumerate(self._keys):
            bound[f"b{index}"] = key
            lines += [
                f"t{index} = filled.get(b{index})",
                f"if t{index} is None:",
                f"    t{index} = filled[b{index}] = fill(b{index}, v, ind)",
            ]
        texts = "".join(f"t{i}, " for i in range(len(self._keys)))
        return [*lines, f"return because % ({texts})"]


class Explainer:
    """The compiled conditions and `because` texts of every rule and signal of a rule set."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.rules = {rid: ConditionPlan(rule.condition) for rid, rule in ruleset.rules.items()}
        self.signals = {
            sid: ConditionPlan(signal.condition) for sid, signal in ruleset.signals.items()
        }
        #: the signal ids in id order, as a decision lists them
        self.signal_ids = tuple(sorted(ruleset.signals))
        self.because = {rid: Because(rule.spec.because) for rid, rule in ruleset.rules.items()}
        #: per rule, its check and `because` text in one call (`because_if_true`)
        self.fired_text = {
            rid: plan.because_if_true(self.because[rid]) for rid, plan in self.rules.items()
        }
        #: per operand key, the rules that read it (directly or through signals)
        readers: dict[str, list[str]] = {}
        for rule_id, reads in ruleset.rule_operands.items():
            for key in reads:
                readers.setdefault(key, []).append(rule_id)
        self._readers = readers

    def lacking(self, values: Mapping[str, Value]) -> set[str]:
        """The rules that read a value the profile lacks: the only ones, besides those that
        fired, that the values present cannot have decided false."""
        found: set[str] = set()
        for key, rules in self._readers.items():
            if key not in values:
                found.update(rules)
        return found


def _compile(condition: Condition, leaves: list[_Leaf]) -> Node:
    if isinstance(condition, AllOf | AnyOf):
        kind = "all" if isinstance(condition, AllOf) else "any"
        return (kind, tuple(_compile(item, leaves) for item in condition.items))
    if isinstance(condition, Not):
        return ("not", _compile(condition.item, leaves))
    leaves.append(_leaf(condition))
    return ("leaf", len(leaves) - 1)


def _leaf(atom: Atom | SignalRef) -> _Leaf:
    if isinstance(atom, SignalRef):
        return _Leaf(atom.text, None, atom.signal, None, None, None, None)
    key = atom.operand.key
    if isinstance(atom, Comparison):
        compare, right = _COMPARE[atom.op], atom.value
        kind = None
        if isinstance(right, int | float) and not isinstance(right, bool):
            kind = (
                "above" if atom.op in (">", ">=") else "below" if atom.op in ("<", "<=") else None
            )
        low = float(right) if kind else 0.0
        return _Leaf(atom.text, key, None, atom.op, right, lambda v: compare(v, right), kind, low)
    if isinstance(atom, Between):
        low, high = atom.low, atom.high
        return _Leaf(
            atom.text,
            key,
            None,
            "between",
            [low, high],
            lambda v: low <= v <= high,  # type: ignore[operator]
            "between",
            low,
            high,
        )
    if isinstance(atom, Membership):
        members = atom.values
        return _Leaf(atom.text, key, None, "in", list(members), lambda v: v in members, None)
    return _Leaf(atom.text, key, None, None, None, lambda v: v is True, None)


def _generate(
    tree: Node, leaves: tuple[_Leaf, ...], *, with_atoms: bool, because: Because | None = None
) -> Callable[..., Any]:
    """The condition's outcome as one straight-line Python function, compiled once.

    Evaluating it is most of the cost of explaining a rule, once per fired rule per profile:
    generated code does in one call what a walk of the tree with a closure per atom did in
    dozens. With `with_atoms` it returns an `Outcome`, else the condition's outcome alone;
    with `because`, that text filled (`Because.render`) if the condition holds, else None.
    Each atom's test is written inline (`x >= c0`); constants are bound by name, never
    written as literals, so a threshold keeps its exact value. `tests/test_explainer.py` checks
    it against the reference evaluator.

    The code depends only on the condition's shape (its tree and operators), so it is compiled
    once per shape and each condition binds its own keys and thresholds (`_factory`):
    compiling is what costs, and a rule set has far fewer shapes than conditions.
    """
    bound: dict[str, Any] = {}
    lines = ["def outcome(v, s, filled, ind):" if because else "def outcome(v, s):"]
    for index, leaf in enumerate(leaves):
        lines += [f"    {line}" for line in _leaf_code(index, leaf, bound)]
    counter = iter(range(len(leaves), 10**9))

    def node(item: Node) -> str:
        """Writes the lines computing `item`; returns the name holding its outcome."""
        kind = item[0]
        if kind == "leaf":
            return f"h{item[1]}"
        name = f"n{next(counter)}"
        if kind == "not":
            inner = node(item[1])
            lines.append(f"    {name} = None if {inner} is None else not {inner}")
            return name
        parts = [node(child) for child in item[1]]
        decisive, other = ("True", "False") if kind == "any" else ("False", "True")
        settled = " or ".join(f"{p} is {decisive}" for p in parts)
        unknown = " or ".join(f"{p} is None" for p in parts)
        lines.append(f"    {name} = {decisive} if {settled} else (None if {unknown} else {other})")
        return name

    top = node(tree)
    holds = "".join(f"h{i}, " for i in range(len(leaves)))
    if because is not None:
        lines += [f"    if {top} is not True:", "        return None"]
        lines += [f"    {line}" for line in because.code(bound)]
    else:
        lines.append(f"    return Outcome({top}, ({holds}))" if with_atoms else f"    return {top}")
    names = tuple(bound)
    return _factory("\n".join(lines), names)(*(bound[name] for name in names))  # type: ignore[no-any-return]


@functools.cache
def _factory(function: str, names: tuple[str, ...]) -> Callable[..., Any]:
    """`make(*constants)`: the function of this source with its names bound, compiled once."""
    body = "\n".join(f"    {line}" for line in function.splitlines())
    source = f"def make({', '.join(names)}):\n{body}\n    return outcome"
    namespace: dict[str, Any] = {"Outcome": Outcome}
    exec(compile(source, "<condition plan>", "exec"), namespace)
    return namespace["make"]  # type: ignore[no-any-return]


def _leaf_code(index: int, leaf: _Leaf, bound: dict[str, Any]) -> list[str]:
    """The lines setting `h<index>` to the atom's outcome: None when its value is missing."""
    bound[f"k{index}"] = leaf.signal if leaf.signal is not None else leaf.key
    if leaf.signal is not None:
        return [f"h{index} = s.get(k{index})"]
    if leaf.operator in _COMPARE:
        bound[f"c{index}"] = leaf.threshold
        test = f"x {leaf.operator} c{index}"
    elif leaf.operator == "between":
        bound[f"lo{index}"], bound[f"hi{index}"] = leaf.low, leaf.high
        test = f"lo{index} <= x <= hi{index}"
    elif leaf.operator == "in":
        bound[f"c{index}"] = tuple(leaf.threshold)
        test = f"x in c{index}"
    else:
        test = "x is True"
    return [f"x = v.get(k{index})", f"h{index} = None if x is None else {test}"]


def _truth(node: Node, holds: tuple[Truth3, ...]) -> Truth3:
    kind = node[0]
    if kind == "leaf":
        return holds[node[1]]
    if kind == "not":
        inner = _truth(node[1], holds)
        return None if inner is None else not inner
    decisive = kind == "any"  # any: one True decides; all: one False decides
    result: Truth3 = not decisive
    for child in node[1]:
        outcome = _truth(child, holds)
        if outcome is decisive:
            return decisive
        if outcome is None:
            result = None
    return result


def _deciding(
    node: Node,
    holds: tuple[Truth3, ...],
    leaves: tuple[_Leaf, ...],
    signal_missing: Callable[[str], set[str]],
    found: set[str],
) -> None:
    """Collect what an undetermined node needs (the caller checked it is undetermined)."""
    kind = node[0]
    if kind == "leaf":
        leaf = leaves[node[1]]
        if leaf.signal is not None:
            found |= signal_missing(leaf.signal)
        else:
            found.add(leaf.key)  # type: ignore[arg-type]
        return
    children = (node[1],) if kind == "not" else node[1]
    for child in children:
        if _truth(child, holds) is None:  # a decided branch cannot change the outcome
            _deciding(child, holds, leaves, signal_missing, found)
