"""Profiles in, recorded decisions out: the work behind the recommendation endpoints.

Deciding (`decide`) is synchronous CPU work: checking, evaluating (the engine's C
core holds the GIL throughout) and serialising. Recording (`record`) waits for
the decision log's group commit on the event loop. One serving rule set is used
for every profile of a request, and every decision is committed to the log
before any of them is returned.
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

    def decide_one(self, document: Any, *, sensitivity: bool = False) -> list[LoggedDecision]:
        """One profile decided, not yet recorded (`record`, then `answer_one`)."""
        return self.decide([document], batch=False, sensitivity=sensitivity)

    def decide_batch(
        self, document: Any, max_batch: int, *, sensitivity: bool = False
    ) -> list[LoggedDecision]:
        """`{"profiles": [...]}`: every profile decided, or none (`record`, `answer_batch`)."""
        profiles = _profiles(document, max_batch)
        return self.decide(profiles, batch=True, sensitivity=sensitivity)

    async def record(self, entries: Sequence[LoggedDecision]) -> None:
        """Commit the decisions to the log; 503 if they cannot be (then none is given)."""
        try:
            await self.log.record_async(entries)
        except SQLAlchemyError as exc:
            # Not recorded, so not given: every decision a client holds is in the log.
            raise ApiError(
                503,
                "decision-log-unavailable",
                f"the decision could not be recorded, so it is not given: {type(exc).__name__}",
            ) from exc

    @staticmethod
    def answer_one(entries: Sequence[LoggedDecision]) -> bytes:
        """The JSON answer for one profile: the decision with its `decision_id` first."""
        (entry,) = entries
        return _with_id(entry)

    def answer_batch(self, entries: Sequence[LoggedDecision]) -> bytes:
        """The JSON answer for a batch: the rule set, then each decision with its id."""
        return b"".join(
            (
                b'{"ruleset":',
                json.dumps(self.serving.content_hash).encode(),
                b',"decisions":[',
                b",".join(_with_id(e) for e in entries),
                b"]}",
            )
        )

    def decide(
        self, documents: Sequence[Any], *, batch: bool, sensitivity: bool = False
    ) -> list[LoggedDecision]:
        """Check every profile (422 naming each problem if any is refused), then evaluate
        each; the log entries, not yet recorded."""
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
                decisions.append((profile, advisor.evaluate(observations, sensitivity=sensitivity)))
            except EngineError:
                self.metrics.evaluations.labels(outcome="failed").inc()
                raise
            self.metrics.evaluation_time.observe(time.perf_counter() - started)
            self.metrics.evaluations.labels(outcome="decided").inc()
        now = datetime.now(UTC)
        return [
            LoggedDecision(
                id=str(uuid.uuid4()),
                recorded_at=now,
                ruleset=decision.ruleset,
                profile=profile.model_dump_json(),
                # compact version-2 JSON, serialised once (orjson), answered as stored
                decision=decision.to_json_bytes().decode(),
                token=self.token,
                country=profile.country,
            )
            for profile, decision in decisions
        ]


def _with_id(entry: LoggedDecision) -> bytes:
    # The stored text is the decision as compact JSON (an object): put the id (a UUID,
    # nothing to escape) first by splicing, rather than parsing and re-serialising ~25 kB.
    return b'{"decision_id":"' + entry.id.encode() + b'",' + entry.decision[1:].encode()


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
