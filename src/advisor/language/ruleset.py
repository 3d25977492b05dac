"""The validated rule set: an immutable value built once by `checks.load_ruleset`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from advisor.errors import Location
from advisor.language.expressions import (
    Atom,
    Condition,
    Operand,
    SignalRef,
    Truth3,
    Value,
    atoms,
    truth,
)
from advisor.language.models import IndicatorSpec, MeasureSpec, RuleSpec, SignalSpec

__all__ = ["Rule", "RuleSet", "Signal"]


@dataclass(frozen=True)
class Signal:
    """A named derived condition, parsed."""

    spec: SignalSpec
    condition: Condition
    location: Location

    @property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def leaves(self) -> tuple[Atom | SignalRef, ...]:
        """The condition's atoms in reading order (explanations list each)."""
        return tuple(atoms(self.condition))


@dataclass(frozen=True)
class Rule:
    """A rule with its condition parsed and the indicators it depends on resolved."""

    spec: RuleSpec
    condition: Condition
    location: Location
    #: every indicator the rule reads, directly or through signals
    indicators: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def leaves(self) -> tuple[Atom | SignalRef, ...]:
        """The condition's atoms in reading order (explanations list each)."""
        return tuple(atoms(self.condition))


@dataclass(frozen=True)
class RuleSet:
    """Catalogues, signals (in dependency order) and rules, as loaded and checked."""

    indicators: Mapping[str, IndicatorSpec]
    measures: Mapping[str, MeasureSpec]
    signals: Mapping[str, Signal]
    rules: Mapping[str, Rule]
    #: where each catalogue entry is defined, keyed by (kind, id)
    locations: Mapping[tuple[str, str], Location] = field(default_factory=dict)
    content_hash: str = ""

    @staticmethod
    def build(
        indicators: dict[str, IndicatorSpec],
        measures: dict[str, MeasureSpec],
        signals: dict[str, Signal],
        rules: dict[str, Rule],
        locations: dict[tuple[str, str], Location],
    ) -> RuleSet:
        """Freeze the parts and stamp them with their content hash."""
        return RuleSet(
            MappingProxyType(dict(sorted(indicators.items()))),
            MappingProxyType(dict(sorted(measures.items()))),
            MappingProxyType(signals),
            MappingProxyType(dict(sorted(rules.items()))),
            MappingProxyType(locations),
            _content_hash(indicators, measures, signals, rules),
        )

    @cached_property
    def rule_operands(self) -> Mapping[str, Mapping[str, str]]:
        """Per rule, every value it reads (directly or through signals): operand key -> indicator.

        A rule whose values are all present is settled by the engine alone; one
        missing any may be undetermined, and then those indicators are its gaps.
        """
        by_signal: dict[str, dict[str, str]] = {}
        for signal_id, signal in self.signals.items():  # dependency order
            by_signal[signal_id] = _reads(signal.leaves, by_signal)
        return MappingProxyType(
            {rule_id: _reads(rule.leaves, by_signal) for rule_id, rule in self.rules.items()}
        )

    @cached_property
    def signals_read(self) -> Mapping[str, frozenset[str]]:
        """Per rule, every signal it reads, directly or through other signals."""
        through: dict[str, frozenset[str]] = {}
        for signal_id, signal in self.signals.items():  # dependency order
            through[signal_id] = _signals_of(signal.leaves, through)
        return MappingProxyType(
            {rule_id: _signals_of(rule.leaves, through) for rule_id, rule in self.rules.items()}
        )

    def signal_states(self, values: Mapping[str, Value]) -> dict[str, Truth3]:
        """Every signal by the reference (Python, three-valued) evaluator, in dependency order."""
        states: dict[str, Truth3] = {}
        for signal_id, signal in self.signals.items():
            states[signal_id] = truth(signal.condition, values, states)
        return states

    def operands(self) -> list[Operand]:
        """Every distinct operand that some signal or rule reads, sorted by key."""
        return list(self._operands)

    @cached_property
    def _operands(self) -> tuple[Operand, ...]:
        found: dict[str, Operand] = {}
        for condition in [s.condition for s in self.signals.values()] + [
            r.condition for r in self.rules.values()
        ]:
            for leaf in atoms(condition):
                operand = getattr(leaf, "operand", None)
                if operand is not None:
                    found.setdefault(operand.key, operand)
        return tuple(found[key] for key in sorted(found))


def _reads(
    leaves: tuple[Atom | SignalRef, ...], by_signal: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    reads: dict[str, str] = {}
    for leaf in leaves:
        if isinstance(leaf, SignalRef):
            reads.update(by_signal[leaf.signal])
        else:
            reads[leaf.operand.key] = leaf.operand.indicator
    return reads


def _signals_of(
    leaves: tuple[Atom | SignalRef, ...], through: Mapping[str, frozenset[str]]
) -> frozenset[str]:
    found: set[str] = set()
    for leaf in leaves:
        if isinstance(leaf, SignalRef):
            found |= {leaf.signal, *through[leaf.signal]}
    return frozenset(found)


def _content_hash(
    indicators: Mapping[str, IndicatorSpec],
    measures: Mapping[str, MeasureSpec],
    signals: Mapping[str, Signal],
    rules: Mapping[str, Rule],
) -> str:
    """sha256 over the meaning of the rule set: comments, layout and file order do not count."""
    content = {
        "indicators": {k: v.model_dump(mode="json") for k, v in sorted(indicators.items())},
        "measures": {k: v.model_dump(mode="json") for k, v in sorted(measures.items())},
        "signals": {k: v.spec.model_dump(mode="json") for k, v in sorted(signals.items())},
        "rules": {k: v.spec.model_dump(mode="json") for k, v in sorted(rules.items())},
    }
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
