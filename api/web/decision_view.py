"""A decision (version 2, as the API answers it) arranged for the decision page.

Only arrangement: grouping by priority, each rule's explanation next to the measure it
acts on, a signal's own conditions under the rule condition that reads it, and the
what-if's changes by measure. What a decision means is the API's answer, not this
module's: nothing here looks at a rule's condition or decides anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CatalogueField", "DecisionView", "FieldGroup", "catalogue_groups", "decision_view"]

PRIORITIES = ("critical", "high", "medium", "low")


@dataclass
class DecisionView:
    decision: dict[str, Any]
    #: (priority, recommendations) from critical down, empty groups left out
    by_priority: list[tuple[str, list[dict[str, Any]]]]
    #: signal id -> its result, for the signals that held
    signals: dict[str, dict[str, Any]]
    #: measure id -> its sensitivity changes
    sensitivity: dict[str, list[dict[str, Any]]]
    #: measure id -> what the what-if changed about it
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: measures the what-if removed or withheld, as the comparison words them
    gone: list[dict[str, Any]] = field(default_factory=list)

    def rule(self, rule_id: str) -> dict[str, Any]:
        explained: dict[str, Any] = self.decision.get("rules", {}).get(rule_id, {})
        return explained


def decision_view(decision: dict[str, Any], comparison: dict[str, Any] | None) -> DecisionView:
    recommendations = decision.get("recommendations", [])
    by_priority = [
        (priority, [r for r in recommendations if r["priority"] == priority])
        for priority in PRIORITIES
    ]
    view = DecisionView(
        decision=decision,
        by_priority=[(p, items) for p, items in by_priority if items],
        signals={s["signal"]: s for s in decision.get("signals", [])},
        sensitivity={s["measure"]: s["changes"] for s in decision.get("sensitivity") or []},
    )
    if comparison is not None:
        view.changed = {c["measure"]: c for c in comparison["changes"]}
        shown = {r["measure"] for r in recommendations}
        view.gone = [c for c in comparison["changes"] if c["measure"] not in shown]
    return view


@dataclass(frozen=True)
class CatalogueField:
    """One indicator as a form field: its catalogue entry and the value the profile gives."""

    spec: dict[str, Any]
    value: Any
    #: the value before the what-if (None when the base does not give it)
    base: Any
    changed: bool

    @property
    def id(self) -> str:
        return str(self.spec["id"])


@dataclass(frozen=True)
class FieldGroup:
    """The indicators of one index (`fsi`, `goci`, ...), in catalogue order."""

    index: str
    source: str
    fields: list[CatalogueField]


def catalogue_groups(
    indicators: list[dict[str, Any]],
    values: Mapping[str, Any],
    base: Mapping[str, Any],
    same: Any,
) -> list[FieldGroup]:
    """The form's fields grouped by index; `values`/`base` by indicator id; `same(a, b)`."""
    groups: dict[str, FieldGroup] = {}
    for spec in indicators:
        index = str(spec["id"]).split(".", 1)[0]
        group = groups.setdefault(index, FieldGroup(index, spec.get("source", ""), []))
        value, was = values.get(spec["id"]), base.get(spec["id"])
        group.fields.append(CatalogueField(spec, value, was, not same(value, was)))
    return list(groups.values())


def by_id(indicators: Mapping[str, Any], catalogue: list[dict[str, Any]]) -> dict[str, Any]:
    """A profile's indicators keyed by id (an alias resolved to the id it names)."""
    aliases = {alias: spec["id"] for spec in catalogue for alias in spec.get("aliases", [])}
    return {aliases.get(name, name): value for name, value in indicators.items()}
