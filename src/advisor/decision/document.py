"""A decision as the advisor gives it: JSON-ready content built once, typed views on demand.

The assembly builds plain dicts and lists in the order and shape of `DecisionModel`'s JSON,
so that evaluating and serialising (the service, `advisor recommend --format json`, batch
runs) constructs no model objects; orjson writes them as they are. Code that reads a
decision field by field (the report, the Gherkin steps, sensitivity, `advisor diff`) gets
the typed `DecisionModel`, validated from that content on first use, which also checks the
content against the schema.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from advisor.decision.detail import compact_content
from advisor.decision.model import (
    DataGap,
    DecisionModel,
    Detail,
    Recommendation,
    RuleExplanation,
    Sensitivity,
    SignalResult,
    WithheldMeasure,
    json_fields,
)

__all__ = ["Decision"]


class Decision:
    """One decision. Same profile and rule set, same bytes (`to_json`, `to_json_bytes`)."""

    __slots__ = ("_data", "_model")

    def __init__(self, content: Mapping[str, Any]) -> None:
        #: the decision's JSON content; may hold output models (sensitivity), written alike
        self._data = content
        self._model: DecisionModel | None = None

    @classmethod
    def from_model(cls, model: DecisionModel) -> Decision:
        decision = cls(orjson.loads(orjson.dumps(model, default=json_fields)))
        decision._model = model
        return decision

    @classmethod
    def from_json(cls, text: str | bytes) -> Decision:
        """A decision read back from its JSON, validated against the schema."""
        return cls.from_model(DecisionModel.model_validate_json(text))

    @property
    def model(self) -> DecisionModel:
        """The typed decision, validated from the content the first time it is asked for."""
        if self._model is None:
            self._model = DecisionModel.model_validate(self._data)
        return self._model

    @property
    def content(self) -> Mapping[str, Any]:
        """The decision's JSON content as plain dicts and lists, not validated: for code
        that reads a few fields of many decisions (`advisor batch` tables). Do not modify."""
        return self._data

    def compact(self) -> Decision:
        """This decision at compact detail (itself if it is): what the service logs."""
        if self.detail == "compact":
            return self
        return Decision(compact_content(self._data))

    def with_sensitivity(self, sensitivity: Sequence[Sensitivity]) -> Decision:
        """The same decision with its `sensitivity` section."""
        return Decision({**self._data, "sensitivity": list(sensitivity)})

    def to_json(self) -> str:
        """The canonical JSON form: stable key order, two-space indent."""
        return orjson.dumps(self._data, default=json_fields, option=orjson.OPT_INDENT_2).decode()

    def to_json_bytes(self) -> bytes:
        """The compact JSON form, as the service answers and logs it."""
        return orjson.dumps(self._data, default=json_fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return self.to_json_bytes() == other.to_json_bytes()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Decision({self._data['country']!r}, {self._data['period']!r})"

    # -- the fields, as on DecisionModel
    @property
    def country(self) -> str:
        return str(self._data["country"])

    @property
    def period(self) -> str | None:
        period = self._data["period"]
        return None if period is None else str(period)

    @property
    def detail(self) -> Detail:
        """ "full" when the rule set's texts are inlined, else "compact" (`decision.model`)."""
        return "full" if self._data.get("detail") == "full" else "compact"

    @property
    def values(self) -> Mapping[str, Any]:
        """The profile values the explained rules and the signals that hold read, by key."""
        return self._data.get("values", {})  # type: ignore[no-any-return]

    @property
    def ruleset(self) -> str:
        return str(self._data["ruleset"])

    @property
    def fired(self) -> list[str]:
        """The ids of the rules that fired, sorted."""
        rules = self._data["rules"].items()
        return [rule for rule, said in rules if said.get("status", "fired") == "fired"]

    @property
    def undetermined(self) -> list[str]:
        return list(self._data.get("undetermined", []))

    @property
    def recommendations(self) -> list[Recommendation]:
        return self.model.recommendations

    @property
    def withheld(self) -> list[WithheldMeasure]:
        return self.model.withheld

    @property
    def signals(self) -> list[SignalResult]:
        return self.model.signals

    @property
    def rules(self) -> dict[str, RuleExplanation]:
        return self.model.rules

    @property
    def data_gaps(self) -> list[DataGap]:
        return self.model.data_gaps

    @property
    def sensitivity(self) -> list[Sensitivity] | None:
        return self.model.sensitivity
