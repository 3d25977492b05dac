"""The access log: who read which decision, and when.

A row for every decision a caller reads (`read`), sees summarised in a list
(`list`), or asks for while it belongs to another token (`denied`). Reads and
list entries are written before the answer is given, like decisions: if the
access log cannot be written, the decision is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Column, DateTime, Engine, Integer, String, Table, insert, select

from ..decision_log import metadata

__all__ = ["AccessEntry", "AccessLog", "Action", "access_log"]

Action = Literal["read", "list", "denied"]

access_log = Table(
    "access_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("token", String(64), nullable=True),
    Column("client", String(64), nullable=True),
    Column("decision_id", String(36), nullable=False, index=True),
    Column("action", String(16), nullable=False),
)


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    #: the token's name; None for a loopback client while no token existed
    token: str | None
    client: str | None
    decision_id: str
    action: str


class AccessLog:
    """Writes and reads the access log (the decision log's database)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self,
        token: str | None,
        client: str | None,
        decision_ids: Iterable[str],
        action: Action,
    ) -> None:
        """One row per decision, in one transaction; returns once committed."""
        now = datetime.now(UTC)
        rows = [
            {
                "at": now,
                "token": token,
                "client": client,
                "decision_id": decision_id,
                "action": action,
            }
            for decision_id in decision_ids
        ]
        if not rows:
            return
        with self.engine.begin() as connection:
            connection.execute(insert(access_log), rows)

    def entries(self, decision_id: str | None = None) -> list[AccessEntry]:
        """Rows in the order written, all or for one decision (for audits and tests)."""
        query = select(access_log).order_by(access_log.c.id)
        if decision_id is not None:
            query = query.where(access_log.c.decision_id == decision_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            AccessEntry(
                row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC),
                row.token,
                row.client,
                row.decision_id,
                row.action,
            )
            for row in rows
        ]
