"""Pydantic models of what analysts write: catalogue entries, signals, rules, profiles.

These models check the shape of each entry (fields, types, allowed words).
Cross-references (does this rule's measure exist?) are checked in `validation/`,
because they need the whole rule set. Conditions stay raw here (text or
all/any/not structure) and are parsed with their file positions in `validation/conditions.py`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from advisor.language.expressions import EXACT_LIMIT_TEXT, exactly_comparable

__all__ = [
    "ID_PATTERN",
    "INDICATOR_PATTERN",
    "Area",
    "Direction",
    "Horizon",
    "IndicatorSpec",
    "IndicatorType",
    "MeasureSpec",
    "Priority",
    "Recommend",
    "RuleSpec",
    "Safeguard",
    "SignalSpec",
    "SituationProfile",
    "SourceSpec",
    "Withhold",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
INDICATOR_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
CATEGORY_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"

ItemId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
IndicatorId = Annotated[str, StringConstraints(pattern=INDICATOR_PATTERN, max_length=80)]
CategoryValue = Annotated[str, StringConstraints(pattern=CATEGORY_PATTERN, max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
# A condition as written: text, or a mapping with one of all / any / not. Its
# shape is checked where it is parsed (validation/), with file positions.
RawCondition = Any


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class IndicatorType(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CATEGORY = "category"
    SERIES = "series"


class Direction(StrEnum):
    HIGHER_IS_WORSE = "higher-is-worse"
    HIGHER_IS_BETTER = "higher-is-better"
    NEUTRAL = "neutral"


class Area(StrEnum):
    COUNTERTERRORISM = "counterterrorism"
    INTELLIGENCE = "intelligence"
    BORDER_SECURITY = "border-security"
    CAPACITY_BUILDING = "capacity-building"
    SECURITY_SECTOR_REFORM = "security-sector-reform"
    GOVERNANCE = "governance-and-rule-of-law"
    HUMAN_RIGHTS = "human-rights"
    ECONOMIC_DEVELOPMENT = "economic-development"
    EDUCATION_AND_YOUTH = "education-and-youth"
    COMMUNITY_ENGAGEMENT = "community-engagement"
    REGIONAL_COOPERATION = "regional-cooperation"
    LEGAL_COOPERATION = "legal-cooperation"
    DIPLOMACY = "diplomacy"
    HUMANITARIAN = "humanitarian"


class Horizon(StrEnum):
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Higher is more urgent."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3, Priority.CRITICAL: 4}


class SourceSpec(_Spec):
    """A source document the rules put into practice, with its sections as rules cite them."""

    id: ItemId = Field(description="Lowercase words joined by '-', e.g. libya-uk-seed-article.")
    title: Text = Field(description="The document's title as published.")
    publisher: str = Field(default="", description="Who published or wrote it.")
    year: int | None = Field(default=None, ge=1900, le=2100, description="Year of publication.")
    url: str = Field(default="", description="Where to read it.")
    citation: str = Field(
        default="", description="How to find it when there is no address, or a full reference."
    )
    sections: tuple[Text, ...] = Field(
        min_length=1,
        description="Its section titles, in document order; a rule's `source` names one of them.",
    )

    @model_validator(mode="after")
    def _findable(self) -> SourceSpec:
        if not (self.url or self.citation):
            raise ValueError("a source needs a url or a citation, so that readers can find it")
        if len(set(self.sections)) != len(self.sections):
            raise ValueError("a section is listed twice")
        return self


class IndicatorSpec(_Spec):
    """One input a profile may carry."""

    id: IndicatorId = Field(
        description="Source and name joined by dots, lowercase, e.g. fsi.c1_security_apparatus."
    )
    title: Text = Field(description="The indicator's name as its publisher gives it.")
    description: str = Field(default="", description="What it measures; its scale in context.")
    type: IndicatorType = Field(
        description="number, integer, boolean (true/false), category (one word from a list) "
        "or series (numbers by period, e.g. {2023: 51700, 2024: 36468})."
    )
    unit: str = Field(default="", description="Unit or scale, e.g. 'score 0-10'.")
    range: tuple[float, float] | None = Field(
        default=None, description="Inclusive [min, max] of the values (numbers, series)."
    )
    categories: tuple[CategoryValue, ...] | None = Field(
        default=None, description="The words a category indicator may take (category only)."
    )
    direction: Direction = Field(
        default=Direction.NEUTRAL, description="Whether a higher value is worse or better."
    )
    source: str = Field(default="", description="Who publishes it.")
    aliases: tuple[IndicatorId, ...] = Field(
        default=(),
        description="Other ids a profile may give it by, such as the publisher's own code "
        "(wgi.rl for wgi.rule_of_law); unique across the rule set.",
    )

    @field_validator("range")
    @classmethod
    def _exact(cls, value: tuple[float, float] | None) -> tuple[float, float] | None:
        for end in value or ():
            if not exactly_comparable(end):
                raise PydanticCustomError(
                    "number-too-large", f"{end:g} is beyond ±{EXACT_LIMIT_TEXT}"
                )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorSpec:
        numeric = self.type in (IndicatorType.NUMBER, IndicatorType.INTEGER, IndicatorType.SERIES)
        if self.range is not None:
            if not numeric:
                raise ValueError(f"a {self.type.value} indicator has no range")
            low, high = self.range
            if not low < high:
                raise ValueError(f"range [{low}, {high}] is empty: the minimum must come first")
        if self.type is IndicatorType.CATEGORY:
            if not self.categories:
                raise ValueError("a category indicator needs its list of categories")
            if len(set(self.categories)) != len(self.categories):
                raise ValueError("categories are listed twice")
        elif self.categories is not None:
            raise ValueError(f"only a category indicator has categories, not a {self.type.value}")
        if self.id in self.aliases or len(set(self.aliases)) != len(self.aliases):
            raise ValueError("an alias is listed twice, or is the indicator's own id")
        return self


class MeasureSpec(_Spec):
    """A collaboration measure a rule can recommend."""

    id: ItemId = Field(description="Lowercase words joined by '-', e.g. joint-border-training.")
    title: Text = Field(description="The measure's name as a reader sees it.")
    area: Area = Field(description="The area of cooperation it belongs to.")
    description: Text = Field(description="What the measure is.")
    outcomes: tuple[Text, ...] = Field(
        min_length=1, description="What the measure is expected to achieve (at least one)."
    )
    horizon: Horizon = Field(description="How long it takes to show results.")


class SignalSpec(_Spec):
    """A named, derived condition that rules and other signals can refer to."""

    id: ItemId = Field(description="Lowercase words joined by '-'; rules write 'signal ID'.")
    title: Text = Field(description="The situation it names, as a sentence.")
    description: str = Field(default="", description="Why the thresholds are where they are.")
    when: RawCondition = Field(description="The condition under which the signal holds.")


class Recommend(_Spec):
    """A measure the rule recommends, and how urgently."""

    measure: ItemId = Field(description="The id of a measure in the catalogue.")
    priority: Priority = Field(
        description="low, medium, high or critical; the highest of all firing rules counts."
    )


class Withhold(_Spec):
    """A measure not to offer while the rule holds, whichever rule recommends it."""

    measure: ItemId = Field(description="The id of a measure in the catalogue.")
    reason: str = Field(default="", description="Why it is withheld, as the decision states it.")


class Safeguard(_Spec):
    """A condition attached to a measure whenever it is recommended and the rule holds."""

    measure: ItemId = Field(description="The id of a measure in the catalogue.")
    requires: Text = Field(description="What must accompany the measure.")


class RuleSpec(_Spec):
    """When a condition holds, recommend, withhold or attach a safeguard to measures."""

    id: ItemId = Field(description="Lowercase words joined by '-', unique in the rule set.")
    title: Text = Field(description="What the rule does, as a sentence.")
    description: str = Field(
        default="", description="Why: where the thresholds sit in the real distributions."
    )
    when: RawCondition = Field(description="The condition under which the rule fires.")
    recommend: tuple[Recommend, ...] = Field(default=(), description="Measures to recommend.")
    withhold: tuple[Withhold, ...] = Field(default=(), description="Measures not to offer.")
    precautionary: bool = Field(
        default=False,
        description="Withhold while the rule cannot be decided for lack of data, not only "
        "when it fires; the decision names the data that would release the measure.",
    )
    safeguard: tuple[Safeguard, ...] = Field(
        default=(), description="Conditions attached to measures when they are recommended."
    )
    because: Text = Field(
        description="The reason as the decision prints it; {indicator.id} is replaced by "
        "the profile's value of an indicator the rule reads."
    )
    source: Text = Field(
        description="The title of the section it puts into practice, as declared under `sources`."
    )

    @model_validator(mode="after")
    def _acts(self) -> RuleSpec:
        if not (self.recommend or self.withhold or self.safeguard):
            raise ValueError("a rule needs at least one of recommend, withhold or safeguard")
        return self


IndicatorValue = bool | int | float | str | dict[str, float | int]

#: a year (2024), quarter (2024-Q1), half (2024-H1) or month (2024-05)
PERIOD_PATTERN = r"^\d{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$"


class SituationProfile(BaseModel):
    """A country's situation as observed: indicator values, with where they came from."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=1, max_length=120, description="The country observed.")
    period: str | None = Field(
        default=None,
        pattern=PERIOD_PATTERN,
        description='The period the profile describes: "2024", "2024-Q1", "2024-H1" or "2024-05".',
    )
    indicators: dict[str, IndicatorValue] = Field(
        default_factory=dict,
        description="Indicator id -> value: a number, true/false, a category word, or a series "
        "by period ({2023: 51700, 2024: 36468}). An indicator left out is missing, not false.",
    )
    sources: dict[str, str] = Field(
        default_factory=dict, description="Where each indicator's value comes from."
    )
    notes: str = Field(default="", description="Anything a reader should know about the data.")

    @field_validator("period", mode="before")
    @classmethod
    def _year_as_text(cls, value: Any) -> Any:
        # `period: 2024` in YAML is a number; it means the year.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value
