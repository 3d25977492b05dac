"""Cooperation Advisor: situation profiles in, ranked and explained cooperation measures out.

>>> from advisor import Advisor
>>> advisor = Advisor.from_directory("rules")
>>> decision = advisor.evaluate({"country": "Libya", "indicators": {"fsi.total": 96.5}})
"""

from advisor.decide import Advisor
from advisor.decision.document import Decision
from advisor.decision.model import (
    ConditionResult,
    DataGap,
    DecisionModel,
    PossibleWithholding,
    Recommendation,
    RuleExplanation,
    RuleRef,
    SafeguardNote,
    SignalResult,
    WithheldMeasure,
    Withholding,
)
from advisor.errors import (
    AdvisorError,
    EngineError,
    Location,
    Problem,
    ProfileError,
    ProfileProblem,
    RuleSetError,
)
from advisor.language.files import check_ruleset, load_ruleset
from advisor.language.models import (
    Area,
    Direction,
    Horizon,
    IndicatorSpec,
    IndicatorType,
    MeasureSpec,
    Priority,
    RuleSpec,
    SignalSpec,
    SituationProfile,
)
from advisor.language.profile import Observations, read_profile
from advisor.language.ruleset import Rule, RuleSet, Signal

__all__ = [
    "Advisor",
    "AdvisorError",
    "Area",
    "ConditionResult",
    "DataGap",
    "Decision",
    "DecisionModel",
    "Direction",
    "EngineError",
    "Horizon",
    "IndicatorSpec",
    "IndicatorType",
    "Location",
    "MeasureSpec",
    "Observations",
    "PossibleWithholding",
    "Priority",
    "Problem",
    "ProfileError",
    "ProfileProblem",
    "Recommendation",
    "Rule",
    "RuleExplanation",
    "RuleRef",
    "RuleSet",
    "RuleSetError",
    "RuleSpec",
    "SafeguardNote",
    "Signal",
    "SignalResult",
    "SignalSpec",
    "SituationProfile",
    "WithheldMeasure",
    "Withholding",
    "check_ruleset",
    "load_ruleset",
    "read_profile",
]
