"""Wire types of the workbench endpoints (`/v1/workbench/...`), as pydantic models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor import DecisionModel
from advisor.analysis.impact import MeasureChange, ProfileImpact

from ..errors import ProblemOut

__all__ = [
    "ComparisonOut",
    "ExampleOut",
    "ExampleOutcome",
    "ExamplesOut",
    "ImpactOut",
    "MapEdgeOut",
    "MapNodeOut",
    "MeasureChangeOut",
    "OverviewCell",
    "OverviewOut",
    "OverviewRow",
    "PreviewOut",
    "ProfileCheck",
    "RuleEdit",
    "RuleFileOut",
    "RuleFilesOut",
    "RuleMapOut",
    "RuleUsageOut",
    "ScenarioOut",
    "ValueChange",
    "impact_out",
]


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True)


class ExampleOut(_Wire):
    #: the file name without its suffix: `libya-2024`
    name: str
    country: str
    period: str | None
    indicators: int


class ExamplesOut(_Wire):
    examples: list[ExampleOut]


class ProfileCheck(_Wire):
    """A profile that fits the catalogue: the indicators it gives, by id (aliases resolved)."""

    country: str
    period: str | None
    indicators: list[str]


class MeasureChangeOut(_Wire):
    """A measure whose outcome differs between two decisions, as `advisor diff` words it."""

    measure: str
    #: added, removed, withheld, no longer withheld, priority raised, priority lowered, safeguards
    kind: str
    before: str
    after: str
    #: one note per rule responsible: "`rule` now fires (recommends critical)"
    rules: list[str]


class ValueChange(_Wire):
    """An indicator whose value differs between two profiles (null: not given)."""

    indicator: str
    before: Any = None
    after: Any = None


class ComparisonOut(_Wire):
    """Two profiles decided by one rule set, and what differs, with the rules responsible."""

    ruleset: str
    a: DecisionModel
    b: DecisionModel
    changes: list[MeasureChangeOut]
    #: rules that fire in one decision only without changing a listed measure
    rules_only: list[str]
    #: rules that become, or stop being, undetermined for lack of data
    undetermined: list[str]
    values: list[ValueChange]


class ScenarioOut(_Wire):
    file: str
    line: int
    name: str
    #: true when the scenario names the rule; false when it names a measure the rule acts on
    names_rule: bool


class ExampleOutcome(_Wire):
    example: str
    country: str
    period: str | None
    #: silent: the rule's condition is false with the data given
    status: Literal["fired", "undetermined", "silent"]


class RuleUsageOut(_Wire):
    """Where a rule is tested and what it does on the example profiles."""

    rule: str
    scenarios: list[ScenarioOut]
    examples: list[ExampleOutcome]


class MapNodeOut(_Wire):
    key: str
    kind: Literal["indicator", "signal", "rule", "measure", "junction"]
    id: str
    label: str
    group: str
    #: the drawing's layout: column (left to right) and row, and the box in SVG units
    column: int
    row: int
    x: float
    y: float
    width: float


class MapEdgeOut(_Wire):
    source: str
    target: str
    #: reads, recommend, withhold, safeguard
    kind: str
    label: str


class RuleMapOut(_Wire):
    nodes: list[MapNodeOut]
    edges: list[MapEdgeOut]
    width: float
    height: float


class RuleFilesOut(_Wire):
    #: each file's path inside the rule directory: `borders.yaml`
    files: list[str]


class RuleFileOut(_Wire):
    file: str
    text: str


class RuleEdit(_Wire):
    """A rule file as it would be after an edit; nothing is written to the rule directory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(
        pattern=r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\.ya?ml$",
        max_length=200,
        description="The rule file's path inside the rule directory: `borders.yaml`; "
        "a new name adds a file.",
    )
    text: str = Field(description="The whole file as it would be saved.")


class ImpactOut(_Wire):
    """One example profile under the rule set before and after the edit."""

    example: str
    title: str
    changes: list[MeasureChangeOut]
    rules_only: list[str]
    undetermined: list[str]
    #: a profile that one of the two rule sets refuses: which, and why
    refused: str | None = None


class PreviewOut(_Wire):
    """A rule edit, checked; if it loads, what it changes on the examples.

    An edit that does not load (`valid` false) lists its problems and nothing else."""

    valid: bool
    #: the serving rule set, and the edited one (null when it does not load)
    before: str
    after: str | None = None
    #: every problem, errors and warnings ("warning: ..."), each with its file:line:col
    problems: list[ProblemOut]
    #: catalogue entries, signals and rules added, removed or changed
    ruleset_changes: list[str] = []
    impacts: list[ImpactOut] = []
    #: the same report as `advisor diff` prints, in markdown ("" when the edit does not load)
    markdown: str = ""


class OverviewCell(_Wire):
    measure: str
    #: the priority, or withheld
    state: Literal["critical", "high", "medium", "low", "withheld"]
    provisional: bool = False
    possibly_withheld: bool = False


class OverviewRow(_Wire):
    example: str
    country: str
    period: str | None
    cells: list[OverviewCell]


class OverviewOut(_Wire):
    ruleset: str
    #: every measure recommended or withheld for some example, in catalogue order
    measures: list[str]
    rows: list[OverviewRow]


def _change_out(change: MeasureChange) -> MeasureChangeOut:
    return MeasureChangeOut(
        measure=change.measure,
        kind=change.kind,
        before=change.before,
        after=change.after,
        rules=list(change.rules),
    )


def impact_out(impact: ProfileImpact, example: str) -> ImpactOut:
    return ImpactOut(
        example=example,
        title=impact.title,
        changes=[_change_out(c) for c in impact.changes],
        rules_only=impact.rules_only,
        undetermined=impact.undetermined,
        refused=impact.refused,
    )


def changes_out(impact: ProfileImpact) -> list[MeasureChangeOut]:
    return [_change_out(c) for c in impact.changes]
