"""The validated rule set: an immutable value built once by `files.load_ruleset`.

It also says what each condition reads through the signals it names
(`reads_through_signals`), the one place that follows signals to the values
underneath: validation asks it before the rule set exists (which placeholders
a `because` may cite), `RuleSet.build` to resolve each rule's indicators.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
from advisor.language.models import IndicatorSpec, MeasureSpec, RuleSpec, SignalSpec, SourceSpec

__all__ = ["Reads", "Rule", "RuleSet", "Signal", "reads_of", "reads_through_signals"]


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
    #: every indicator the rule reads, directly or through signals (set by `RuleSet.build`)
    indicators: frozenset[str] = frozenset()

    @cached_property
    def id(self) -> str:  # cached: read for every action of every fired rule
        return self.spec.id

    @cached_property
    def leaves(self) -> tuple[Atom | SignalRef, ...]:
        """The condition's atoms in reading order (explanations list each)."""
        return tuple(atoms(self.condition))


@dataclass(frozen=True)
class RuleSet:
    """Catalogues, signals (in dependency order), rules and sources, as loaded and checked."""

    indicators: Mapping[str, IndicatorSpec]
    measures: Mapping[str, MeasureSpec]
    signals: Mapping[str, Signal]
    rules: Mapping[str, Rule]
    #: where each catalogue entry is defined, keyed by (kind, id)
    locations: Mapping[tuple[str, str], Location] = field(default_factory=dict)
    content_hash: str = ""
    #: per rule, what it reads directly or through signals
    rule_reads: Mapping[str, Reads] = field(default_factory=dict)
    #: the source documents rules cite by section; empty when the rule set declares none
    sources: Mapping[str, SourceSpec] = field(default_factory=dict)

    @staticmethod
    def build(
        indicators: dict[str, IndicatorSpec],
        measures: dict[str, MeasureSpec],
        signals: dict[str, Signal],
        rules: dict[str, Rule],
        locations: dict[tuple[str, str], Location],
        sources: Mapping[str, SourceSpec] | None = None,
    ) -> RuleSet:
        """Freeze the parts, resolve what each rule reads, stamp them with their content hash."""
        through = reads_through_signals({sid: signal.leaves for sid, signal in signals.items()})
        reads = {rule_id: reads_of(rule.leaves, through) for rule_id, rule in sorted(rules.items())}
        resolved = {
            rule_id: replace(rule, indicators=reads[rule_id].indicators)
            for rule_id, rule in rules.items()
        }
        return RuleSet(
            MappingProxyType(dict(sorted(indicators.items()))),
            MappingProxyType(dict(sorted(measures.items()))),
            MappingProxyType(signals),
            MappingProxyType(dict(sorted(resolved.items()))),
            MappingProxyType(locations),
            _content_hash(indicators, measures, signals, rules, sources or {}),
            MappingProxyType(reads),
            MappingProxyType(dict(sorted((sources or {}).items()))),
        )

    @cached_property
    def aliases(self) -> Mapping[str, str]:
        """Each alias of the catalogue's indicators -> the indicator's id."""
        return MappingProxyType(
            {alias: spec.id for spec in self.indicators.values() for alias in spec.aliases}
        )

    @cached_property
    def section_sources(self) -> Mapping[str, str]:
        """Each declared section title -> the id of the source document it belongs to."""
        return MappingProxyType(
            {title: sid for sid, source in self.sources.items() for title in source.sections}
        )

    @cached_property
    def rule_operands(self) -> Mapping[str, Mapping[str, str]]:
        """Per rule, every value it reads (directly or through signals): operand key -> indicator.

        A rule whose values are all present is settled by the engine alone; one
        missing any may be undetermined, and then those indicators are its gaps.
        """
        return MappingProxyType({rule_id: r.operands for rule_id, r in self.rule_reads.items()})

    @cached_property
    def signals_read(self) -> Mapping[str, frozenset[str]]:
        """Per rule, every signal it reads, directly or through other signals."""
        return MappingProxyType({rule_id: r.signals for rule_id, r in self.rule_reads.items()})

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


@dataclass(frozen=True)
class Reads:
    """What a condition reads, directly or through the signals it names."""

    #: operand key -> indicator, in reading order
    operands: Mapping[str, str]
    signals: frozenset[str]

    @property
    def indicators(self) -> frozenset[str]:
        return frozenset(self.operands.values())


def reads_of(leaves: Iterable[Atom | SignalRef], through: Mapping[str, Reads]) -> Reads:
    """What a condition's leaves read; `through` holds what each signal reads.

    A signal missing from `through` (unknown, or its condition broken) adds
    only its own name.
    """
    operands: dict[str, str] = {}
    signals: set[str] = set()
    for leaf in leaves:
        if isinstance(leaf, SignalRef):
            used = through.get(leaf.signal)
            signals.add(leaf.signal)
            if used is not None:
                operands.update(used.operands)
                signals |= used.signals
        else:
            operands[leaf.operand.key] = leaf.operand.indicator
    return Reads(operands, frozenset(signals))


def reads_through_signals(signals: Mapping[str, Sequence[Atom | SignalRef]]) -> dict[str, Reads]:
    """Per signal (its condition's leaves given), what it reads directly or through other signals.

    Signals in dependency order are settled in one pass. Signals in a cycle
    (which validation reports) are passed over again until nothing changes,
    so that each reads the whole cycle.
    """
    reads: dict[str, Reads] = {}
    changed = True
    while changed:
        changed = False
        for signal_id, leaves in signals.items():
            found = reads_of(leaves, reads)
            if reads.get(signal_id) != found:
                reads[signal_id] = found
                changed = True
    return reads


def _content_hash(
    indicators: Mapping[str, IndicatorSpec],
    measures: Mapping[str, MeasureSpec],
    signals: Mapping[str, Signal],
    rules: Mapping[str, Rule],
    sources: Mapping[str, SourceSpec],
) -> str:
    """sha256 over the meaning of the rule set: comments, layout and file order do not count."""
    content = {
        "indicators": {k: v.model_dump(mode="json") for k, v in sorted(indicators.items())},
        "measures": {k: v.model_dump(mode="json") for k, v in sorted(measures.items())},
        "signals": {k: v.spec.model_dump(mode="json") for k, v in sorted(signals.items())},
        "rules": {k: v.spec.model_dump(mode="json") for k, v in sorted(rules.items())},
        "sources": {k: v.model_dump(mode="json") for k, v in sorted(sources.items())},
    }
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
