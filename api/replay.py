"""Replay: every logged profile decided again under a candidate rule set, and what differs.

Before is the decision as logged, what the client was actually answered (read
back with `Decision.from_json`); after is the candidate's decision for the same
profile. The comparison is `advisor diff`'s (`advisor.analysis.impact`); it looks
up what each rule does in a rule set, so the logged side's rules are looked up in
the base rule set given (`--base`, by default the serving rules). A decision
logged under another rule set is still compared as logged; the report counts
those, since their "rules responsible" may then be incomplete.

The candidate evaluates here, or on a Dask cluster through `advisor batch`'s pool
(`advisor.batch.cluster`): the profiles travel as their logged JSON text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from advisor.analysis.impact import ProfileImpact, compare_decisions
from advisor.batch.evaluate import RulePackage, check
from advisor.batch.pools import in_order
from advisor.batch.rows import Refused, Row, partitions
from advisor.decide import Advisor
from advisor.decision.document import Decision
from advisor.language.ruleset import RuleSet

from .decision_log import LoggedDecision

__all__ = ["Candidate", "Replay", "ReplayedChange", "candidate_decisions", "replay"]

#: profiles per Dask task
PARTITION = 200


@dataclass(frozen=True)
class Candidate:
    """The rule set under test: compiled here, and as content for Dask workers."""

    package: RulePackage
    advisor: Advisor


@dataclass(frozen=True)
class ReplayedChange:
    """A logged decision that the candidate would answer differently."""

    decision_id: str
    recorded_at: datetime
    country: str
    impact: ProfileImpact


@dataclass
class Replay:
    """What a replay found; only the changed decisions are kept whole."""

    base: RuleSet
    candidate: RuleSet
    replayed: int = 0
    changes: list[ReplayedChange] = field(default_factory=list)
    #: decisions replayed, and changed, per country
    per_country: Counter[str] = field(default_factory=Counter)
    changed_per_country: Counter[str] = field(default_factory=Counter)
    #: decisions changed per (measure, kind of change)
    per_measure: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: logged decisions that are not readable version-2 decisions: (id, why); not replayed
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: decisions logged under a rule set other than the base, per rule set hash
    other_rulesets: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def add(self, entry: LoggedDecision, now: Decision | Refused) -> None:
        try:
            was = Decision.from_json(entry.decision)
        except ValidationError as exc:
            self.unreadable.append((entry.id, f"{exc.error_count()} problem(s) reading it"))
            return
        country = entry.country or was.country
        self.replayed += 1
        self.per_country[country] += 1
        if entry.ruleset != self.base.content_hash:
            self.other_rulesets[entry.ruleset] += 1
        if isinstance(now, Refused):
            impact = ProfileImpact(entry.id, _title(was))
            problems = "; ".join(f"`{path}`: {message}" for path, message, _, _ in now.problems)
            impact.refused = f"refused by the candidate rule set: {problems}"
        else:
            impact = compare_decisions(entry.id, self.base, was, self.candidate, now)
        if not impact.changed:
            return
        self.changed_per_country[country] += 1
        self.per_measure.update((c.measure, c.kind) for c in impact.changes)
        self.changes.append(ReplayedChange(entry.id, entry.recorded_at, country, impact))


def replay(
    entries: Iterable[LoggedDecision],
    base: RuleSet,
    candidate: Candidate,
    scheduler: str | None = None,
    connect_timeout: float = 10.0,
) -> Replay:
    """Each logged decision against the candidate's (raises `ClusterError` as `advisor
    batch` does when a scheduler is given and fails)."""
    found = Replay(base, candidate.advisor.ruleset)
    for entry, now in candidate_decisions(entries, candidate, scheduler, connect_timeout):
        found.add(entry, now)
    return found


def candidate_decisions(
    entries: Iterable[LoggedDecision],
    candidate: Candidate,
    scheduler: str | None = None,
    connect_timeout: float = 10.0,
) -> Iterator[tuple[LoggedDecision, Decision | Refused]]:
    """Each logged entry with the candidate's decision for its profile (or its refusal),
    in the entries' order."""
    if scheduler is None:
        advisor = candidate.advisor
        for entry in entries:
            checked = check(advisor, ("json", entry.profile))
            yield entry, checked if isinstance(checked, Refused) else advisor.evaluate(checked)
        return
    from advisor.batch.cluster import DaskPool

    pool = DaskPool(scheduler, candidate.package, "decisions", connect_timeout)
    waiting: dict[int, LoggedDecision] = {}

    def rows() -> Iterator[Row]:
        for position, entry in enumerate(entries, 1):
            waiting[position] = entry
            yield Row(position, entry.id, None, None, ("json", entry.profile))

    try:
        for done, results in in_order(pool, partitions(rows(), PARTITION), lambda: False):
            for row, result in zip(done, results, strict=True):
                entry = waiting.pop(row.position)
                if isinstance(result, Refused):
                    yield entry, result
                else:
                    assert isinstance(result, bytes)
                    yield entry, Decision.from_json(result)
    finally:
        pool.close()


def _title(decision: Decision) -> str:
    return f"{decision.country} ({decision.period})" if decision.period else decision.country
