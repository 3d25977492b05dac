"""Pydantic models of what analysts write: catalogue entries, signals, rules, profiles.

These models check the shape of each entry (fields, types, allowed words).
Cross-references (does this rule's measure exist?) are checked in `checks.py`,
because they need the whole rule set. Conditions stay raw here (text or
all/any/not structure) and are parsed with their file positions in `checks.py`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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
# shape is checked where it is parsed (checks.py), with file positions.
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


class IndicatorSpec(_Spec):
    """One input a profile may carry."""

    id: IndicatorId
    title: Text
    description: str = ""
    type: IndicatorType
    unit: str = ""
    range: tuple[float, float] | None = Field(
        default=None, description="Inclusive [min, max] of the values (numbers, series)."
    )
    categories: tuple[CategoryValue, ...] | None = None
    direction: Direction = Direction.NEUTRAL
    source: str = ""

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
        return self


class MeasureSpec(_Spec):
    """A collaboration measure a rule can recommend."""

    id: ItemId
    title: Text
    area: Area
    description: Text
    outcomes: tuple[Text, ...] = Field(min_length=1)
    horizon: Horizon


class SignalSpec(_Spec):
    """A named, derived condition that rules and other signals can refer to."""

    id: ItemId
    title: Text
    description: str = ""
    when: RawCondition


class Recommend(_Spec):
    measure: ItemId
    priority: Priority


class Withhold(_Spec):
    measure: ItemId
    reason: str = ""


class Safeguard(_Spec):
    measure: ItemId
    requires: Text


class RuleSpec(_Spec):
    """When a condition holds, recommend, withhold or attach a safeguard to measures."""

    id: ItemId
    title: Text
    description: str = ""
    when: RawCondition
    recommend: tuple[Recommend, ...] = ()
    withhold: tuple[Withhold, ...] = ()
    safeguard: tuple[Safeguard, ...] = ()
    because: Text
    source: Text

    @model_validator(mode="after")
    def _acts(self) -> RuleSpec:
        if not (self.recommend or self.withhold or self.safeguard):
            raise ValueError("a rule needs at least one of recommend, withhold or safeguard")
        return self


IndicatorValue = bool | int | float | str | dict[str, float | int]


class SituationProfile(BaseModel):
    """A country's situation as observed: indicator values, with where they came from."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=1, max_length=120)
    period: str | None = Field(default=None, max_length=40)
    indicators: dict[str, IndicatorValue] = Field(default_factory=dict)
    sources: dict[str, str] = Field(
        default_factory=dict, description="Where each indicator's value comes from."
    )
    notes: str = ""
