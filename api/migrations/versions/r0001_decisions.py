"""The decisions table.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ruleset", sa.String(80), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
    )
    op.create_index("ix_decisions_recorded_at", "decisions", ["recorded_at"])
    op.create_index("ix_decisions_ruleset", "decisions", ["ruleset"])


def downgrade() -> None:
    op.drop_index("ix_decisions_ruleset", table_name="decisions")
    op.drop_index("ix_decisions_recorded_at", table_name="decisions")
    op.drop_table("decisions")
