"""Load a rule directory and check it whole: every problem in one pass, each located.

Stages, each collecting problems rather than stopping at the first:

1. YAML (loader.py): syntax, aliases, duplicate keys.
2. Shape: top-level sections and each entry against its pydantic model.
3. Identity: ids unique across all files.
4. Conditions: parsed with positions; every indicator, signal and function
   known, values of the right type and inside the indicator's range.
5. Signals: no cycles; ordered so each comes after the signals it uses.
6. Actions: every measure known; `because` placeholders name what the rule reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from advisor.errors import Location, Problem
from advisor.hints import did_you_mean
from advisor.language.expressions import (
    AllOf,
    AnyOf,
    Between,
    Comparison,
    Condition,
    Membership,
    Not,
    Operand,
    SignalRef,
    Truth,
    atoms,
    signal_refs,
)
from advisor.language.loader import JsonPath, SourceDocument
from advisor.language.models import (
    IndicatorSpec,
    IndicatorType,
    MeasureSpec,
    Recommend,
    RuleSpec,
    Safeguard,
    SignalSpec,
    Withhold,
)
from advisor.language.parser import ExpressionError, parse_expression
from advisor.language.ruleset import Rule, RuleSet, Signal
from advisor.language.templates import PLACEHOLDER

__all__ = ["SECTIONS", "RuleFileChecker"]

SECTIONS: dict[str, type[BaseModel]] = {
    "indicators": IndicatorSpec,
    "measures": MeasureSpec,
    "signals": SignalSpec,
    "rules": RuleSpec,
}
_KIND = {"indicators": "indicator", "measures": "measure", "signals": "signal", "rules": "rule"}


@dataclass
class _Entry:
    spec: Any
    doc: SourceDocument
    path: JsonPath

    @property
    def location(self) -> Location:
        return self.doc.locate(self.path)


@dataclass
class RuleFileChecker:
    problems: list[Problem] = field(default_factory=list)
    entries: dict[str, dict[str, _Entry]] = field(
        default_factory=lambda: {section: {} for section in SECTIONS}
    )
    orphan_conditions: list[tuple[SourceDocument, JsonPath, Any]] = field(default_factory=list)
    orphan_measures: list[tuple[SourceDocument, JsonPath, str]] = field(default_factory=list)

    def report(
        self, where: Location, message: str, code: str, suggestion: str | None = None
    ) -> None:
        self.problems.append(Problem(where, message, code, suggestion))

    # -- stage 2 and 3: shape and identity
    def add_document(self, doc: SourceDocument) -> None:
        self.problems.extend(doc.problems)
        data = doc.data
        if data is None:
            return
        if not isinstance(data, dict):
            self.report(
                doc.locate(()),
                "a rule file is a mapping of sections",
                "shape",
                "start with one of: " + ", ".join(SECTIONS),
            )
            return
        for section, items in data.items():
            if section not in SECTIONS:
                self.report(
                    doc.locate((section,), key=True),
                    f'unknown section "{section}"',
                    "unknown-section",
                    did_you_mean(section, SECTIONS) or "sections are " + ", ".join(SECTIONS),
                )
                continue
            if items is None:
                continue
            if not isinstance(items, list):
                self.report(
                    doc.locate((section,)),
                    f'"{section}" must be a list of entries',
                    "shape",
                    "start each entry with '- id: ...'",
                )
                continue
            for index, item in enumerate(items):
                self.add_entry(doc, section, index, item)

    def add_entry(self, doc: SourceDocument, section: str, index: int, item: Any) -> None:
        model = SECTIONS[section]
        path: JsonPath = (section, index)
        try:
            spec = model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                self.problems.append(_shape_problem(doc, path, model, error))
            # Still check its condition and the measures it names, so that one pass
            # reports everything.
            if isinstance(item, dict) and "when" in item:
                self.orphan_conditions.append((doc, (*path, "when"), item["when"]))
            if isinstance(item, dict) and section == "rules":
                self.orphan_measures += _named_measures(doc, path, item)
            return
        kind = _KIND[section]
        known = self.entries[section]
        if spec.id in known:  # type: ignore[attr-defined]
            first = known[spec.id].location  # type: ignore[attr-defined]
            self.report(
                doc.locate((*path, "id")),
                f'{kind} "{spec.id}" is defined twice',  # type: ignore[attr-defined]
                "duplicate-id",
                f"first defined at {first}",
            )
            return
        known[spec.id] = _Entry(spec, doc, path)  # type: ignore[attr-defined]

    # -- stages 4 to 6
    def finish(self) -> RuleSet | None:
        indicators = {k: e.spec for k, e in self.entries["indicators"].items()}
        measures = {k: e.spec for k, e in self.entries["measures"].items()}
        signal_ids = set(self.entries["signals"])
        conditions: dict[tuple[str, str], Condition] = {}
        for section in ("signals", "rules"):
            for item_id, entry in self.entries[section].items():
                condition = self.parse_condition(entry.spec.when, entry.doc, (*entry.path, "when"))
                if condition is not None and self.check_condition(
                    condition, indicators, signal_ids
                ):
                    conditions[(section, item_id)] = condition
        for doc, path, raw in self.orphan_conditions:
            orphan = self.parse_condition(raw, doc, path)
            if orphan is not None:
                self.check_condition(orphan, indicators, signal_ids)
        for doc, path, measure in self.orphan_measures:
            if measure not in measures:
                self.report(
                    doc.locate(path),
                    f'unknown measure "{measure}"',
                    "unknown-measure",
                    did_you_mean(measure, measures),
                )
        order = self.signal_order(conditions)
        for rule_id, entry in self.entries["rules"].items():
            condition = conditions.get(("rules", rule_id))
            self.check_actions(entry, measures)
            if condition is not None:
                self.check_because(entry, _operand_keys(condition, conditions))
        if self.problems:
            return None
        signals = {
            sid: Signal(
                self.entries["signals"][sid].spec,
                conditions[("signals", sid)],
                self.entries["signals"][sid].location,
            )
            for sid in order
        }
        reads = _indicator_closure(signals)
        rules = {}
        for rule_id, entry in self.entries["rules"].items():
            condition = conditions[("rules", rule_id)]
            rules[rule_id] = Rule(
                entry.spec, condition, entry.location, frozenset(_reads(condition, reads))
            )
        locations = {
            (_KIND[section], item_id): entry.location
            for section, entries in self.entries.items()
            for item_id, entry in entries.items()
        }
        return RuleSet.build(indicators, measures, signals, rules, locations)

    def parse_condition(self, raw: Any, doc: SourceDocument, path: JsonPath) -> Condition | None:
        where = doc.locate(path)
        if isinstance(raw, str):
            try:
                return parse_expression(raw, where)
            except ExpressionError as exc:
                self.report(where.shifted(exc.offset), exc.message, "expression", exc.suggestion)
                return None
        if isinstance(raw, bool | int | float) or raw is None:
            self.report(
                where,
                "a condition must be text or all/any/not",
                "expression",
                "e.g. 'fsi.total >= 90'",
            )
            return None
        if isinstance(raw, list):
            self.report(
                where,
                "a list of conditions needs 'all:' or 'any:' before it",
                "expression",
                "write 'all:' (every one holds) or 'any:' (at least one holds)",
            )
            return None
        if not isinstance(raw, dict) or len(raw) != 1:
            self.report(
                where, "a structured condition has exactly one of all, any, not", "expression"
            )
            return None
        ((word, body),) = raw.items()
        inner = (*path, word)
        if word == "not":
            item = self.parse_condition(body, doc, inner)
            return Not(item) if item is not None else None
        if word not in ("all", "any"):
            self.report(
                doc.locate(inner, key=True),
                f'unknown condition "{word}"',
                "expression",
                did_you_mean(word, ("all", "any", "not")) or "use all, any or not",
            )
            return None
        if not isinstance(body, list) or not body:
            self.report(doc.locate(inner), f'"{word}" needs a list of conditions', "expression")
            return None
        items = [self.parse_condition(item, doc, (*inner, i)) for i, item in enumerate(body)]
        if any(item is None for item in items):
            return None
        parts = tuple(item for item in items if item is not None)
        return AllOf(parts) if word == "all" else AnyOf(parts)

    def check_condition(
        self, condition: Condition, indicators: dict[str, IndicatorSpec], signals: set[str]
    ) -> bool:
        before = len(self.problems)
        for leaf in atoms(condition):
            if isinstance(leaf, SignalRef):
                if leaf.signal not in signals:
                    self.report(
                        leaf.at,
                        f'unknown signal "{leaf.signal}"',
                        "unknown-signal",
                        did_you_mean(leaf.signal, signals),
                    )
                continue
            spec = self.check_operand(leaf.operand, indicators)
            if spec is not None:
                self.check_values(leaf, spec)
        return len(self.problems) == before

    def check_operand(
        self, operand: Operand, indicators: dict[str, IndicatorSpec]
    ) -> IndicatorSpec | None:
        spec = indicators.get(operand.indicator)
        if spec is None:
            self.report(
                operand.at,
                f'unknown indicator "{operand.indicator}"',
                "unknown-indicator",
                did_you_mean(operand.indicator, indicators),
            )
            return None
        series = spec.type is IndicatorType.SERIES
        if series and operand.function is None:
            self.report(
                operand.at,
                f'"{spec.id}" is a series by period',
                "series-needs-function",
                f"use latest({spec.id}) or change({spec.id})",
            )
            return None
        if operand.function is not None and not series:
            self.report(
                operand.at,
                f'{operand.function}() needs a series, and "{spec.id}" is a {spec.type.value}',
                "function-type",
                f"compare {spec.id} directly",
            )
            return None
        return spec

    def check_values(self, atom: Any, spec: IndicatorSpec) -> None:
        kind = spec.type
        name = atom.operand.key
        if isinstance(atom, Truth):
            if kind is not IndicatorType.BOOLEAN:
                self.report(
                    atom.at,
                    f'"{name}" is a {kind.value}, not true/false',
                    "value-type",
                    f"compare it, e.g. '{name} >= ...'",
                )
            return
        if kind is IndicatorType.BOOLEAN:
            values = [atom.value] if isinstance(atom, Comparison) else []
            if (
                not isinstance(atom, Comparison)
                or atom.op not in ("==", "!=")
                or not all(isinstance(v, bool) for v in values)
            ):
                self.report(
                    atom.at,
                    f'"{name}" is true or false',
                    "value-type",
                    f"write '{name}' or 'not {name}'",
                )
            return
        if kind is IndicatorType.CATEGORY:
            self.check_categories(atom, spec)
            return
        # number, integer, or a function of a series
        if isinstance(atom, Membership):
            self.report(
                atom.at,
                f'"{name}" is a number; "in [...]" is for categories',
                "value-type",
                "use 'between LOW and HIGH'",
            )
            return
        bounds = (atom.low, atom.high) if isinstance(atom, Between) else (atom.value,)
        for value in bounds:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.report(atom.at, f'"{name}" is a number, and {value!r} is not', "value-type")
                return
        if spec.range is not None and atom.operand.function != "change":
            low, high = spec.range
            for value in bounds:
                if not low <= value <= high:
                    self.report(
                        atom.at,
                        f"threshold {value:g} is outside the range of "
                        f'"{spec.id}" ({low:g} to {high:g})',
                        "out-of-range",
                        "check the indicator's scale in the catalogue",
                    )

    def check_categories(self, atom: Any, spec: IndicatorSpec) -> None:
        name = spec.id
        allowed = spec.categories or ()
        if isinstance(atom, Between) or (
            isinstance(atom, Comparison) and atom.op not in ("==", "!=")
        ):
            self.report(
                atom.at, f'"{name}" is a category; compare it with == or "in [...]"', "value-type"
            )
            return
        values = atom.values if isinstance(atom, Membership) else (atom.value,)
        for value in values:
            if value not in allowed:
                hint = did_you_mean(str(value), allowed) or "categories are " + ", ".join(allowed)
                self.report(
                    atom.at, f'"{value}" is not a category of "{name}"', "unknown-category", hint
                )

    def signal_order(self, conditions: dict[tuple[str, str], Condition]) -> list[str]:
        """Signals ordered so each follows the ones it uses; cycles are reported."""
        uses = {
            sid: sorted({ref.signal for ref in signal_refs(conditions[("signals", sid)])})
            for sid in self.entries["signals"]
            if ("signals", sid) in conditions
        }
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done

        def visit(sid: str, trail: list[str]) -> None:
            if state.get(sid) == 2 or sid not in uses:
                return
            if state.get(sid) == 1:
                cycle = [*trail[trail.index(sid) :], sid]
                entry = self.entries["signals"][sid]
                self.report(
                    entry.location,
                    "signals depend on each other in a cycle: " + " -> ".join(cycle),
                    "signal-cycle",
                    "one of them must not refer back to the others",
                )
                return
            state[sid] = 1
            for used in uses[sid]:
                visit(used, [*trail, sid])
            state[sid] = 2
            order.append(sid)

        for sid in sorted(uses):
            visit(sid, [])
        return order

    def check_actions(self, entry: _Entry, measures: dict[str, MeasureSpec]) -> None:
        spec: RuleSpec = entry.spec
        groups: list[tuple[str, Sequence[Recommend | Withhold | Safeguard]]] = [
            ("recommend", spec.recommend),
            ("withhold", spec.withhold),
            ("safeguard", spec.safeguard),
        ]
        for kind, actions in groups:
            seen: set[str] = set()
            for index, action in enumerate(actions):
                where = entry.doc.locate((*entry.path, kind, index, "measure"))
                if action.measure not in measures:
                    self.report(
                        where,
                        f'unknown measure "{action.measure}"',
                        "unknown-measure",
                        did_you_mean(action.measure, measures),
                    )
                elif action.measure in seen:
                    self.report(
                        where,
                        f'measure "{action.measure}" is listed twice under {kind}',
                        "duplicate-action",
                    )
                seen.add(action.measure)
        recommended = {a.measure for a in spec.recommend}
        for action in spec.withhold:
            if action.measure in recommended:
                where = entry.doc.locate((*entry.path, "withhold"))
                self.report(
                    where,
                    f'the rule both recommends and withholds "{action.measure}"',
                    "contradiction",
                )

    def check_because(self, entry: _Entry, readable: set[str]) -> None:
        """Placeholders in `because` must name a value the rule reads (itself or via signals)."""
        where = entry.doc.locate((*entry.path, "because"))
        for match in PLACEHOLDER.finditer(entry.spec.because):
            name = match.group(1).strip()
            if name not in readable:
                self.report(
                    where,
                    f'"{{{name}}}" in because is not read by this rule\'s condition',
                    "unknown-placeholder",
                    did_you_mean(name, readable) or "cite one of: " + ", ".join(sorted(readable))
                    if readable
                    else None,
                )


def _swallowed(entry: Any, field: str) -> str | None:
    """A hint when a missing field sits inside the text of another (indented too far)."""
    if isinstance(entry, dict):
        for key, value in entry.items():
            if isinstance(value, str) and re.search(rf"(^|\s){re.escape(field)}:\s", value):
                return (
                    f'the text of "{key}" contains "{field}:": is that line indented too far, '
                    "so that it became part of the text above it?"
                )
    return None


def _named_measures(
    doc: SourceDocument, path: JsonPath, item: dict[str, Any]
) -> list[tuple[SourceDocument, JsonPath, str]]:
    """The measures a rule entry names under recommend, withhold and safeguard."""
    named = []
    for kind in ("recommend", "withhold", "safeguard"):
        actions = item.get(kind)
        if isinstance(actions, list):
            for index, action in enumerate(actions):
                if isinstance(action, dict) and isinstance(action.get("measure"), str):
                    named.append((doc, (*path, kind, index, "measure"), action["measure"]))
    return named


def _shape_problem(
    doc: SourceDocument, path: JsonPath, model: type[BaseModel], error: Any
) -> Problem:
    loc: Sequence[str | int] = tuple(error["loc"])
    kind = error["type"]
    field_name = ".".join(str(p) for p in loc)
    if kind == "extra_forbidden":
        where = doc.locate((*path, *loc), key=True)
        fields = list(model.model_fields)
        return Problem(
            where,
            f'unknown field "{loc[-1]}"',
            "unknown-field",
            did_you_mean(str(loc[-1]), fields) or "fields are " + ", ".join(fields),
        )
    if kind == "missing":
        return Problem(
            doc.locate((*path, *loc)),
            f'missing field "{field_name}"',
            "missing-field",
            _swallowed(error.get("input"), str(loc[-1])),
        )
    where = doc.locate((*path, *loc))
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    hint = None
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        words = re.findall(r"'([^']+)'", expected)
        hint = did_you_mean(str(error.get("input")), words)
    if kind == "string_pattern_mismatch":
        message = f"{error.get('input')!r} is not a valid id"
        hint = (
            "use lowercase source.name, e.g. fsi.total"
            if "indicator" in field_name or model is IndicatorSpec
            else "use lowercase words joined by '-', e.g. border-training"
        )
    text = f"{field_name}: {message}" if field_name else message
    return Problem(where, text, kind if kind in ("enum",) else "invalid", hint)


def _operand_keys(
    condition: Condition, conditions: dict[tuple[str, str], Condition], depth: int = 0
) -> set[str]:
    """The operand keys a condition reads, directly or through the signals it refers to."""
    keys: set[str] = set()
    for leaf in atoms(condition):
        if isinstance(leaf, SignalRef):
            used = conditions.get(("signals", leaf.signal))
            if used is not None and depth < 64:  # depth guards against signal cycles
                keys |= _operand_keys(used, conditions, depth + 1)
        else:
            keys.add(leaf.operand.key)
    return keys


def _indicator_closure(signals: dict[str, Signal]) -> dict[str, set[str]]:
    """For each signal, every indicator it reads directly or through other signals."""
    reads: dict[str, set[str]] = {}
    for sid, signal in signals.items():  # dependency order: used signals come first
        reads[sid] = _reads(signal.condition, reads)
    return reads


def _reads(condition: Condition, signal_reads: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for leaf in atoms(condition):
        if isinstance(leaf, SignalRef):
            found |= signal_reads.get(leaf.signal, set())
        else:
            found.add(leaf.operand.indicator)
    return found
