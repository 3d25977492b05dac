"""Alembic migrations of the decision log, run by `api.decision_log.DecisionLog.migrate`."""
