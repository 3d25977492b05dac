"""The decision: what the advisor answers for one profile, as plain, ordered data.

Everything here is derived from the profile and the rule set alone (no clock,
no randomness) and every list has a fixed order, so the same inputs give the
same JSON byte for byte.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, WithJsonSchema

from advisor.language.models import Area, Priority

__all__ = [
    "DECISION_VERSION",
    "ConditionResult",
    "DataGap",
    "DecisionModel",
    "PossibleWithholding",
    "Recommendation",
    "RuleExplanation",
    "RuleRef",
    "SafeguardNote",
    "Sensitivity",
    "SensitivityChange",
    "SignalResult",
    "WithheldMeasure",
    "Withholding",
    "json_fields",
    "unvalidated",
]

Scalar = float | int | bool | str

#: the shape of `Decision`: 2 refers to rules by id and explains each once, under `rules`
DECISION_VERSION: Literal[2] = 2


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
    threshold: Scalar | list[Scalar] | None = None
    #: how far the value may move before the condition stops holding (numbers only)
    margin: float | None = None


class RuleRef(_Out):
    """A rule that recommended a measure, and the priority it gave (explained in `rules`)."""

    rule: str
    priority: Priority


class SafeguardNote(_Out):
    """What must accompany a recommended measure, because a rule holds or may hold."""

    rule: str
    requires: str
    #: applied: the rule fired; provisional: the rule could not be decided for lack of data
    status: Literal["applied", "provisional"]
    #: provisional only: the values that would settle the rule
    missing: list[str] = []


class PossibleWithholding(_Out):
    """A withholding rule that could not be decided: with the missing values it might fire."""

    rule: str
    missing: list[str]


class Recommendation(_Out):
    """A measure to take, at the highest priority any firing rule gives it.

    The catalogue's description and outcomes are in `/v1/measures` and the CLI report."""

    measure: str
    title: str
    area: Area
    priority: Priority
    #: the recommending rules, highest priority first, then by rule id
    rules: list[RuleRef]
    safeguards: list[SafeguardNote] = []
    #: undetermined withholding rules: with the missing values they might withhold it
    possibly_withheld_by: list[PossibleWithholding] = []


class Withholding(_Out):
    """One rule's withholding of a measure."""

    rule: str
    #: why, as the rule states it ("" when it gives none)
    reason: str
    #: the rule could not be decided and withholds as a precaution (`precautionary: true`)
    precautionary: bool
    #: precautionary only: the values that would decide the rule, and so may release the measure
    missing: list[str] = []


class WithheldMeasure(_Out):
    measure: str
    title: str
    area: Area
    #: the withholding rules, by rule id
    by: list[Withholding]
    #: rules that recommended the measure before it was withheld
    overridden: list[str] = []


class RuleExplanation(_Out):
    """One rule that fired or could not be decided, explained once for every measure it acts on."""

    title: str
    status: Literal["fired", "undetermined"]
    because: str
    source: str
    #: every atom of its condition, in reading order, with the value it met
    conditions: list[ConditionResult]
    #: undetermined only: the values that could still change its outcome (a branch the
    #: values present already decide does not count)
    missing: list[str] = []


class SignalResult(_Out):
    signal: str
    title: str
    conditions: list[ConditionResult]


class DataGap(_Out):
    indicator: str
    title: str
    #: undetermined rules this indicator's value could decide
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


class DecisionModel(_Out):
    """Ranked recommendations with reasons, withheld measures, signals, and what is unknown.

    The schema of a decision and its typed form; `decision.document.Decision` holds one.
    """

    # an enum rather than pydantic's `const`: client generators write `const` as broken code
    decision_version: Annotated[
        Literal[2],
        WithJsonSchema({"type": "integer", "enum": [DECISION_VERSION], "default": 2}),
    ] = DECISION_VERSION
    country: str
    period: str | None
    ruleset: str
    recommendations: list[Recommendation]
    withheld: list[WithheldMeasure]
    signals: list[SignalResult]
    #: every rule that fired or could not be decided, by rule id: the decision's reasons
    rules: dict[str, RuleExplanation]
    #: rules the profile's values cannot decide (explained under `rules`)
    undetermined: list[str] = []
    data_gaps: list[DataGap] = []
    #: only when asked for (`advisor recommend --sensitivity`, `?sensitivity=true`)
    sensitivity: list[Sensitivity] | None = None


def json_fields(model: BaseModel) -> dict[str, Any]:
    """An output model as orjson writes it (its `default`): the fields in declaration
    order, an optional field left out at its default (null, or an empty list)."""
    if not isinstance(model, _Out):
        raise TypeError(f"not JSON: {type(model).__name__}")
    fields = model.__dict__
    nulls, empties = _optional(type(model))
    if not (nulls or empties):
        return fields
    return {
        k: v
        for k, v in fields.items()
        if not ((v is None and k in nulls) or (v == [] and k in empties))
    }


@functools.cache
def _optional(model: type[_Out]) -> tuple[frozenset[str], frozenset[str]]:
    """The fields whose default is null, and those whose default is an empty list: each
    left out of the JSON at its default, and read back as it."""
    defaults = {
        name: info.default for name, info in model.model_fields.items() if not info.is_required()
    }
    nulls = frozenset(name for name, default in defaults.items() if default is None)
    empties = frozenset(name for name, default in defaults.items() if default == [])
    return nulls, empties
