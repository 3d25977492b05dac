"""The decision: what the advisor answers for one profile, as plain, ordered data.

Everything here is derived from the profile and the rule set alone (no clock,
no randomness) and every list has a fixed order, so the same inputs give the
same JSON byte for byte.

Two levels of detail, one schema. The compact decision (the default: what the service
answers and logs) holds what depends on the profile: which measures, at what priority, by
which rules, with which safeguards and possible withholdings; each rule's state and its
`because` text filled with the profile's values; the signals that hold; the values read;
what is missing. Of the rule set's own text it keeps only names a reader acts on (measure
and data-gap indicator titles) and refers to the rest by id under `ruleset` (the hash of the
rule set, which `/v1/rules` and `/v1/measures` serve): rule titles and sources, safeguard
requirements, withholding reasons, each condition's threshold and margin, the catalogue's
description, outcomes and horizon. `detail: "full"` inlines all of them: the form the CLI
report, the workbench and the Gherkin steps read. A field at its default is left out.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, WithJsonSchema

from advisor.language.models import Area, Horizon, Priority

__all__ = [
    "DECISION_VERSION",
    "ConditionResult",
    "DataGap",
    "DecisionModel",
    "Detail",
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

#: compact: the rule set's own texts by reference; full: inlined (see the module docstring)
Detail = Literal["compact", "full"]
DETAILS: tuple[Detail, ...] = ("compact", "full")


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
    #: full detail only: what the rule requires to accompany the measure
    requires: str | None = None
    #: applied: the rule fired; provisional: the rule could not be decided for lack of data
    status: Literal["applied", "provisional"] = "applied"
    #: provisional only: the values that would settle the rule
    missing: list[str] = []


class PossibleWithholding(_Out):
    """A withholding rule that could not be decided: with the missing values it might fire."""

    rule: str
    missing: list[str]


class Recommendation(_Out):
    """A measure to take, at the highest priority any firing rule gives it.

    The catalogue's description, outcomes and horizon only at `detail: "full"`; they are
    also in `/v1/measures` and the CLI report."""

    measure: str
    title: str
    area: Area
    priority: Priority
    #: the recommending rules, highest priority first, then by rule id
    rules: list[RuleRef]
    safeguards: list[SafeguardNote] = []
    #: undetermined withholding rules: with the missing values they might withhold it
    possibly_withheld_by: list[PossibleWithholding] = []
    #: full detail only, from the catalogue
    description: str | None = None
    outcomes: list[str] = []
    horizon: Horizon | None = None


class Withholding(_Out):
    """One rule's withholding of a measure."""

    rule: str
    #: full detail only: why, as the rule states it (left out when it gives none); the
    #: rule's `because` under `rules` says it for this profile at either level
    reason: str | None = None
    #: the rule could not be decided and withholds as a precaution (`precautionary: true`)
    precautionary: bool = False
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

    #: full detail only: the rule's title
    title: str | None = None
    status: Literal["fired", "undetermined"] = "fired"
    #: the rule's `because` text, filled with the profile's values
    because: str
    #: full detail only: the source the rule rests on
    source: str | None = None
    #: full detail only: every atom of its condition, in reading order, with the value it
    #: met, the threshold and the margin
    conditions: list[ConditionResult] = []
    #: undetermined only: the values that could still change its outcome (a branch the
    #: values present already decide does not count)
    missing: list[str] = []


class SignalResult(_Out):
    """A signal that holds; its title and conditions at full detail only."""

    signal: str
    title: str | None = None
    conditions: list[ConditionResult] = []


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
    #: "full" when the rule set's texts are inlined (see the module docstring)
    detail: Detail = "compact"
    country: str
    period: str | None
    ruleset: str
    recommendations: list[Recommendation]
    withheld: list[WithheldMeasure]
    signals: list[SignalResult]
    #: every rule that fired or could not be decided, by rule id: the decision's reasons
    rules: dict[str, RuleExplanation]
    #: each profile value a rule under `rules` or a signal that holds reads, by operand key
    #: (`gti.score`, `mean(acled.fatalities_per_million)`), in key order
    values: dict[str, Scalar] = {}
    #: rules the profile's values cannot decide (explained under `rules`)
    undetermined: list[str] = []
    data_gaps: list[DataGap] = []
    #: only when asked for (`advisor recommend --sensitivity`, `?sensitivity=true`)
    sensitivity: list[Sensitivity] | None = None


def json_fields(model: BaseModel) -> dict[str, Any]:
    """An output model as orjson writes it (its `default`): the fields in declaration
    order, an optional field left out at its default."""
    if not isinstance(model, _Out):
        raise TypeError(f"not JSON: {type(model).__name__}")
    fields = model.__dict__
    defaults = _defaults(type(model))
    if not defaults:
        return fields
    return {k: v for k, v in fields.items() if not (k in defaults and v == defaults[k])}


@functools.cache
def _defaults(model: type[_Out]) -> dict[str, Any]:
    """The optional fields and their defaults: each left out of the JSON at its default,
    and read back as it."""
    return {
        name: info.default
        for name, info in model.model_fields.items()
        if not info.is_required() and name != "decision_version"  # always written: a reader's key
    }
