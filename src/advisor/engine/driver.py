"""The only module that touches durable_rules.

It drives the C extension (`durable_rules_engine`) directly rather than
through `durable.lang` / `durable.engine`: no `Host`, so no timer threads that
run actions in the background; no JSON round trip of the session state per
fired action; no closure objects. What the advisor needs from each firing is
the rule's name, read from the start of the message.

Safety rules kept here (docs/durable-rules.md explains each):

* One process-wide lock around every native call sequence. The C core never
  releases the GIL and has no lock of its own, so this costs no throughput
  and makes interleaved sessions impossible.
* One session id ("0") per ruleset, kept for the engine's life: each
  evaluation retracts every fact it asserted, which leaves the session as it
  was and costs far less than creating one (the core allocates frame pools
  for every beta node). After any error the session is deleted and the next
  evaluation starts a fresh one. With one sid there are never more live
  sessions than the core allows (1,024) and no two sids can collide in its
  32-bit hash.
* Rulesets are deleted when their engine is closed or collected, but never by
  waiting for the lock: the garbage collector can run a finalizer inside
  `run()`, in the thread that holds it. Handles that cannot be deleted at once
  are queued and deleted by the next call that holds the lock.
* Facts carry unique ids and values the core parses the way Python compares
  them (numbers never in exponent notation; types checked in profile.py).
* Every result code is checked; anything unexpected is an `EngineError`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import weakref
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import durable_rules_engine as _native

from advisor.engine.plan import (
    SENTINEL,
    CompiledRuleset,
    FactGroup,
    engine_number,
    fnv1a_32,
)
from advisor.errors import EngineError
from advisor.language.expressions import Value

__all__ = ["Firing", "NativeEngine"]

_LOCK = threading.Lock()
_NAMES = itertools.count()
_SID = "0"
_OK, _NOT_HANDLED, _OBSERVED, _DEFERRED = 0, 1, 2, 3


@dataclass(frozen=True)
class Firing:
    """What fired in one evaluation: signals that held or failed, and rules."""

    signals_true: frozenset[str]
    signals_false: frozenset[str]
    rules: frozenset[str]


class NativeEngine:
    """A compiled plan loaded into the C core; evaluations are isolated and thread-safe."""

    def __init__(self, rulesets: Iterable[CompiledRuleset], signal_numbers: Mapping[str, int]):
        self._rulesets = tuple(rulesets)
        self._signal_numbers = dict(signal_numbers)
        # The core tells facts apart by a 32-bit hash of their id: make sure ours differ.
        groups = {group.tag for compiled in self._rulesets for group in compiled.groups}
        fact_ids = [*groups] + [f"s{n}{v}" for n in self._signal_numbers.values() for v in (0, 1)]
        if len({fnv1a_32(i) for i in fact_ids}) != len(fact_ids):
            raise EngineError("fact ids collide in durable_rules' hash")
        self._drained = tuple(_Drained(c, self._signal_numbers) for c in self._rulesets)
        self._attributes = _attribute_prefixes(self._rulesets)
        handles: list[int] = []
        try:
            with _LOCK:
                _delete_queued()
                for compiled in self._rulesets:
                    name = f"advisor{next(_NAMES)}"
                    handles.append(_native.create_ruleset(name, compiled.definition))
        except Exception as exc:
            _delete(handles)
            raise EngineError(f"the engine refused a compiled ruleset: {exc}") from exc
        self._handles = tuple(handles)
        # Free the C memory when the engine is dropped (a reload builds a new one).
        self._finalizer = weakref.finalize(self, _delete, handles)

    def close(self) -> None:
        self._finalizer()

    def run(self, values: Mapping[str, Value]) -> Firing:
        """Assert the profile's values and drain every action, in each ruleset."""
        fired = _Fired([], set(), set())
        pieces = _pieces(values, self._attributes)
        with _LOCK:
            _delete_queued()
            if not self._finalizer.alive:
                raise EngineError("the engine was closed")
            for handle, drained in zip(self._handles, self._drained, strict=True):
                self._session(handle, drained, pieces, fired)
        return Firing(frozenset(fired.true), frozenset(fired.false), frozenset(fired.rules))

    def _session(
        self, handle: int, drained: _Drained, pieces: Mapping[str, str], fired: _Fired
    ) -> None:
        asserted: list[str] = []  # retractions of the facts asserted
        clean = False
        meanings = drained.meanings
        next_action = _native.complete_and_start_action
        try:
            state, result = self._assert_profile(handle, drained, pieces, asserted)
            rules = fired.rules
            while result is not None:
                # What the advisor needs of a firing is its name: `{"<name>":{...}}`.
                name = result[2 : result.index('"', 2)]
                meaning = meanings.get(name)
                if meaning.__class__ is str:
                    rules.append(meaning)
                elif meaning is not None:
                    self._signalled(handle, meaning, asserted, fired)  # type: ignore[arg-type]
                elif name != SENTINEL:
                    raise EngineError(f"the engine fired an unknown action {name!r}")
                result = next_action(handle, state)
            # Retracting what was asserted leaves the session as it was, and is far
            # cheaper than a new session: the core allocates frame pools for every
            # beta node of the ruleset when it creates one. The core finds a fact to
            # retract by its id alone, so only the id is sent (parsing is most of the cost).
            for retraction in asserted:
                _retract(handle, retraction)
            clean = True
            drained.fresh = False
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"durable_rules failed during evaluation: {exc}") from exc
        finally:
            if not clean:
                drained.fresh = True  # the next evaluation starts a new session
                try:
                    _native.delete_state(handle, _SID)
                except Exception as exc:
                    raise EngineError(f"durable_rules could not clear a session: {exc}") from exc

    @staticmethod
    def _assert_profile(
        handle: int, drained: _Drained, pieces: Mapping[str, str], asserted: list[str]
    ) -> tuple[int, str | None]:
        """Assert each group's fact; the session's state and the first firing's message."""
        sentinel, *groups = drained.groups
        if drained.fresh:
            # In a new session the first group's fact, which carries no values and
            # fires only the sentinel, goes first: starting that action initialises
            # the session's action context, which the core would otherwise free
            # uninitialised if a later step failed. Once started, the context stays
            # valid (or NULL) for the session's life: later evaluations skip it.
            state = _assert(handle, sentinel.fact(pieces))
            asserted.append(sentinel.retraction)
            result = _native.start_action_for_state(handle, state)
            if result is None:
                raise EngineError("the sentinel rule did not fire")
        for group in groups:
            state = _assert(handle, group.fact(pieces))
            asserted.append(group.retraction)
        if not drained.fresh:
            result = _native.start_action_for_state(handle, state)
        if result is not None and not isinstance(result, str):
            result = result[1]
        return state, result

    @staticmethod
    def _signalled(handle: int, signal: _Signal, asserted: list[str], fired: _Fired) -> None:
        """Record a signal's outcome and assert its fact, once, for the rules that join on it."""
        (fired.true if signal.holds else fired.false).add(signal.target)
        if signal.retraction not in asserted:
            asserted.append(signal.retraction)
            _assert(handle, signal.fact)


