"""Tokens: `advisor tokens` as a real process, what is stored, the cache, the rate, migrations."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from advisor.api.access import Role, TokenStore
from advisor.api.access.cache import TokenCache
from advisor.api.access.rate import RateLimiter
from advisor.api.access.tokens import hash_token
from advisor.api.decision_log import MIGRATIONS, DecisionLog, metadata
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

TOKEN = re.compile(r"adv_[A-Za-z0-9_-]{43}")


def advisor(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    return subprocess.run(
        [sys.executable, "-m", "advisor.cli", *args],
        cwd=cwd,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -- the command


def test_tokens_add_list_revoke(tmp_path: Path) -> None:
    added = advisor("tokens", "add", "ops-laptop", "--role", "auditor", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert TOKEN.fullmatch(token)  # stdout is the token alone: TOKEN=$(advisor tokens add ...)
    assert "only time the token is shown" in added.stderr
    # the service's default database, in the working directory; only the hash is in it
    database = tmp_path / "decisions.db"
    assert token.encode() not in database.read_bytes()
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT name, role, hash FROM tokens")).all()
    finally:
        engine.dispose()
    assert stored == [("ops-laptop", "auditor", hash_token(token))]
    assert advisor("tokens", "add", "ci", "--role", "reader", cwd=tmp_path).returncode == 0

    listed = advisor("tokens", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "CREATED", "REVOKED"]
    assert [line.split()[:2] for line in lines[1:]] == [["ops-laptop", "auditor"], ["ci", "reader"]]
    assert [line.split()[3] for line in lines[1:]] == ["-", "-"]
    assert token not in listed.stdout

    revoked = advisor("tokens", "revoke", "ops-laptop", cwd=tmp_path)
    assert revoked.returncode == 0, revoked.stderr
    assert "'ops-laptop' revoked at" in revoked.stdout
    rows = json.loads(advisor("tokens", "list", "--format", "json", cwd=tmp_path).stdout)
    assert [(r["name"], r["role"], r["revoked"] is not None) for r in rows] == [
        ("ops-laptop", "auditor", True),
        ("ci", "reader", False),
    ]
    log = DecisionLog(f"sqlite:///{database}")
    try:
        assert [name for _, name, _ in TokenStore(log.engine).active()] == ["ci"]
    finally:
        log.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "ops", "--role", "reader"), "a token named 'ops' exists already"),
        (("add", "bad name", "--role", "reader"), "'bad name' is not a token name"),
        (("add", "x:y", "--role", "reader"), "'x:y' is not a token name"),
        (("add", "ci", "--role", "root"), "invalid choice: 'root'"),
        (("add", "ci"), "the following arguments are required: --role"),
        (("revoke", "nobody"), "no token is named 'nobody'"),
        (("list", "--database-url", "nope://x"), "--database-url"),
    ],
)
def test_tokens_refuses_bad_input_with_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    assert advisor("tokens", "add", "ops", "--role", "admin", cwd=tmp_path).returncode == 0
    result = advisor("tokens", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_tokens_names_an_unreachable_database_with_exit_4(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    result = advisor("tokens", "list", "--database-url", url, cwd=tmp_path)
    assert result.returncode == 4
    assert "the database cannot be used" in result.stderr


def test_tokens_uses_the_services_database_setting(tmp_path: Path, postgres_url: str) -> None:
    added = advisor(
        "tokens", "add", "pg", "--role", "reader", cwd=tmp_path,
        env={"ADVISOR_DATABASE_URL": postgres_url},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert not (tmp_path / "decisions.db").exists()
    log = DecisionLog(postgres_url)
    try:
        active = TokenStore(log.engine).active()
    finally:
        log.close()
    assert active == [(hash_token(added.stdout.strip()), "pg", Role.READER)]


# -- the cache: a revocation takes effect within its age; a new token at once


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_revocation_takes_effect_within_the_cache_age(tmp_path: Path) -> None:
    log = DecisionLog(f"sqlite:///{tmp_path / 'cache.db'}")
    log.migrate()
    store = TokenStore(log.engine)
    token = store.add("reader", Role.READER)
    clock = Clock()
    reads = 0

    def load() -> list[tuple[str, str, Role]]:
        nonlocal reads
        reads += 1
        return list(store.active())

    cache = TokenCache(load, max_age=5.0, clock=clock)
    cache.refresh()
    holder = cache.lookup(token)
    assert holder is not None
    assert (holder.name, holder.role) == ("reader", Role.READER)
    store.revoke("reader")
    clock.now += 4.9
    assert cache.fresh()
    cache.refresh()  # no read: the copy is young enough
    assert cache.lookup(token) is not None
    clock.now += 0.2
    assert not cache.fresh()
    cache.refresh()
    assert cache.lookup(token) is None
    assert not cache.any_token()
    assert reads == 2

    # a token made meanwhile works at once, but misses read the table at most once a second
    late = store.add("late", Role.ADMIN)
    assert cache.lookup(late) is None
    clock.now += 1.0
    assert cache.lookup_again(late) is not None
    assert reads == 3
    for _ in range(100):
        assert cache.lookup_again("adv_guessed") is None
    assert reads == 3
    log.close()


def test_rate_limiter_buckets_refill_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, clock=clock)
    assert [limiter.take("a") for _ in range(60)] == [0] * 60
    assert limiter.take("a") == 1  # one a second: wait a second
    assert limiter.take("b") == 0  # each token its own bucket
    clock.now += 1.0
    assert limiter.take("a") == 0
    assert limiter.take("a") == 1
    clock.now += 3600
    assert [limiter.take("a") for _ in range(60)] == [0] * 60  # full, never above
    assert limiter.take("a") == 1
    slow = RateLimiter(per_minute=2, clock=clock)
    assert [slow.take("x") for _ in range(3)] == [0, 0, 30]
    assert RateLimiter(per_minute=0, clock=clock).take("x") == 0  # 0: no limit


# -- the migration from a log without access


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_decisions_recorded_before_access_keep_no_token_and_get_their_country(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["target_metadata"] = metadata
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO decisions (id, recorded_at, ruleset, profile, decision) VALUES "
                "('11111111-1111-4111-8111-111111111111', '2025-01-01 00:00:00', 'sha256:0', "
                '\'{"country": "Niger", "indicators": {}}\', \'{}\')'
            )
        )
    log = DecisionLog(database_url)
    try:
        log.migrate()
        old = log.get("11111111-1111-4111-8111-111111111111")
        assert old is not None
        assert (old.token, old.country) == (None, "Niger")
        assert log.schema_is_current()
        with engine.begin() as connection:  # and back: the downgrade removes what it added
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
            columns = connection.execute(text("SELECT * FROM decisions")).keys()
            assert list(columns) == ["id", "recorded_at", "ruleset", "profile", "decision"]
    finally:
        log.close()
        engine.dispose()
