"""Fixtures of the service tests: a rule directory of their own, apps, a PostgreSQL server."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from advisor.api import Settings, create_app
from fastapi.testclient import TestClient

from ..conftest import BASIC_RULES
from .postgres import PostgresServer, find_binaries, postgres_server

ADMIN_TOKEN = "test-admin-token"
#: the client address of in-process requests: loopback, as the service admits while no token
#: exists (TestClient's own default, "testclient", is no address and would get 403)
LOCAL = ("127.0.0.1", 50000)


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A copy of the basic rule set that a test may break."""
    target = tmp_path / "rules"
    shutil.copytree(BASIC_RULES, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, rules_dir: Path) -> Settings:
    return Settings(
        rules_dir=rules_dir,
        database_url=f"sqlite:///{tmp_path / 'decisions.db'}",
        max_body_bytes=20_000,
        max_batch=5,
        reload_interval=0,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), client=LOCAL) as client:
        yield client


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server on loopback for the session; skips (fails under CI) without one."""
    binaries = find_binaries()
    if binaries is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs them")
        pytest.skip(message)
    with postgres_server(binaries) as server:
        yield server


_databases = itertools.count()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A fresh, empty database on the session's server."""
    return postgres.create_database(f"advisor_{os.getpid()}_{next(_databases)}")
