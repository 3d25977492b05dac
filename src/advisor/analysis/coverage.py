"""Rule coverage: which rules fired, and which stayed silent, in the scenarios that passed.

A rule is covered when at least one passing scenario shows it firing and at
least one shows it silent. A scenario shows what a rule did only when one of
its expectations depends on it: it names the rule, or a measure the rule acts
on ("x is recommended" vouches for the rules among its reasons, "x is not
recommended" for every rule that would recommend it). A rule that happens to
fire in a scenario about something else is not thereby shown to work.

Silent means the rule's condition was false with the values it reads present.
A rule that did not fire only because a value it needs was missing is
undetermined, not silent: such a scenario does not show where the rule's
threshold lies, so it does not count as silence, and each record keeps the
step and the missing indicators so that `advisor check` can say what to add.
A rule none of whose data was given was not put to the test, so that scenario
does not count for it either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from advisor.decision.document import Decision
from advisor.errors import Location
from advisor.language.ruleset import RuleSet

__all__ = [
    "LackOfData",
    "Outcome",
    "RuleCoverage",
    "ScenarioRecord",
    "outcomes",
    "read_records",
    "rule_coverage",
    "write_records",
]

_FORMAT = 2


class Outcome(StrEnum):
    FIRED = "fired"
    FALSE = "false"
    UNDETERMINED = "undetermined"


def outcomes(ruleset: RuleSet, decision: Decision, present: Iterable[str]) -> dict[str, Outcome]:
    """Each rule the evaluation put to the test (it fired or had some data), and what it did."""
    given = frozenset(present)
    fired = set(decision.fired)
    undetermined = set(decision.undetermined)
    result: dict[str, Outcome] = {}
    for rule_id, rule in ruleset.rules.items():
        if rule_id in fired:
            result[rule_id] = Outcome.FIRED
        elif rule.indicators & given:
            undecided = rule_id in undetermined
            result[rule_id] = Outcome.UNDETERMINED if undecided else Outcome.FALSE
    return result


@dataclass(frozen=True)
class LackOfData:
    """Where a step vouched for a rule that was undetermined, and what it lacked."""

    feature: str
    line: int
    column: int
    missing: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.feature}:{self.line}:{self.column}"


@dataclass(frozen=True)
class ScenarioRecord:
    """One evaluation in one passing scenario: the rules its expectations vouch for."""

    #: the pytest node id, unique per scenario and per row of an outline's examples
    scenario: str
    feature: str
    line: int
    name: str
    outcomes: Mapping[str, Outcome]
    #: per undetermined rule: the step (line, column) that vouched for it, and what was missing
    gaps: Mapping[str, tuple[int, int, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleCoverage:
    """The scenarios (node ids) in which one rule fired, was false, or was undetermined."""

    rule: str
    location: Location
    fired: frozenset[str]
    false: frozenset[str]
    undetermined: frozenset[str]
    #: the steps that found the rule undetermined, in feature and line order
    lacking: tuple[LackOfData, ...] = ()

    @property
    def silent(self) -> frozenset[str]:
        """Silence is proven with data: only a false condition counts, never an undetermined one."""
        return self.false

    @property
    def silent_only_for_lack_of_data(self) -> bool:
        return not self.false and bool(self.undetermined)

    @property
    def covered(self) -> bool:
        return bool(self.fired) and bool(self.silent)


def rule_coverage(ruleset: RuleSet, records: Iterable[ScenarioRecord]) -> list[RuleCoverage]:
    """Coverage of every rule of the rule set, in rule id order."""
    seen: dict[str, dict[Outcome, set[str]]] = {
        rule_id: {outcome: set() for outcome in Outcome} for rule_id in ruleset.rules
    }
    lacking: dict[str, set[LackOfData]] = {rule_id: set() for rule_id in ruleset.rules}
    for record in records:
        for rule_id, outcome in record.outcomes.items():
            if rule_id in seen:
                seen[rule_id][outcome].add(record.scenario)
        for rule_id, (line, column, missing) in record.gaps.items():
            if rule_id in lacking:
                lacking[rule_id].add(LackOfData(record.feature, line, column, missing))
    return [
        RuleCoverage(
            rule=rule_id,
            location=ruleset.rules[rule_id].location,
            fired=frozenset(found[Outcome.FIRED]),
            false=frozenset(found[Outcome.FALSE]),
            undetermined=frozenset(found[Outcome.UNDETERMINED]),
            lacking=tuple(sorted(lacking[rule_id], key=lambda g: (g.feature, g.line, g.column))),
        )
        for rule_id, found in seen.items()
    ]


def write_records(path: Path, records: Iterable[ScenarioRecord]) -> None:
    data = {
        "format": _FORMAT,
        "scenarios": [
            {
                "scenario": r.scenario,
                "feature": r.feature,
                "line": r.line,
                "name": r.name,
                "outcomes": {rule: str(outcome) for rule, outcome in sorted(r.outcomes.items())},
                "gaps": {
                    rule: [line, column, list(missing)]
                    for rule, (line, column, missing) in sorted(r.gaps.items())
                },
            }
            for r in records
        ],
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def read_records(path: Path) -> list[ScenarioRecord]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != _FORMAT:
        raise ValueError(f"{path}: not a coverage file of format {_FORMAT}")
    return [
        ScenarioRecord(
            scenario=item["scenario"],
            feature=item["feature"],
            line=item["line"],
            name=item["name"],
            outcomes={rule: Outcome(value) for rule, value in item["outcomes"].items()},
            gaps={
                rule: (line, column, tuple(missing))
                for rule, (line, column, missing) in item["gaps"].items()
            },
        )
        for item in data["scenarios"]
    ]
