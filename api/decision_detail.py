"""`?detail=`, and a logged decision at full detail: its profile decided again by its rule set.

The log keeps decisions compact: the rule set's texts are referred to by the `ruleset`
hash. The full form is that decision with them inlined, so it is rebuilt from the logged
profile, only by a serving rule set with the same hash, and given only if its compact form
is byte for byte the decision logged (the same profile and rule set give the same bytes).
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import Query

from advisor import AdvisorError
from advisor.decision.model import Detail

from .decision_log import LoggedDecision
from .errors import ApiError
from .holder import ServingRuleSet

__all__ = ["DetailQuery", "full_decision"]

DetailQuery = Annotated[
    Detail,
    Query(
        description="compact (default): the rule set's texts (rule titles and sources, "
        "safeguard requirements, withholding reasons, each condition's threshold and margin, "
        "the catalogue's description and outcomes) are referred to by id under `ruleset`, as "
        "`/v1/rules` and `/v1/measures` serve them; full: inlined. A logged decision is kept "
        "compact either way."
    ),
]


def full_decision(logged: LoggedDecision, serving: ServingRuleSet) -> bytes:
    """The logged decision with the rule set's texts inlined; 409 when that cannot be done."""
    if serving.content_hash != logged.ruleset:
        raise ApiError(
            409,
            "ruleset-not-serving",
            f"the decision was made by rule set {logged.ruleset}, and the service now serves "
            f"{serving.content_hash}: only the compact decision can be given (without "
            "`detail=full`); `advisor replay` decides logged profiles against any rule folder",
        )
    stored = orjson.loads(logged.decision)
    try:
        full = serving.advisor.evaluate(
            logged.profile_data(), detail="full", sensitivity="sensitivity" in stored
        )
    except AdvisorError as exc:  # a profile logged by an earlier version that no longer checks
        raise _not_reproduced(f"its profile is refused now: {exc}") from None
    if full.compact().to_json_bytes() != logged.decision.encode():
        raise _not_reproduced("deciding its profile again gives another decision")
    return full.to_json_bytes()


def _not_reproduced(why: str) -> ApiError:
    return ApiError(
        409,
        "decision-not-reproduced",
        f"the full decision cannot be rebuilt: {why}; the compact decision is as logged",
    )
