"""Alembic environment: migrations run on the connection `DecisionLog.migrate` hands over."""

from __future__ import annotations

from alembic import context

# Both come from the caller rather than an import: this file is loaded by path, outside the
# package, and type checkers see the service folder under its source name.
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through advisor.api.decision_log.DecisionLog.migrate()")

context.configure(
    connection=connection, target_metadata=context.config.attributes["target_metadata"]
)
with context.begin_transaction():
    context.run_migrations()
