"""The entry point of validation: rule files added one by one, then checked whole (`finish`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from advisor.errors import Problem, errors_among
from advisor.hints import did_you_mean
from advisor.language.expressions import Condition, atoms
from advisor.language.loader import JsonPath, SourceDocument
from advisor.language.models import IndicatorSpec, MeasureSpec
from advisor.language.ruleset import Rule, RuleSet, Signal, reads_of, reads_through_signals
from advisor.language.validation.actions import check_actions, check_because
from advisor.language.validation.aliases import check_aliases
from advisor.language.validation.conditions import parse_condition
from advisor.language.validation.operands import check_condition
from advisor.language.validation.shapes import (
    KIND,
    SECTIONS,
    Entry,
    named_measures,
    section_items,
    shape_problem,
)
from advisor.language.validation.signal_order import signal_order
from advisor.language.validation.sources import check_sources, declared_titles

__all__ = ["RuleFileChecker"]


@dataclass
class RuleFileChecker:
    """Collects every problem of a rule directory's files; `finish` builds the rule set."""

    problems: list[Problem] = field(default_factory=list)
    entries: dict[str, dict[str, Entry]] = field(
        default_factory=lambda: {section: {} for section in SECTIONS}
    )
    #: conditions and measures of entries without their model's shape, checked all the same
    orphan_conditions: list[tuple[SourceDocument, JsonPath, Any]] = field(default_factory=list)
    orphan_measures: list[tuple[SourceDocument, JsonPath, str]] = field(default_factory=list)
    #: whether any file has a `sources` section: then every rule's `source` must name one of
    #: their sections (those of source entries without their shape count, not to report twice)
    catalogued: bool = False
    orphan_sections: set[str] = field(default_factory=set)

    # -- stages 2 and 3: shape and identity
    def add_document(self, doc: SourceDocument) -> None:
        self.problems.extend(doc.problems)
        self.catalogued |= isinstance(doc.data, dict) and "sources" in doc.data
        for section, index, item in section_items(doc, self.problems):
            self.add_entry(doc, section, index, item)

    def add_entry(self, doc: SourceDocument, section: str, index: int, item: Any) -> None:
        model = SECTIONS[section]
        path: JsonPath = (section, index)
        try:
            spec = model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                self.problems.append(shape_problem(doc, path, model, error))
            # Still check its condition and the measures it names, so that one pass
            # reports everything.
            if isinstance(item, dict) and "when" in item:
                self.orphan_conditions.append((doc, (*path, "when"), item["when"]))
            if isinstance(item, dict) and section == "rules":
                self.orphan_measures += named_measures(doc, path, item)
            if section == "sources":
                self.orphan_sections |= declared_titles(item)
            return
        known = self.entries[section]
        if spec.id in known:  # type: ignore[attr-defined]
            first = known[spec.id].location  # type: ignore[attr-defined]
            self.problems.append(
                Problem(
                    doc.locate((*path, "id")),
                    f'{KIND[section]} "{spec.id}" is defined twice',  # type: ignore[attr-defined]
                    "duplicate-id",
                    f"first defined at {first}",
                )
            )
            return
        known[spec.id] = Entry(spec, doc, path)  # type: ignore[attr-defined]

    # -- stages 4 to 6
    def finish(self) -> RuleSet | None:
        """The rule set, or None when any stage found an error (warnings alone do not count)."""
        indicators = {k: e.spec for k, e in self.entries["indicators"].items()}
        measures = {k: e.spec for k, e in self.entries["measures"].items()}
        check_aliases(self.entries["indicators"], self.problems)
        conditions = self._conditions(indicators)
        self._check_orphans(indicators, measures)
        if self.catalogued:
            sources, rules = self.entries["sources"], self.entries["rules"]
            check_sources(sources, rules, self.problems, self.orphan_sections)
        signal_conditions = {
            sid: c for (section, sid), c in conditions.items() if section == "signals"
        }
        locations = {sid: e.location for sid, e in self.entries["signals"].items()}
        order = signal_order(signal_conditions, locations, self.problems)
        through = reads_through_signals(
            {sid: tuple(atoms(c)) for sid, c in signal_conditions.items()}
        )
        for rule_id, entry in self.entries["rules"].items():
            condition = conditions.get(("rules", rule_id))
            check_actions(entry, measures, self.problems)
            if condition is not None:
                readable = set(reads_of(atoms(condition), through).operands)
                check_because(entry, readable, indicators, self.problems)
        if errors_among(self.problems):
            return None
        return self._build(indicators, measures, conditions, order)

    def _conditions(self, indicators: dict[str, IndicatorSpec]) -> dict[tuple[str, str], Condition]:
        """Every signal's and rule's condition that parses and refers to what is known."""
        signal_ids = set(self.entries["signals"])
        conditions: dict[tuple[str, str], Condition] = {}
        for section in ("signals", "rules"):
            for item_id, entry in self.entries[section].items():
                where = (*entry.path, "when")
                condition = parse_condition(entry.spec.when, entry.doc, where, self.problems)
                if condition is not None and check_condition(
                    condition, indicators, signal_ids, self.problems
                ):
                    conditions[(section, item_id)] = condition
        return conditions

    def _check_orphans(
        self, indicators: dict[str, IndicatorSpec], measures: dict[str, MeasureSpec]
    ) -> None:
        signal_ids = set(self.entries["signals"])
        for doc, path, raw in self.orphan_conditions:
            orphan = parse_condition(raw, doc, path, self.problems)
            if orphan is not None:
                check_condition(orphan, indicators, signal_ids, self.problems)
        for doc, path, measure in self.orphan_measures:
            if measure not in measures:
                self.problems.append(
                    Problem(
                        doc.locate(path),
                        f'unknown measure "{measure}"',
                        "unknown-measure",
                        did_you_mean(measure, measures),
                    )
                )

    def _build(
        self,
        indicators: dict[str, IndicatorSpec],
        measures: dict[str, MeasureSpec],
        conditions: dict[tuple[str, str], Condition],
        order: list[str],
    ) -> RuleSet:
        signal_entries = self.entries["signals"]
        signals = {
            sid: Signal(
                signal_entries[sid].spec, conditions[("signals", sid)], signal_entries[sid].location
            )
            for sid in order
        }
        rules = {
            rule_id: Rule(entry.spec, conditions[("rules", rule_id)], entry.location)
            for rule_id, entry in self.entries["rules"].items()
        }
        locations = {
            (KIND[section], item_id): entry.location
            for section, entries in self.entries.items()
            for item_id, entry in entries.items()
        }
        sources = {k: e.spec for k, e in self.entries["sources"].items()}
        return RuleSet.build(indicators, measures, signals, rules, locations, sources)