@dataclass(frozen=True)
class _Fired:
    """What fired so far in one evaluation, over every ruleset."""

    rules: list[str]  # each rule fires once: its action has one frame per evaluation
    true: set[str]
    false: set[str]


@dataclass(frozen=True)
class _Signal:
    """A signal action: the outcome it records and the signal fact it asserts."""

    target: str
    holds: bool
    fact: str
    retraction: str


class _Group:
    """One group's profile fact: its header prepared once, each value's text from `_pieces`."""

    def __init__(self, group: FactGroup) -> None:
        self.tag = group.tag
        self.retraction = _retraction(group.tag)
        self._head = f'{{"sid":"{_SID}","id":"{group.tag}","t":"{group.tag}"'
        self._keys = tuple(key for key, _ in group.slots)

    def fact(self, pieces: Mapping[str, str]) -> str:
        try:
            return self._head + "".join([pieces[key] for key in self._keys]) + "}"
        except KeyError:
            # A missing value is a missing attribute: no condition on it can match.
            return self._head + "".join([pieces[k] for k in self._keys if k in pieces]) + "}"


class _Drained:
    """A compiled ruleset as the drain loop reads it: each action name to what it means."""

    def __init__(self, compiled: CompiledRuleset, signal_numbers: Mapping[str, int]) -> None:
        self.groups = tuple(_Group(group) for group in compiled.groups)
        if len(self.groups) < 2:
            raise EngineError("a compiled ruleset without a group of values")
        #: no evaluation has yet completed in this ruleset's session (see `_session`)
        self.fresh = True
        #: action name -> the rule id it fires (a str) or the signal outcome it records
        self.meanings: dict[str, str | _Signal] = {}
        for name, action in compiled.actions.items():
            if action.kind == "rule":
                self.meanings[name] = action.target
            else:
                number = signal_numbers[action.target]
                fact_id = f"s{number}{int(action.holds)}"
                fact = _signal_fact(fact_id, number, action.holds)
                self.meanings[name] = _Signal(
                    action.target, action.holds, fact, _retraction(fact_id)
                )


