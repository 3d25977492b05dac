"""Access on a real `advisor serve`: loopback-only on a real interface, tokens across workers."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from advisor.api.decision_log import DecisionLog

from ..conftest import LIBYA_2024
from .server import advisor_server

pytestmark = pytest.mark.slow


def outward_address() -> str | None:
    """This machine's address on a non-loopback interface, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # UDP: picks the route, sends nothing
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


def make_token(workdir: Path, database: str, name: str, role: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "tokens", "add", name, "--role", role],
        cwd=workdir,
        env={**os.environ, "ADVISOR_DATABASE_URL": database},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def revoke(workdir: Path, database: str, name: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "advisor.cli", "tokens", "revoke", name],
        cwd=workdir,
        env={**os.environ, "ADVISOR_DATABASE_URL": database},
        capture_output=True,
        timeout=120,
        check=True,
    )


def test_without_tokens_a_client_on_another_interface_gets_403(
    tmp_path: Path, rules_dir: Path
) -> None:
    address = outward_address()
    if address is None:
        pytest.skip("this machine has no non-loopback interface")
    database = f"sqlite:///{tmp_path / 'decisions.db'}"
    with advisor_server(tmp_path, rules_dir, database, workers=1, host="0.0.0.0") as server:
        port = server.base_url.rsplit(":", 1)[1]
        # the same server, reached through the other interface: the client address is not
        # loopback (it is the machine's own outward address)
        outside = f"http://{address}:{port}"
        refused = httpx.post(f"{outside}/v1/recommendations", json=LIBYA_2024, timeout=30)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "loopback-only"
        assert "advisor tokens add" in refused.json()["error"]["message"]
        assert httpx.get(f"{outside}/healthz", timeout=30).status_code == 200
        assert httpx.get(f"{outside}/readyz", timeout=30).status_code == 200
        inside = httpx.post(f"{server.base_url}/v1/recommendations", json=LIBYA_2024, timeout=30)
        assert inside.status_code == 200
        output = server.output()
    assert "no token exists, so only clients on this machine (loopback) are served" in output


@contextlib.contextmanager
def pinned_clients(
    base_url: str, headers: dict[str, str], workers: int
) -> Iterator[dict[str, httpx.Client]]:
    """One kept-alive connection to each worker, by the worker's name."""
    pinned: dict[str, httpx.Client] = {}
    spare: list[httpx.Client] = []
    try:
        deadline = time.monotonic() + 60
        while len(pinned) < workers:
            assert time.monotonic() < deadline, pinned
            client = httpx.Client(base_url=base_url, timeout=30)
            name = client.get("/v1/ruleset", headers=headers).json()["worker"]
            if name in pinned:
                spare.append(client)
            else:
                pinned[name] = client
        yield pinned
    finally:
        for client in [*pinned.values(), *spare]:
            client.close()


def test_tokens_on_a_real_server_and_a_revocation_reaches_every_worker(
    tmp_path: Path, rules_dir: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'decisions.db'}"
    admin = {"Authorization": f"Bearer {make_token(tmp_path, database, 'ops', 'admin')}"}
    reader = {"Authorization": f"Bearer {make_token(tmp_path, database, 'partner', 'reader')}"}
    settings = {"ADVISOR_TOKEN_CACHE_SECONDS": "1"}
    with (
        advisor_server(tmp_path, rules_dir, database, headers=admin, env=settings) as server,
        pinned_clients(server.base_url, admin, workers=2) as pinned,
    ):
        base = server.base_url
        missing = httpx.post(f"{base}/v1/recommendations", json=LIBYA_2024, timeout=30)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        answer = httpx.post(f"{base}/v1/recommendations", json=LIBYA_2024, headers=reader)
        assert answer.status_code == 200
        decision_id = answer.json()["decision_id"]
        assert httpx.get(f"{base}/v1/decisions/{decision_id}", headers=reader).status_code == 200
        assert httpx.post(f"{base}/v1/ruleset/reload", headers=reader).status_code == 403
        assert httpx.post(f"{base}/v1/ruleset/reload", headers=admin).status_code == 200
        for client in pinned.values():
            assert client.get("/v1/rules", headers=reader).status_code == 200

        revoke(tmp_path, database, "partner")
        for name, client in pinned.items():
            deadline = time.monotonic() + 60
            while client.get("/v1/rules", headers=reader).status_code != 401:
                assert time.monotonic() < deadline, f"worker {name} still takes the token"
                time.sleep(0.1)
            # still the same worker on this connection, and the admin's token still works
            assert client.get("/v1/ruleset", headers=admin).json()["worker"] == name
        assert "2 active token(s)" in server.output()
    log = DecisionLog(database)
    try:
        logged = log.get(decision_id)
        assert logged is not None
        assert logged.token == "partner"
    finally:
        log.close()
