"""Alembic revisions of the decision log, oldest first (r0001, r0002, ...)."""
