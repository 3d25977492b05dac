"""Profiles in, recorded decisions out: the work behind the recommendation endpoints.

Runs in a worker thread (the engine is synchronous and process-locked). One
serving rule set is used for every profile of a request, and every decision
is committed to the log before any of them is returned.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from advisor import Decision, EngineError, ProfileError, SituationProfile
from advisor.decision.model import Detail
from advisor.language.profile import Observations, parse_profile

from .decision_log import DecisionLog, LoggedDecision
from .errors import ApiError, ProblemOut, problem_out
from .holder import ServingRuleSet
from .metrics import Metrics

__all__ = ["Recommender"]


@dataclass(frozen=True)
class Recommender:
    """Checks, evaluates and records profiles against one serving rule set."""

    serving: ServingRuleSet
    log: DecisionLog
    metrics: Metrics
    #: the name of the caller's token, recorded with each decision (None: no token)
    token: str | None = None

    def one(self, document: Any, *, detail: Detail = "compact", sensitivity: bool = False) -> str:
        """The JSON answer for one profile: the decision with its `decision_id` first."""
        ((entry, answer),) = self._decide(
            [document], batch=False, detail=detail, sensitivity=sensitivity
        )
        return _with_id(entry.id, answer)

    def batch(
        self,
        document: Any,
        max_batch: int,
        *,
        detail: Detail = "compact",
        sensitivity: bool = False,
    ) -> str:
        """The JSON answer for `{"profiles": [...]}`: every profile decided, or none."""
        profiles = _profiles(document, max_batch)
        entries = self._decide(profiles, batch=True, detail=detail, sensitivity=sensitivity)
        return (
            '{"ruleset":'
            + json.dumps(self.serving.content_hash)
            + ',"decisions":['
            + ",".join(_with_id(entry.id, answer) for entry, answer in entries)
            + "]}"
        )

    def _decide(
        self,
        documents: Sequence[Any],
        *,
        batch: bool,
        detail: Detail = "compact",
        sensitivity: bool = False,
    ) -> list[tuple[LoggedDecision, str]]:
        """Each decision as logged (compact) and as answered (at `detail`)."""
        advisor = self.serving.advisor
        checked: list[tuple[SituationProfile, Observations]] = []
        problems: list[ProblemOut] = []
        for index, document in enumerate(documents):
            prefix = f"profiles[{index}]" if batch else ""
            try:
                profile = parse_profile(document)
                checked.append((profile, advisor.observe(profile)))
            except ProfileError as exc:
                problems.extend(problem_out(p, prefix) for p in exc.problems)
        if problems:
            self.metrics.evaluations.labels(outcome="refused").inc(len(documents))
            raise ApiError(
                422,
                "invalid-profile",
                "the profile does not fit the indicator catalogue"
                if not batch
                else "some profiles do not fit the indicator catalogue; none was evaluated",
                problems,
            )
        decisions: list[tuple[SituationProfile, Decision]] = []
        for profile, observations in checked:
            started = time.perf_counter()
            try:
                decided = advisor.evaluate(observations, detail=detail, sensitivity=sensitivity)
                decisions.append((profile, decided))
            except EngineError:
                self.metrics.evaluations.labels(outcome="failed").inc()
                raise
            self.metrics.evaluation_time.observe(time.perf_counter() - started)
            self.metrics.evaluations.labels(outcome="decided").inc()
        now = datetime.now(UTC)
        entries = [
            LoggedDecision(
                id=str(uuid.uuid4()),
                recorded_at=now,
                ruleset=decision.ruleset,
                profile=profile.model_dump_json(),
                # compact version-2 JSON, serialised once (orjson); answered as stored unless
                # the full form was asked for (the compact one with the rule set's texts)
                decision=decision.compact().to_json_bytes().decode(),
                token=self.token,
                country=profile.country,
            )
            for profile, decision in decisions
        ]
        try:
            self.log.record(entries)
        except SQLAlchemyError as exc:
            # Not recorded, so not given: every decision a client holds is in the log.
            raise ApiError(
                503,
                "decision-log-unavailable",
                f"the decision could not be recorded, so it is not given: {type(exc).__name__}",
            ) from exc
        return [
            (entry, entry.decision if detail == "compact" else decision.to_json_bytes().decode())
            for entry, (_, decision) in zip(entries, decisions, strict=True)
        ]


def _with_id(decision_id: str, decision: str) -> str:
    # The decision as compact JSON (an object): put the id first by splicing, rather than
    # parsing and serialising it again.
    return '{"decision_id":' + json.dumps(decision_id) + "," + decision[1:]


def _profiles(document: Any, max_batch: int) -> list[Any]:
    if not isinstance(document, dict) or set(document) != {"profiles"}:
        raise ApiError(
            422,
            "invalid-batch",
            'a batch is an object with one field, "profiles": a list of profiles',
            [ProblemOut(path="$", message='expected {"profiles": [...]}', code="batch-shape")],
        )
    profiles = document["profiles"]
    if not isinstance(profiles, list) or not 1 <= len(profiles) <= max_batch:
        raise ApiError(
            422,
            "invalid-batch",
            f"profiles must be a list of 1 to {max_batch} profiles",
            [
                ProblemOut(
                    path="profiles",
                    message=f"expected a list of 1 to {max_batch} profiles",
                    code="batch-size",
                )
            ],
        )
    return profiles
