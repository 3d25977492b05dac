"""The entry point of one worker process under `advisor serve`: settings from the environment."""

from __future__ import annotations

from fastapi import FastAPI

from .app import create_app
from .settings import Settings

__all__ = ["app_from_env"]


def app_from_env() -> FastAPI:
    """uvicorn's factory: `ADVISOR_*` variables, as `advisor serve` exported them."""
    return create_app(Settings())
