"""Cooperation Advisor: situation profiles in, ranked and explained cooperation measures out.

>>> from advisor import Advisor
>>> advisor = Advisor.from_directory("rules")
>>> decision = advisor.evaluate({"country": "Libya", "indicators": {"fsi.total": 96.5}})
"""

from .checks import check_ruleset, load_ruleset
from .decision import (
    ConditionResult,
    DataGap,
    Decision,
    Reason,
    Recommendation,
    SafeguardNote,
    SignalResult,
    UndeterminedRule,
    WithheldMeasure,
)
from .errors import (
    AdvisorError,
    EngineError,
    Location,
    Problem,
    ProfileError,
    ProfileProblem,
    RuleSetError,
)
from .evaluate import Advisor
from .models import (
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
from .profile import Observations, read_profile
from .ruleset import Rule, RuleSet, Signal

__all__ = [
    "Advisor",
    "AdvisorError",
    "Area",
    "ConditionResult",
    "DataGap",
    "Decision",
    "Direction",
    "EngineError",
    "Horizon",
    "IndicatorSpec",
    "IndicatorType",
    "Location",
    "MeasureSpec",
    "Observations",
    "Priority",
    "Problem",
    "ProfileError",
    "ProfileProblem",
    "Reason",
    "Recommendation",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "RuleSpec",
    "SafeguardNote",
    "Signal",
    "SignalResult",
    "SignalSpec",
    "SituationProfile",
    "UndeterminedRule",
    "WithheldMeasure",
    "check_ruleset",
    "load_ruleset",
    "read_profile",
]
