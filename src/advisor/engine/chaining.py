"""Which compiled signal conditions each rule needs beside it, so chaining stays in one ruleset.

A signal's outcome reaches the rules that read it as a fact asserted inside
the engine, so a rule and every signal it reads (through other signals too)
must share a ruleset. A signal referred to under `not` needs its false
condition compiled as well (`formulas` explains why).
"""

from __future__ import annotations

from typing import TypeAlias

from advisor.language.expressions import AllOf, AnyOf, Condition, Not, SignalRef, signal_refs
from advisor.language.ruleset import RuleSet

__all__ = ["Key", "negated_signals", "signal_needs"]

#: a compiled condition: ("rule", id) or ("signal", "id:holds")
Key: TypeAlias = tuple[str, str]


def negated_signals(ruleset: RuleSet) -> set[str]:
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


def signal_needs(ruleset: RuleSet, negated: set[str]) -> dict[Key, list[Key]]:
    """For each rule and signal, the compiled signal conditions it needs in its ruleset."""
    own: dict[str, list[Key]] = {}
    needs: dict[Key, list[Key]] = {}
    for sid, signal in ruleset.signals.items():  # dependency order
        own[sid] = [("signal", f"{sid}:True")] + (
            [("signal", f"{sid}:False")] if sid in negated else []
        )
        closure: list[Key] = []
        for ref in signal_refs(signal.condition):
            closure = _union(closure, needs[("signal", ref.signal)])
        needs[("signal", sid)] = _union(closure, own[sid])
    for rule_id, rule in ruleset.rules.items():
        closure = []
        for ref in signal_refs(rule.condition):
            closure = _union(closure, needs[("signal", ref.signal)])
        needs[("rule", rule_id)] = closure
    return needs


def _union(left: list[Key], right: list[Key]) -> list[Key]:
    seen = set(left)
    return left + [key for key in right if key not in seen and not seen.add(key)]  # type: ignore[func-returns-value]
