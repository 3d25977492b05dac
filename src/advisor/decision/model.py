"""The decision: what the advisor answers for one profile, as plain, ordered data.

Everything here is derived from the profile and the rule set alone (no clock,
no randomness) and every list has a fixed order, so the same inputs give the
same JSON byte for byte.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from advisor.language.models import Area, Horizon, Priority

__all__ = [
    "ConditionResult",
    "DataGap",
    "Decision",
    "Reason",
    "Recommendation",
    "SafeguardNote",
    "Sensitivity",
    "SensitivityChange",
    "SignalResult",
    "UndeterminedRule",
    "WithheldMeasure",
    "unvalidated",
]

Scalar = float | int | bool | str


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Out = TypeVar("Out", bound=_Out)
_set = object.__setattr__


def unvalidated(model: type[Out], **fields: Any) -> Out:
    """An output model from values the advisor has already checked, without validating again.

    Validation of a whole decision cost more than the engine's work: the
    evaluator builds decisions with this instead. It sets what pydantic's own
    `model_construct` sets, for a model whose every field is given.
    `tests/test_evaluate.py` round-trips decisions through full validation to
    keep it honest.
    """
    instance = model.__new__(model)
    _set(instance, "__dict__", fields)
    _set(instance, "__pydantic_fields_set__", set(fields))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


class ConditionResult(_Out):
    """One atom of a condition, with the value it met."""

    condition: str
    holds: bool | None
    #: the operand read, e.g. `fsi.total` or `change(migration.departures)`; None for signals
    reads: str | None = None
    value: Scalar | None = None
    operator: str | None = None
    threshold: Scalar | list[Scalar] | None = None
    #: how far the value may move before the condition stops holding (numbers only)
    margin: float | None = None


class Reason(_Out):
    """One rule that acted on a measure, and why it fired."""

    rule: str
    title: str
    priority: Priority | None = None
    because: str
    source: str
    conditions: list[ConditionResult]


class SafeguardNote(_Out):
    requires: str
    rule: str
    because: str


class Recommendation(_Out):
    measure: str
    title: str
    area: Area
    priority: Priority
    description: str
    outcomes: list[str]
    horizon: Horizon
    reasons: list[Reason]
    safeguards: list[SafeguardNote]


class WithheldMeasure(_Out):
    measure: str
    title: str
    area: Area
    #: the `reason` each withholding rule gives, in the order of `reasons`
    why: list[str]
    reasons: list[Reason]
    #: rules that recommended the measure before it was withheld
    overridden: list[str]


class SignalResult(_Out):
    signal: str
    title: str
    conditions: list[ConditionResult]


class UndeterminedRule(_Out):
    rule: str
    title: str
    missing: list[str]


class DataGap(_Out):
    indicator: str
    title: str
    #: rules this indicator's absence leaves undetermined
    rules: list[str]


class SensitivityChange(_Out):
    """One indicator set to one value, and what that does to a recommendation."""

    indicator: str
    #: for a series, the period whose value changes (None for any other indicator)
    period: str | None = None
    #: the profile's value, of that period for a series (None when the profile does not give it)
    now: Scalar | None
    #: the value tried: the nearest one, just across a rule's threshold
    to: Scalar
    effect: Literal["removes", "raises"]
    #: the measure's priority after the change (None when it is removed)
    priority: Priority | None
    #: rules that fire, or stop firing, because of the change
    rules: list[str]


class Sensitivity(_Out):
    """For one recommended measure, the single-indicator changes that would remove or raise it."""

    measure: str
    priority: Priority
    changes: list[SensitivityChange]


class Decision(_Out):
    """Ranked recommendations with reasons, withheld measures, signals, and what is unknown."""

    country: str
    period: str | None
    ruleset: str
    recommendations: list[Recommendation]
    withheld: list[WithheldMeasure]
    signals: list[SignalResult]
    fired: list[str]
    undetermined: list[UndeterminedRule]
    data_gaps: list[DataGap]
    #: only when asked for (`advisor recommend --sensitivity`, `?sensitivity=true`)
    sensitivity: list[Sensitivity] | None = None

    def to_json(self) -> str:
        """The canonical JSON form: stable key order, two-space indent."""
        return self.model_dump_json(indent=2)
