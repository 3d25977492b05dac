"""Who may ask what, through the ASGI app on a real SQLite or PostgreSQL database.

Loopback-only while no token exists; once one does, a token on every /v1
request (401 without), the role it needs (403), a reader's decisions its own
(404 for another's), every read in the access log, and a rate per token (429).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from advisor.api import Settings, create_app
from advisor.api.access import Role, TokenStore
from advisor.api.access.audit import AccessLog
from advisor.api.decision_log import DecisionLog
from fastapi.testclient import TestClient
from pydantic import SecretStr

from ..conftest import LIBYA_2024
from .conftest import LOCAL
from .test_endpoints import error_of

#: an address of another machine (TEST-NET-1), as the ASGI scope gives it
REMOTE = ("192.0.2.7", 40000)
HOLDERS = {
    "reader": Role.READER,
    "other-reader": Role.READER,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMIN,
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'access.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'access.db'}"


def make_tokens(url: str) -> dict[str, str]:
    """A token for each holder in HOLDERS, made as `advisor tokens add` makes them."""
    log = DecisionLog(url)
    try:
        log.migrate()
        store = TokenStore(log.engine)
        return {name: store.add(name, role) for name, role in HOLDERS.items()}
    finally:
        log.close()


def secured_client(settings: Settings, url: str, **changes: Any) -> TestClient:
    update = {"database_url": url, "token_cache_seconds": 0, **changes}
    return TestClient(create_app(settings.model_copy(update=update)), client=LOCAL)


def as_(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def recommend(client: TestClient, token: str, country: str = "Libya") -> str:
    response = client.post(
        "/v1/recommendations", json={**LIBYA_2024, "country": country}, headers=as_(token)
    )
    assert response.status_code == 200, response.text
    decision_id: str = response.json()["decision_id"]
    return decision_id


# -- no token yet: loopback clients only


def test_without_tokens_only_loopback_clients_are_served(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)
    remote = TestClient(app, client=REMOTE)  # shares the app the other one starts
    with TestClient(app, client=LOCAL) as local:
        detail = error_of(remote.get("/v1/indicators"), 403, "loopback-only")
        assert "advisor tokens add NAME --role" in detail["message"]
        error_of(remote.post("/v1/recommendations", json=LIBYA_2024), 403, "loopback-only")
        error_of(remote.get("/openapi.json"), 403, "loopback-only")
        # the health endpoints stay open to anyone
        assert remote.get("/healthz").status_code == 200
        assert remote.get("/readyz").status_code == 200
        assert remote.get("/metrics").status_code == 200
        # a token sent while none exists does not open the door
        error_of(remote.get("/v1/rules", headers=as_("adv_made_up")), 403, "loopback-only")
        assert local.get("/v1/indicators").status_code == 200
        decision_id = local.post("/v1/recommendations", json=LIBYA_2024).json()["decision_id"]
        assert local.get(f"/v1/decisions/{decision_id}").status_code == 200
        assert local.get("/v1/decisions").status_code == 200
    assert "only clients on this machine (loopback) are served" in caplog.text
    log = DecisionLog(settings.database_url)
    try:
        logged = log.get(decision_id)
        assert logged is not None
        assert logged.token is None  # written without a token
        assert logged.country == "Libya"
        entries = AccessLog(log.engine).entries(decision_id)
        assert [(e.token, e.client, e.action) for e in entries] == [
            (None, "127.0.0.1", "read"),
            (None, "127.0.0.1", "list"),
        ]
    finally:
        log.close()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.0.2.7", False),
        ("::ffff:192.0.2.7", False),
        ("2001:db8::1", False),
        ("testclient", False),
        ("localhost", False),  # a name is not an address: refused rather than looked up
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    from advisor.api.access.guard import is_loopback

    assert is_loopback(host) is loopback


# -- with tokens: 401, 403


def test_once_a_token_exists_every_v1_endpoint_needs_one(
    settings: Settings, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="advisor.api")
    make_tokens(sqlite_url)
    app = create_app(settings.model_copy(update={"database_url": sqlite_url}))
    with TestClient(app, client=LOCAL) as client:
        v1 = [
            (method.upper(), path)
            for path, operations in app.openapi()["paths"].items()
            if path.startswith("/v1/")
            for method in operations
        ]
        assert len(v1) == 22  # the workbench's read-only /v1/workbench endpoints included
        for method, template in v1:
            path = re.sub(r"\{[^}]+\}", "x", template)
            response = client.request(method, path)
            detail = error_of(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == "Bearer", path
            assert "Authorization: Bearer" in detail["message"]
        # and for routes that do not exist, so that none answers without a token
        error_of(client.get("/v1/nowhere"), 401, "unauthorized")
        for open_path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
            assert client.get(open_path).status_code == 200, open_path
    assert "4 active token(s); every /v1 request needs Authorization: Bearer" in caplog.text


def test_unknown_revoked_and_malformed_tokens_get_401(settings: Settings, sqlite_url: str) -> None:
    tokens = make_tokens(sqlite_url)
    with secured_client(settings, sqlite_url) as client:
        unknown = client.get("/v1/rules", headers=as_("adv_" + "x" * 43))
        error_of(unknown, 401, "unauthorized")
        assert unknown.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        for header in (f"Basic {tokens['admin']}", "Bearer", "Bearer  ", tokens["admin"]):
            response = client.get("/v1/rules", headers={"Authorization": header})
            error_of(response, 401, "unauthorized")
            assert response.headers["www-authenticate"] == 'Bearer error="invalid_request"'
        assert client.get("/v1/rules", headers=as_(tokens["reader"])).status_code == 200
        assert client.get("/v1/rules", headers={"authorization": f"bearer {tokens['reader']}"})
        log = DecisionLog(sqlite_url)
        try:
            TokenStore(log.engine).revoke("reader")
        finally:
            log.close()
        # token_cache_seconds=0: the next request reads the table again
        error_of(client.get("/v1/rules", headers=as_(tokens["reader"])), 401, "unauthorized")
        assert client.get("/v1/rules", headers=as_(tokens["other-reader"])).status_code == 200


def test_each_role_may_do_what_it_may_and_no_more(settings: Settings, sqlite_url: str) -> None:
    tokens = make_tokens(sqlite_url)
    with secured_client(settings, sqlite_url) as client:
        for name in HOLDERS:
            token = tokens[name]
            assert client.get("/v1/indicators", headers=as_(token)).status_code == 200
            assert client.get("/v1/ruleset", headers=as_(token)).status_code == 200
            recommend(client, token)
        for name in ("reader", "auditor"):
            detail = error_of(
                client.post("/v1/ruleset/reload", headers=as_(tokens[name])), 403, "forbidden"
            )
            assert "admin role" in detail["message"]
            assert name in detail["message"]
        listing = client.get("/v1/decisions", headers=as_(tokens["reader"]))
        detail = error_of(listing, 403, "forbidden")
        assert "auditor role" in detail["message"]
        assert client.get("/v1/decisions", headers=as_(tokens["auditor"])).status_code == 200
        assert client.get("/v1/decisions", headers=as_(tokens["admin"])).status_code == 200
        reloaded = client.post("/v1/ruleset/reload", headers=as_(tokens["admin"]))
        assert reloaded.status_code == 200, reloaded.text


def test_the_environment_admin_token_is_one_more_admin(settings: Settings) -> None:
    secret = SecretStr("from-the-environment")
    app = create_app(settings.model_copy(update={"admin_token": secret}))
    with TestClient(app, client=LOCAL) as client:
        error_of(client.get("/v1/rules"), 401, "unauthorized")  # a token exists: needed
        assert client.post("/v1/ruleset/reload", headers=as_("from-the-environment")).is_success
        decision_id = recommend(client, "from-the-environment")
    log = DecisionLog(settings.database_url)
    try:
        logged = log.get(decision_id)
        assert logged is not None
        assert logged.token == "env:ADVISOR_ADMIN_TOKEN"
    finally:
        log.close()


# -- whose decision: 404 for another reader's, and the access log


def test_a_reader_reads_only_its_own_decisions_and_every_read_is_logged(
    settings: Settings, database_url: str
) -> None:
    tokens = make_tokens(database_url)
    with secured_client(settings, database_url) as client:
        mine = recommend(client, tokens["reader"])
        own = client.get(f"/v1/decisions/{mine}", headers=as_(tokens["reader"]))
        assert own.status_code == 200
        assert own.json()["profile"]["country"] == "Libya"
        theirs = client.get(f"/v1/decisions/{mine}", headers=as_(tokens["other-reader"]))
        missing_id = "00000000-0000-4000-8000-000000000000"
        missing = client.get(f"/v1/decisions/{missing_id}", headers=as_(tokens["other-reader"]))
        # the same answer as for an id that does not exist: ids do not leak
        assert error_of(theirs, 404, "not-found")["message"] == error_of(missing, 404, "not-found")[
            "message"
        ].replace(missing_id, mine)
        for name in ("auditor", "admin"):
            response = client.get(f"/v1/decisions/{mine}", headers=as_(tokens[name]))
            assert response.json() == own.json()
    log = DecisionLog(database_url)
    try:
        logged = log.get(mine)
        assert logged is not None
        assert logged.token == "reader"
        entries = AccessLog(log.engine).entries(mine)
        assert [(e.token, e.action) for e in entries] == [
            ("reader", "read"),
            ("other-reader", "denied"),
            ("auditor", "read"),
            ("admin", "read"),
        ]
        assert {e.client for e in entries} == {"127.0.0.1"}
        assert all(e.at.tzinfo is not None for e in entries)
        assert entries == sorted(entries, key=lambda e: e.at)
        assert AccessLog(log.engine).entries(missing_id) == []  # nothing there to read
    finally:
        log.close()


# -- the list


def test_auditors_list_decisions_newest_first_page_by_page(
    settings: Settings, database_url: str
) -> None:
    tokens = make_tokens(database_url)
    with secured_client(settings, database_url) as client:
        written = [recommend(client, tokens["reader"], country=f"C{i % 3}") for i in range(7)]
        batch = client.post(
            "/v1/recommendations/batch",
            json={"profiles": [LIBYA_2024, LIBYA_2024]},  # two decisions, one time
            headers=as_(tokens["other-reader"]),
        )
        written += [d["decision_id"] for d in batch.json()["decisions"]]
        auditor = as_(tokens["auditor"])
        seen: list[dict[str, Any]] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 4} | ({"cursor": cursor} if cursor else {})
            page = client.get("/v1/decisions", params=params, headers=auditor).json()
            seen += page["decisions"]
            pages += 1
            cursor = page["next"]
            if cursor is None:
                break
        assert pages == 3
        assert sorted(d["decision_id"] for d in seen) == sorted(written)
        times = [d["recorded_at"] for d in seen]
        assert times == sorted(times, reverse=True)
        assert seen[-1]["decision_id"] == written[0]  # the oldest last
        assert {d["token"] for d in seen} == {"reader", "other-reader"}
        assert set(seen[0]) == {"decision_id", "recorded_at", "ruleset", "country", "token"}

        def listed(**params: Any) -> list[str]:
            response = client.get("/v1/decisions", params=params, headers=auditor)
            assert response.status_code == 200, response.text
            return [d["decision_id"] for d in response.json()["decisions"]]

        assert listed(country="C1") == [written[4], written[1]]
        assert listed(country="Libya") == sorted(written[7:], reverse=True)
        assert listed(ruleset=seen[0]["ruleset"], limit=500) == [d["decision_id"] for d in seen]
        assert listed(ruleset="sha256:other") == []
        middle = seen[4]["recorded_at"]
        assert listed(since=middle, limit=500) == [d["decision_id"] for d in seen[:5]]
        assert listed(until=middle, limit=500) == [d["decision_id"] for d in seen[5:]]
    log = DecisionLog(database_url)
    try:
        entries = AccessLog(log.engine).entries(written[0])
        assert ("auditor", "list") in {(e.token, e.action) for e in entries}
    finally:
        log.close()


def test_a_filtered_list_pages_through_the_filter_unshifted_by_new_decisions(
    settings: Settings, sqlite_url: str
) -> None:
    tokens = make_tokens(sqlite_url)
    with secured_client(settings, sqlite_url) as client:
        written = [recommend(client, tokens["reader"], country=f"C{i % 2}") for i in range(7)]
        auditor = as_(tokens["auditor"])

        def page(**params: Any) -> dict[str, Any]:
            response = client.get("/v1/decisions", params=params, headers=auditor)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        first = page(country="C0", limit=2)
        assert [d["decision_id"] for d in first["decisions"]] == [written[6], written[4]]
        recommend(client, tokens["reader"], country="C0")  # newer: on no later page
        second = page(country="C0", limit=2, cursor=first["next"])
        assert [d["decision_id"] for d in second["decisions"]] == [written[2], written[0]]
        assert second["next"] is None
        # since and until together: a window, each end as the single filters treat it
        times = [d["recorded_at"] for d in page(limit=500)["decisions"]]
        window = page(since=times[5], until=times[2], limit=500)["decisions"]
        assert [d["recorded_at"] for d in window] == times[3:6]
        both = page(since=times[5], until=times[2], country="C1", limit=500)["decisions"]
        assert {d["country"] for d in both} == {"C1"}
        assert {d["decision_id"] for d in both} < {d["decision_id"] for d in window}


def test_the_list_refuses_bad_filters_naming_them(settings: Settings, sqlite_url: str) -> None:
    tokens = make_tokens(sqlite_url)
    with secured_client(settings, sqlite_url) as client:
        auditor = as_(tokens["auditor"])
        for params, name in [
            ({"cursor": "not-a-cursor"}, "query.cursor"),
            ({"since": "0.05"}, "query.since"),  # not seconds since 1970
            ({"since": "2026-01-31T00:00:00"}, "query.since"),  # a time needs its zone
            ({"until": "2026-02-30T00:00:00Z"}, "query.until"),
            ({"limit": 0}, "query.limit"),
            ({"limit": 501}, "query.limit"),
        ]:
            response = client.get("/v1/decisions", params=params, headers=auditor)
            detail = error_of(response, 422, "invalid-request")
            assert [p["path"] for p in detail["problems"]] == [name], params


# -- the rate per token


def test_a_token_over_its_rate_gets_429_with_retry_after(
    settings: Settings, sqlite_url: str
) -> None:
    tokens = make_tokens(sqlite_url)
    with secured_client(settings, sqlite_url, rate_per_minute=3) as client:
        reader = as_(tokens["reader"])
        for _ in range(3):
            assert client.get("/v1/rules", headers=reader).status_code == 200
        limited = client.get("/v1/rules", headers=reader)
        detail = error_of(limited, 429, "rate-limited")
        assert "3 requests a minute" in detail["message"]
        assert 1 <= int(limited.headers["retry-after"]) <= 20
        # another token has its own bucket; the health endpoints count for nobody
        assert client.get("/v1/rules", headers=as_(tokens["auditor"])).status_code == 200
        assert client.get("/healthz", headers=reader).status_code == 200


# -- /v1/ruleset and the catalogues: no absolute paths, no PIDs


def test_no_absolute_path_or_pid_is_shown(
    client: TestClient, rules_dir: Path, tmp_path: Path
) -> None:
    assert not rules_dir.is_relative_to(Path.cwd())  # the core would show absolute paths
    rules = rules_dir / "rules.yaml"
    rules.write_text(rules.read_text().replace("wgi.rule_of_law <= -1.5", "wgi.rule_of_lw <= -1.5"))
    refused = client.post("/v1/ruleset/reload")
    assert refused.status_code == 422
    status = client.get("/v1/ruleset")
    assert status.status_code == 200
    (problem,) = status.json()["last_reload_error"]["problems"]
    assert problem["location"] == {"file": "rules.yaml", "line": 60, "column": 38}
    assert refused.json()["error"]["problems"][0]["location"]["file"] == "rules.yaml"
    assert status.json()["worker"] != str(os.getpid())
    assert re.fullmatch(r"[0-9a-f]{8}", status.json()["worker"])
    assert "directory" not in status.json()
    for path in ("/v1/ruleset", "/v1/indicators", "/v1/measures", "/v1/signals", "/v1/rules"):
        assert str(tmp_path) not in client.get(path).text, path
