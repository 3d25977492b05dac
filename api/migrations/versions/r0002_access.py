"""Access: tokens, which token wrote each decision, and who read which decision.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05

Decisions recorded before this revision have no token (NULL): they were written
without credentials. Their `country` is copied out of the stored profile so the
decision list can filter on it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "tokens",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("decisions", sa.Column("token", sa.String(64), nullable=True))
    op.add_column("decisions", sa.Column("country", sa.String(120), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE decisions SET country = (profile::json ->> 'country')")
    else:
        op.execute("UPDATE decisions SET country = json_extract(profile, '$.country')")
    op.create_index("ix_decisions_country", "decisions", ["country", "recorded_at"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        # NULL: a loopback client while no token existed
        sa.Column("token", sa.String(64), nullable=True),
        sa.Column("client", sa.String(64), nullable=True),
        sa.Column("decision_id", sa.String(36), nullable=False),
        # read: the whole decision; list: its summary in a list; denied: not the caller's
        sa.Column("action", sa.String(16), nullable=False),
    )
    op.create_index("ix_access_log_decision_id", "access_log", ["decision_id"])
    op.create_index("ix_access_log_at", "access_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_access_log_at", table_name="access_log")
    op.drop_index("ix_access_log_decision_id", table_name="access_log")
    op.drop_table("access_log")
    op.drop_index("ix_decisions_country", table_name="decisions")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("country")
        batch.drop_column("token")
    op.drop_table("tokens")
