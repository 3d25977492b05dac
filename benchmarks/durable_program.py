"""The workload as a plain durable_rules program: `durable.lang`, one Python action per rule.

Written the way a careful user following docs/durable-rules.md would: a `Host`
whose background timers are off, every pattern starting with a discriminator
(`m.t == "p"`), per profile `assert_fact` then `delete_state` with a sid from
a small pool whose hashes are distinct.

Signals are one ruleset, chained inside the engine: a signal's action asserts
a fact that other signals join on. The rules are a second ruleset (or several
of `chunk` rules each when one ruleset cannot hold them): each profile first
asserts the facts of the signals that held, then the profile, and rules join
on signal facts, with `none(...)` for `not signal`. Signals must be settled
before the profile arrives because durable_rules does not withdraw an
activation already queued when a fact that `none` forbids arrives later
(checked: profile then signal fact fires the rule; signal fact then profile
does not).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from durable import engine, lang

from .workload import (
    Either,
    Rule,
    Signal,
    SignalUse,
    Threshold,
    Workload,
    indicator_key,
    signal_id,
)

__all__ = ["DurableProgram", "QuietHost"]

SID_POOL = 8
_NAMES = itertools.count()


class QuietHost(engine.Host):  # type: ignore[misc]
    """A Host without the timer threads that would run actions in the background."""

    def _run(self) -> None:
        pass


def _fnv1a_32(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value


def _sid_pool(size: int) -> list[str]:
    """Sids whose 32-bit hashes differ: the core tells sessions apart by hash alone."""
    pool: list[str] = []
    seen: set[int] = set()
    for candidate in (str(n) for n in itertools.count()):
        digest = _fnv1a_32(candidate)
        if digest not in seen:
            seen.add(digest)
            pool.append(candidate)
        if len(pool) == size:
            return pool
    raise AssertionError("unreachable")


class DurableProgram:
    """Build with `chunk=None` for one rules ruleset, else rulesets of at most `chunk` rules."""

    def __init__(self, workload: Workload, chunk: int | None = None) -> None:
        self.fired: list[str] = []
        self.held: list[str] = []
        definitions: dict[str, Any] = {}
        name, definition = self._define(workload.signals, [])
        definitions[name] = definition
        self.signals_ruleset = name
        #: each rules ruleset with the signals its rules refer to
        self.rule_rulesets: list[tuple[str, list[str]]] = []
        size = chunk or max(len(workload.rules), 1)
        for start in range(0, len(workload.rules), size):
            rules = workload.rules[start : start + size]
            name, definition = self._define((), rules)
            definitions[name] = definition
            used = sorted({signal_id(u.signal) for r in rules for u in _uses(r.parts)})
            self.rule_rulesets.append((name, used))
        self.host = QuietHost(definitions)
        self._sids = itertools.cycle(_sid_pool(SID_POOL))

    @property
    def rulesets(self) -> int:
        return 1 + len(self.rule_rulesets)

    def run(self, profile: Mapping[str, float]) -> list[str]:
        """The ids of the rules that fired, in firing order."""
        self.fired = []
        self.held = []
        sid = next(self._sids)
        self._assert(self.signals_ruleset, sid, [{"sid": sid, "id": "p", "t": "p", **profile}])
        held = set(self.held)
        for name, used in self.rule_rulesets:
            facts = [{"sid": sid, "id": s, "t": "s", "n": s} for s in used if s in held]
            facts.append({"sid": sid, "id": "p", "t": "p", **profile})
            self._assert(name, sid, facts)
        return self.fired

    def _assert(self, name: str, sid: str, facts: list[dict[str, Any]]) -> None:
        try:
            for fact in facts:
                # One at a time: a batch in which one fact matches nothing leaves its
                # actions to the background timers, which are off.
                with contextlib.suppress(engine.MessageNotHandledException):
                    self.host.assert_fact(name, fact)
        finally:
            self.host.delete_state(name, sid)

    def _define(self, signals: Iterable[Signal], rules: Iterable[Rule]) -> tuple[str, Any]:
        ruleset = lang.ruleset(f"bench{next(_NAMES)}")
        with ruleset:
            for signal in signals:
                lang.when_all(*_signal_patterns(signal))(self._signal_action(signal.id))
            for rule in rules:
                lang.when_all(*_rule_patterns(rule))(self._rule_action(rule.id))
        name, definition = ruleset.define()
        # durable.lang also queues the ruleset for its own global host; ours is separate.
        lang._rulesets.pop(name, None)
        return name, definition

    def _rule_action(self, rule_id: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            self.fired.append(rule_id)

        return action

    def _signal_action(self, signal: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            self.held.append(signal)
            # Other signals chain on this one inside the engine. An any-of signal whose
            # two tests both hold fires twice (so does a rule): the second fact is a duplicate.
            with contextlib.suppress(
                engine.MessageNotHandledException, engine.MessageObservedException
            ):
                c.assert_fact({"id": signal, "t": "s", "n": signal})

        return action


def _profile_pattern(parts: Iterable[Threshold | Either]) -> Any:
    pattern = lang.m.t == "p"
    for part in parts:
        pattern = pattern & _test(part)
    return pattern


def _test(part: Threshold | Either) -> Any:
    if isinstance(part, Either):
        tests = [_test(item) for item in part.items]
        result = tests[0]
        for test in tests[1:]:
            result = result | test
        return result
    value = getattr(lang.m, indicator_key(part.indicator))
    if part.op == ">=":
        return value >= part.value
    if part.op == ">":
        return value > part.value
    if part.op == "<":
        return value < part.value
    return value <= part.value


def _signal_fact(use: SignalUse) -> Any:
    return (lang.m.t == "s") & (lang.m.n == signal_id(use.signal))


def _signal_patterns(signal: Signal) -> list[Any]:
    """An any-of signal (thresholds only) is one `$or` test; an all-of one joins what it uses."""
    thresholds = [p for p in signal.parts if isinstance(p, Threshold)]
    if signal.any:
        return [_profile_pattern([Either(tuple(thresholds))])]
    return [_profile_pattern(thresholds), *(_signal_fact(u) for u in _uses(signal.parts))]


def _rule_patterns(rule: Rule) -> list[Any]:
    tests = [p for p in rule.parts if isinstance(p, Threshold | Either)]
    patterns: list[Any] = [_profile_pattern(tests)]
    for use in (p for p in rule.parts if isinstance(p, SignalUse)):
        patterns.append(_signal_fact(use) if use.holds else lang.none(_signal_fact(use)))
    return patterns


def _uses(parts: Iterable[object]) -> list[SignalUse]:
    return [p for p in parts if isinstance(p, SignalUse)]
