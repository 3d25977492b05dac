"""Pages of the decision log, newest first: what `GET /v1/decisions` lists, and what
`advisor decisions export` and `advisor replay` read (the same filter, the same order).

A page is cut by keyset, not offset: the cursor names the last decision shown
(its time and id), so a page costs the same however deep it is and decisions
recorded meanwhile do not shift the pages. Decisions of one batch share a time,
so the id breaks the tie.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Select, and_, or_, select

from .decision_log import LoggedDecision, decisions

__all__ = [
    "CURSOR_PATTERN",
    "BadCursor",
    "DecisionFilter",
    "DecisionQuery",
    "DecisionSummary",
    "Page",
]

#: any text of this form is a cursor: up to 16 digits (before the year 2286) and a decision id
CURSOR_PATTERN = re.compile(
    r"[0-9]{1,16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BadCursor(ValueError):
    """A cursor this service did not give."""


@dataclass(frozen=True)
class DecisionSummary:
    id: str
    recorded_at: datetime
    ruleset: str
    country: str | None
    token: str | None


@dataclass(frozen=True)
class DecisionFilter:
    country: str | None = None
    ruleset: str | None = None
    #: recorded at or after
    since: datetime | None = None
    #: recorded before
    until: datetime | None = None


@dataclass(frozen=True)
class Page:
    decisions: list[DecisionSummary]
    #: the cursor of the next page; None on the last
    next: str | None


class DecisionQuery:
    """Reads pages of decision summaries (never their profiles or decisions)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def page(self, where: DecisionFilter, limit: int, cursor: str | None = None) -> Page:
        query = select(
            decisions.c.id,
            decisions.c.recorded_at,
            decisions.c.ruleset,
            decisions.c.country,
            decisions.c.token,
        )
        with self.engine.connect() as connection:
            rows = connection.execute(_newest_first(query, where, cursor, limit + 1)).all()
        found = [
            DecisionSummary(row.id, _stored(row.recorded_at), row.ruleset, row.country, row.token)
            for row in rows[:limit]
        ]
        more = len(rows) > limit
        return Page(found, encode_cursor(found[-1]) if more and found else None)

    def records(self, where: DecisionFilter, batch: int = 500) -> Iterator[LoggedDecision]:
        """Every decision the filter selects, whole, in the listing's order (newest first).

        Read page by page with the listing's cursor, so no read transaction stays open
        while the caller works (an export or a replay can take minutes)."""
        cursor: str | None = None
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(_newest_first(select(decisions), where, cursor, batch))
                found = [
                    LoggedDecision(
                        row.id,
                        _stored(row.recorded_at),
                        row.ruleset,
                        row.profile,
                        row.decision,
                        row.token,
                        row.country,
                    )
                    for row in rows
                ]
            yield from found
            if len(found) < batch:
                return
            cursor = encode_cursor(found[-1])


def _newest_first(
    query: Select[Any], where: DecisionFilter, cursor: str | None, limit: int
) -> Select[Any]:
    """`query` narrowed to the filter and to what comes after the cursor, newest first."""
    if where.country is not None:
        query = query.where(decisions.c.country == where.country)
    if where.ruleset is not None:
        query = query.where(decisions.c.ruleset == where.ruleset)
    if where.since is not None:
        query = query.where(decisions.c.recorded_at >= _utc(where.since))
    if where.until is not None:
        query = query.where(decisions.c.recorded_at < _utc(where.until))
    if cursor is not None:
        at, last = decode_cursor(cursor)
        query = query.where(
            or_(
                decisions.c.recorded_at < at,
                and_(decisions.c.recorded_at == at, decisions.c.id < last),
            )
        )
    return query.order_by(decisions.c.recorded_at.desc(), decisions.c.id.desc()).limit(limit)


def encode_cursor(last: DecisionSummary | LoggedDecision) -> str:
    """`<microseconds since 1970, UTC>_<id>` of the last decision on a page."""
    micros = (last.recorded_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{last.id}"


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """(time, id) of the last decision of the page before; `BadCursor` if it is not one."""
    if CURSOR_PATTERN.fullmatch(cursor) is None:
        raise BadCursor("not a cursor: use the `next` of a page")
    micros, _, last = cursor.partition("_")
    return _EPOCH + timedelta(microseconds=int(micros)), last


def _utc(moment: datetime) -> datetime:
    """In UTC, as every time is stored (SQLite keeps only the digits); no zone means UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _stored(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
