"""What rule set is serving, and the admin reload."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import APIRouter

from ..access.deps import ACCESS_ERRORS, Signed
from ..deps import Admin, ServicesDep, Serving
from ..errors import ApiError, problem_out
from ..holder import ReloadFailure, ServingRuleSet
from ..rule_paths import relative_problem
from ..schemas import Counts, ReloadErrorOut, RuleSetStatus
from ._responses import errors

router = APIRouter(prefix="/v1", tags=["rule set"], dependencies=[Signed], responses=ACCESS_ERRORS)

#: a random name for each worker process, shown instead of its PID
_worker_names: dict[int, str] = {}


@router.get("/ruleset", summary="The serving rule set and the last reload error")
def ruleset(services: ServicesDep, serving: Serving) -> RuleSetStatus:
    return _status(serving, services.holder.last_failure, services.holder.directory)


@router.post(
    "/ruleset/reload",
    summary="Reload the rule files in every worker (admin)",
    dependencies=[Admin],
    responses=errors(
        e422="The rule files have problems (file:line:col); the last good rule set still serves.",
    ),
)
def reload(services: ServicesDep) -> RuleSetStatus:
    """This worker reloads now; the others follow within ADVISOR_RELOAD_INTERVAL seconds."""
    outcome = services.watcher.reload_everywhere()
    directory = services.holder.directory
    if outcome.failure is not None:
        problems = outcome.failure.problems
        raise ApiError(
            422,
            "invalid-rule-set",
            f"the rule files have {len(problems)} problem(s); "
            f"still serving {outcome.serving.content_hash}",
            [relative_problem(problem_out(p), directory) for p in problems],
        )
    return _status(outcome.serving, None, directory)


def worker_name() -> str:
    """This process's name in answers: random, so that no PID is shown."""
    return _worker_names.setdefault(os.getpid(), secrets.token_hex(4))


def _status(
    serving: ServingRuleSet, failure: ReloadFailure | None, directory: Path
) -> RuleSetStatus:
    ruleset = serving.advisor.ruleset
    return RuleSetStatus(
        content_hash=ruleset.content_hash,
        loaded_at=serving.loaded_at,
        fallback=serving.fallback,
        counts=Counts(
            indicators=len(ruleset.indicators),
            measures=len(ruleset.measures),
            signals=len(ruleset.signals),
            rules=len(ruleset.rules),
        ),
        worker=worker_name(),
        last_reload_error=None
        if failure is None
        else ReloadErrorOut(
            at=failure.at,
            problems=[relative_problem(problem_out(p), directory) for p in failure.problems],
        ),
    )