def _assert(handle: int, fact: str) -> int:
    code, state = _native.assert_fact(handle, fact)
    if code in (_OK, _NOT_HANDLED):
        return int(state)
    raise EngineError(f"durable_rules answered {code} to a fact: {fact}")


def _retract(handle: int, fact: str) -> None:
    code, _ = _native.retract_fact(handle, fact)
    if code not in (_OK, _NOT_HANDLED):
        raise EngineError(f"durable_rules answered {code} to a retraction: {fact}")


def _pieces(values: Mapping[str, Value], attributes: Mapping[str, str]) -> dict[str, str]:
    """Each value read by some rule as its fact text, `,"<attribute>":<JSON>`, written once per
    profile (an operand has one attribute name in every group). Numbers are written the way
    the C parser reads them like Python compares them."""
    pieces: dict[str, str] = {}
    for key, value in values.items():
        prefix = attributes.get(key)
        if prefix is None:
            continue  # no rule reads it
        if value.__class__ is float:
            text = repr(value)  # what engine_number writes, unless in exponent notation
            pieces[key] = prefix + (engine_number(value) if "e" in text else text)
        elif value.__class__ is int:
            pieces[key] = prefix + engine_number(value)
        elif isinstance(value, bool):
            pieces[key] = prefix + ("true" if value else "false")
        elif isinstance(value, int | float):
            pieces[key] = prefix + engine_number(value)
        else:
            pieces[key] = prefix + json.dumps(value)
    return pieces


def _attribute_prefixes(rulesets: Iterable[CompiledRuleset]) -> dict[str, str]:
    """Each operand key's attribute, `,"<name>":`; compiling gives a key one name everywhere."""
    prefixes: dict[str, str] = {}
    for compiled in rulesets:
        for group in compiled.groups:
            for key, attribute in group.slots:
                if prefixes.setdefault(key, f',"{attribute}":') != f',"{attribute}":':
                    raise EngineError(f"the operand {key!r} has two attribute names")
    return prefixes


def _retraction(fact_id: str) -> str:
    """What `retract_fact` needs: the core finds the fact by its sid and id alone."""
    return f'{{"sid":"{_SID}","id":"{fact_id}"}}'


def _signal_fact(fact_id: str, number: int, holds: bool) -> str:
    return (
        f'{{"sid":"{_SID}","id":"{fact_id}","t":"s","n":{number},'
        f'"v":{"true" if holds else "false"}}}'
    )


#: ruleset handles whose engine went away while the lock was held (deque: atomic appends)
_QUEUED: deque[int] = deque()


def _delete(handles: list[int]) -> None:
    """Delete rulesets now if the lock is free, else leave them to the next holder of it."""
    while handles:
        _QUEUED.append(handles.pop())
    if _LOCK.acquire(blocking=False):
        try:
            _delete_queued()
        finally:
            _LOCK.release()


def _delete_queued() -> None:
    """Delete queued rulesets; the caller holds `_LOCK`."""
    while _QUEUED:
        handle = _QUEUED.popleft()
        with contextlib.suppress(Exception):
            _native.delete_ruleset(handle)
