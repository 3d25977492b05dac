"""Wire types: what the endpoints answer, as pydantic models (and so in the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from advisor import DecisionModel, IndicatorSpec, Location, MeasureSpec, RuleSpec, SignalSpec

from .errors import LocationOut, ProblemOut

__all__ = [
    "BatchDecisions",
    "Counts",
    "DecisionList",
    "DecisionRecord",
    "DecisionSummaryOut",
    "Health",
    "IndicatorOut",
    "IndicatorsOut",
    "MeasureOut",
    "MeasuresOut",
    "Readiness",
    "RecordedDecision",
    "ReloadErrorOut",
    "RuleOut",
    "RuleSetStatus",
    "RulesOut",
    "SignalOut",
    "SignalsOut",
    "location_out",
]


def location_out(location: Location) -> LocationOut:
    return LocationOut(file=location.file, line=location.line, column=location.column)


class RecordedDecision(DecisionModel):
    """A decision as `advisor recommend --format json` prints it, plus its id in the log."""

    decision_id: str


class BatchDecisions(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: the rule set every decision of the batch was made with
    ruleset: str
    decisions: list[RecordedDecision]


class DecisionRecord(BaseModel):
    """A decision as the log keeps it."""

    model_config = ConfigDict(frozen=True)

    decision_id: str
    recorded_at: datetime
    ruleset: str
    #: the profile as received and validated
    profile: dict[str, Any]
    decision: DecisionModel


class DecisionSummaryOut(BaseModel):
    """A decision in a list: when, with which rule set, for which country, by which token."""

    model_config = ConfigDict(frozen=True)

    decision_id: str
    recorded_at: datetime
    ruleset: str
    country: str | None
    #: the name of the token that wrote it; null when written without one
    token: str | None


class DecisionList(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: newest first
    decisions: list[DecisionSummaryOut]
    #: the cursor of the next page (pass it as `cursor`); null on the last page
    next: str | None


class IndicatorOut(IndicatorSpec):
    location: LocationOut


class MeasureOut(MeasureSpec):
    location: LocationOut


class SignalOut(SignalSpec):
    location: LocationOut


class RuleOut(RuleSpec):
    location: LocationOut
    #: every indicator the rule reads, directly or through signals
    reads: list[str]


class IndicatorsOut(BaseModel):
    ruleset: str
    indicators: list[IndicatorOut]


class MeasuresOut(BaseModel):
    ruleset: str
    measures: list[MeasureOut]


class SignalsOut(BaseModel):
    ruleset: str
    #: in dependency order: each signal after the signals it uses
    signals: list[SignalOut]


class RulesOut(BaseModel):
    ruleset: str
    rules: list[RuleOut]


class Counts(BaseModel):
    indicators: int
    measures: int
    signals: int
    rules: int


class ReloadErrorOut(BaseModel):
    """Why the last reload did not take; the rule set before it is still serving."""

    at: datetime
    problems: list[ProblemOut]


class RuleSetStatus(BaseModel):
    """The rule set this worker process is serving."""

    content_hash: str
    loaded_at: datetime
    #: true when served from the last good copy because the rule files were broken at start
    fallback: bool
    counts: Counts
    #: a random name of the worker process that answered (each watches the rule files
    #: itself); not its PID
    worker: str
    last_reload_error: ReloadErrorOut | None


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    #: the content hash of the rule set this worker serves
    ruleset: str
