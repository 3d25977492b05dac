"""What compiling hands the driver: compiled rulesets; how the C core reads numbers and names.

The driver and `packing` must agree on these byte for byte: numbers are
written the way the core's JSON parser reads them, attribute names and fact
ids are keyed by the core's FNV-1a hash, and every ruleset starts with the
sentinel rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import EngineError
from advisor.language.expressions import EXACT_LIMIT_TEXT, exactly_comparable

__all__ = [
    "SENTINEL",
    "Action",
    "CompiledRuleset",
    "EnginePlan",
    "FactGroup",
    "engine_json",
    "engine_number",
    "fnv1a_32",
]

#: A rule in every ruleset that fires on the first group's fact (which carries
#: no values). The C core leaves a new session's action context uninitialised
#: and frees it in `delete_state` (state.c createStateNode / deleteStateNode): a
#: session in which no action ever started crashed with "free(): invalid
#: pointer". The driver asserts that fact and starts the sentinel first in every
#: new session, which initialises the context before anything else can fail;
#: from then on the core keeps it valid or NULL, so later evaluations skip it.
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
    """A whole rule set compiled: its rulesets, and the number each signal has in signal facts."""

    rulesets: tuple[CompiledRuleset, ...]
    #: signal id -> its number in signal facts
    signal_numbers: Mapping[str, int] = field(default_factory=dict)


def engine_number(value: float | int) -> str:
    """A number as the C parser reads it: never in exponent notation (error 204).

    A whole number past `EXACT_LIMIT` is an `EngineError`: the core would read it as
    2^63 - 1 or compare it with a decimal inexactly, and answer wrongly without a word.
    Validation keeps rules and profiles within it; a decimal of any size is exact.
    """
    if isinstance(value, int):
        if not exactly_comparable(value):
            raise EngineError(f"{value} is beyond ±{EXACT_LIMIT_TEXT}")
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(value, ".9f").rstrip("0")
        if text.endswith("."):
            text += "0"
    return text


def engine_json(value: Any) -> str:
    """JSON as the C parser reads it: numbers never in exponent notation."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{engine_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(engine_json(v) for v in value) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value)
    return engine_number(value)


def fnv1a_32(text: str) -> int:
    """The hash durable_rules keys attribute names, sids and fact ids by."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * 16777619) & 0xFFFFFFFF
    return value
