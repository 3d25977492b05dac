"""Alembic environment: migrations run on the connection `DecisionLog.migrate` hands over."""

from __future__ import annotations

from alembic import context

from api.decision_log import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through api.decision_log.DecisionLog.migrate()")

context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
