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
from typing import Any, NamedTuple

from sqlalchemy.exc import SQLAlchemyError

from advisor import Decision, EngineError, ProfileError, SituationProfile
from advisor.decision.model import Detail
from advisor.language.profile import Observations, parse_profile

from .decision_log import DecisionLog, LoggedDecision
from .errors import ApiError, ProblemOut, problem_out
from .holder import ServingRuleSet
from .metrics import Metrics

__all__ = ["Decided", "Recommender"]


class Decided(NamedTuple):
    """One decision: as the log records it (compact), and as the caller asked for it."""

    entry: LoggedDecision
    #: the decision's JSON at the requested detail (the logged text when compact)
    answer: str


@dataclass(frozen=True)
class Recommender:
    """Checks, evaluates and records profiles against one serving rule set."""

    serving: ServingRuleSet
    log: DecisionLog
    metrics: Metrics
    #: the name of the caller's token, recorded with each decision (None: no token)
    token: str | None = None

    def decide_one(
        self, document: Any, *, detail: Detail = "compact", sensitivity: bool = False
    ) -> list[Decided]:
        """One profile decided, not yet recorded (`record`, then `answer_one`)."""
        return self.decide([document], batch=False, detail=detail, sensitivity=sensitivity)

    def decide_batch(
        self,
        document: Any,
        max_batch: int,
        *,
        detail: Detail = "compact",
        sensitivity: bool = False,
    ) -> list[Decided]:
        """`{"profiles": [...]}`: every profile decided, or none (`record`, `answer_batch`)."""
        profiles = _profiles(document, max_batch)
        return self.decide(profiles, batch=True, detail=detail, sensitivity=sensitivity)

    async def record(self, decided: Sequence[Decided]) -> None:
        """Commit the decisions to the log; 503 if they cannot be (then none is given)."""
        try:
            await self.log.record_async([d.entry for d in decided])
        except SQLAlchemyError as exc:
            # Not recorded, so not given: every decision a client holds is in the log.
            raise ApiError(
                503,
                "decision-log-unavailable",
                f"the decision could not be recorded, so it is not given: {type(exc).__name__}",
            ) from exc

    @staticmethod
    def answer_one(decided: Sequence[Decided]) -> bytes:
        """The JSON answer for one profile: the decision with its `decision_id` first."""
        (one,) = decided
        return _with_id(one)

    def answer_batch(self, decided: Sequence[Decided]) -> bytes:
        """The JSON answer for a batch: the rule set, then each decision with its id."""
        return b"".join(
            (
                b'{"ruleset":',
                json.dumps(self.serving.content_hash).encode(),
                b',"decisions":[',
                b",".join(_with_id(d) for d in decided),
                b"]}",
            )
        )

    def decide(
        self,
        documents: Sequence[Any],
        *,
        batch: bool,
        detail: Detail = "compact",
        sensitivity: bool = False,
    ) -> list[Decided]:
        """Check every profile (422 naming each problem if any is refused), then evaluate
        each; the log entries, not yet recorded, with the answers."""
        checked = self._check(documents, batch)
        advisor = self.serving.advisor
        decisions: list[tuple[SituationProfile, Decision]] = []
        for profile, observations in checked:
            started = time.perf_counter()
            try:
                decided = advisor.evaluate(observations, detail=detail, sensitivity=sensitivity)
            except EngineError:
                self.metrics.evaluations.labels(outcome="failed").inc()
                raise
            decisions.append((profile, decided))
            self.metrics.evaluation_time.observe(time.perf_counter() - started)
            self.metrics.evaluations.labels(outcome="decided").inc()
        now = datetime.now(UTC)
        out = []
        for profile, decision in decisions:
            # compact version-2 JSON, serialised once (orjson); answered as logged unless
            # the full form was asked for (the compact one with the rule set's texts)
            logged = decision.compact().to_json_bytes().decode()
            entry = LoggedDecision(
                id=str(uuid.uuid4()),
                recorded_at=now,
                ruleset=decision.ruleset,
                profile=profile.model_dump_json(),
                decision=logged,
                token=self.token,
                country=profile.country,
            )
            answer = logged if detail == "compact" else decision.to_json_bytes().decode()
            out.append(Decided(entry, answer))
        return out

    def _check(
        self, documents: Sequence[Any], batch: bool
    ) -> list[tuple[SituationProfile, Observations]]:
        """Every profile checked; 422 naming each problem of every profile if any is refused."""
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
        return checked


def _with_id(decided: Decided) -> bytes:
    # The answer is the decision as compact JSON (an object): put the id (a UUID, nothing
    # to escape) first by splicing, rather than parsing and serialising it again.
    return b'{"decision_id":"' + decided.entry.id.encode() + b'",' + decided.answer[1:].encode()


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
