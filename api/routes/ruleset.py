"""What rule set is serving, and the admin reload."""

from __future__ import annotations

import os

from fastapi import APIRouter

from ..deps import Admin, ServicesDep, Serving
from ..errors import ApiError, problem_out
from ..holder import ReloadFailure, ServingRuleSet
from ..schemas import Counts, ReloadErrorOut, RuleSetStatus
from ._responses import errors

router = APIRouter(prefix="/v1", tags=["rule set"])


@router.get("/ruleset", summary="The serving rule set and the last reload error")
def ruleset(services: ServicesDep, serving: Serving) -> RuleSetStatus:
    return _status(serving, services.holder.last_failure)


@router.post(
    "/ruleset/reload",
    summary="Reload the rule files in every worker (admin)",
    dependencies=[Admin],
    responses=errors(
        e401="No admin token was given.",
        e403="The admin token is wrong, or admin endpoints are disabled.",
        e422="The rule files have problems (file:line:col); the last good rule set still serves.",
    ),
)
def reload(services: ServicesDep) -> RuleSetStatus:
    """This worker reloads now; the others follow within ADVISOR_RELOAD_INTERVAL seconds."""
    outcome = services.watcher.reload_everywhere()
    if outcome.failure is not None:
        problems = outcome.failure.problems
        raise ApiError(
            422,
            "invalid-rule-set",
            f"the rule files have {len(problems)} problem(s); "
            f"still serving {outcome.serving.content_hash}",
            [problem_out(p) for p in problems],
        )
    return _status(outcome.serving, None)


def _status(serving: ServingRuleSet, failure: ReloadFailure | None) -> RuleSetStatus:
    ruleset = serving.advisor.ruleset
    return RuleSetStatus(
        content_hash=ruleset.content_hash,
        loaded_at=serving.loaded_at,
        directory=str(serving.directory),
        fallback=serving.fallback,
        counts=Counts(
            indicators=len(ruleset.indicators),
            measures=len(ruleset.measures),
            signals=len(ruleset.signals),
            rules=len(ruleset.rules),
        ),
        worker=os.getpid(),
        last_reload_error=None
        if failure is None
        else ReloadErrorOut(at=failure.at, problems=[problem_out(p) for p in failure.problems]),
    )
