"""The Advisor: a rule set loaded, checked and compiled once; profiles in, decisions out.

durable_rules decides what fires (`advisor.engine`); `advisor.decision.assemble` builds the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from advisor.analysis.sensitivity import sensitivity as sensitivity_of
from advisor.decision.assemble import DecisionAssembly
from advisor.decision.document import Decision
from advisor.decision.explainer import Explainer
from advisor.decision.model import Detail
from advisor.decision.policy import PolicyIndex
from advisor.engine.driver import NativeEngine
from advisor.engine.packing import compile_plan
from advisor.engine.plan import EnginePlan
from advisor.errors import Problem, RuleSetError
from advisor.language.files import check_ruleset, load_ruleset
from advisor.language.models import SituationProfile
from advisor.language.profile import Observations, check_profile, parse_profile
from advisor.language.ruleset import RuleSet

__all__ = ["Advisor", "validate_directory"]


class Advisor:
    """A rule set compiled into the engine once, evaluated many times.

    Safe to share between threads; each evaluation is isolated and leaves
    nothing behind in the engine.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.policy = PolicyIndex(ruleset)
        self.explainer = Explainer(ruleset)
        self.plan: EnginePlan = compile_plan(ruleset)
        self._engine = NativeEngine(self.plan.rulesets, self.plan.signal_numbers)

    @classmethod
    def from_directory(cls, directory: Path | str) -> Advisor:
        """Load, check and compile the rule files of a directory."""
        return cls(load_ruleset(directory))

    def close(self) -> None:
        """Free the engine's memory now rather than when the advisor is garbage-collected."""
        self._engine.close()

    def observe(
        self, profile: SituationProfile | Mapping[str, Any], source: str = "<profile>"
    ) -> Observations:
        """Check a profile against the catalogue; raises `ProfileError` naming each problem."""
        if not isinstance(profile, SituationProfile):
            profile = parse_profile(profile, source)
        return check_profile(profile, self.ruleset, source)

    def evaluate(
        self,
        profile: SituationProfile | Mapping[str, Any] | Observations,
        *,
        detail: Detail = "compact",
        sensitivity: bool = False,
    ) -> Decision:
        """The decision for one profile: compact (the rule set's texts by reference) or, with
        `detail="full"`, with them inlined (`decision.model`); with `sensitivity`, also what
        single changes would do."""
        observations = profile if isinstance(profile, Observations) else self.observe(profile)
        firing = self._engine.run(observations.values)
        decision = DecisionAssembly(
            self.ruleset, observations, firing, self.policy, self.explainer, detail
        ).decision()
        if sensitivity:
            what_if = sensitivity_of(self.ruleset, observations, decision, self.policy)
            decision = decision.with_sensitivity(what_if)
        return decision


def validate_directory(directory: Path | str) -> tuple[list[Problem], RuleSet | None]:
    """Check rule files, the engine's limits included: the problems, or the valid rule set.

    Raises `EngineError` if the engine refuses a ruleset the checks passed (a bug).
    """
    problems, ruleset = check_ruleset(directory)
    if ruleset is not None:
        try:
            Advisor(ruleset).close()
        except RuleSetError as exc:
            return list(exc.problems), None
    return problems, ruleset
