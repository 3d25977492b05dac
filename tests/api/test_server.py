"""`advisor serve` for real: a supervisor and two worker processes on a loopback port."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from advisor.api.decision_log import DecisionLog

from advisor import Advisor

from ..conftest import LIBYA_2024
from .server import advisor_server

pytestmark = pytest.mark.slow


def test_the_service_end_to_end(tmp_path: Path, rules_dir: Path) -> None:
    database = f"sqlite:///{tmp_path / 'decisions.db'}"
    with advisor_server(tmp_path, rules_dir, database) as server:
        ids = []
        for _ in range(10):  # a connection each, so that both workers answer some
            response = httpx.post(f"{server.base_url}/v1/recommendations", json=LIBYA_2024)
            assert response.status_code == 200
            ids.append(response.json()["decision_id"])
        with server.client() as client:
            yaml_answer = client.post(
                "/v1/recommendations",
                content=b"country: Libya\nindicators: {goci.human_smuggling: 9.5}\n",
                headers={"content-type": "application/yaml"},
            )
            assert yaml_answer.status_code == 200
            ids.append(yaml_answer.json()["decision_id"])
            batch = client.post("/v1/recommendations/batch", json={"profiles": [LIBYA_2024] * 3})
            ids += [d["decision_id"] for d in batch.json()["decisions"]]
            refused = client.post(
                "/v1/recommendations", json={"country": "X", "indicators": {"fsi.totl": 1}}
            )
            assert refused.status_code == 422
            assert refused.json()["error"]["problems"][0]["path"] == "indicators.fsi.totl"
            record = client.get(f"/v1/decisions/{ids[0]}")
            assert record.json()["decision"]["country"] == "Libya"
            for path in ("/v1/indicators", "/v1/measures", "/v1/signals", "/v1/rules"):
                assert client.get(path).status_code == 200
            assert client.get("/v1/rules/smuggling-border").json()["id"] == "smuggling-border"
            status = client.get("/v1/ruleset").json()
            assert status["content_hash"] == Advisor.from_directory(rules_dir).ruleset.content_hash
            assert client.get("/healthz").json() == {"status": "ok"}
            # Samples of both workers are summed, whichever of them answers the scrape.
            metrics = client.get("/metrics").text
            # Without TCP_NODELAY on the shared socket each keep-alive answer waited >= 40 ms.
            times = []
            for _ in range(21):
                started = time.perf_counter()
                assert client.get("/v1/ruleset").status_code == 200
                times.append(time.perf_counter() - started)
            assert statistics.median(times) < 0.035, times
        assert 'advisor_evaluations_total{outcome="decided"} 14.0' in metrics
        assert 'advisor_evaluations_total{outcome="refused"} 1.0' in metrics
        assert (
            'advisor_http_requests_total{method="POST",route="/v1/recommendations",status="200"}'
            " 11.0" in metrics
        )
    assert server.process.returncode == 0
    for pid in server.workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    log = DecisionLog(database)
    try:
        assert log.ids() == set(ids)
    finally:
        log.close()


def test_admin_reload_reaches_every_worker(tmp_path: Path, rules_dir: Path) -> None:
    database = f"sqlite:///{tmp_path / 'decisions.db'}"
    rules = rules_dir / "rules.yaml"
    with advisor_server(tmp_path, rules_dir, database) as server:
        before = server.worker_names(2)
        old_hash = httpx.get(f"{server.base_url}/v1/ruleset").json()["content_hash"]
        # Same size, same times: the watchers see no change, only the reload request.
        stat = rules.stat()
        text = rules.read_text(encoding="utf-8")
        edited = text.replace(
            "political-dialogue, priority: medium}", "political-dialogue, priority: high  }"
        )
        assert len(edited) == len(text)
        assert edited != text
        rules.write_text(edited, encoding="utf-8")
        os.utime(rules, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        time.sleep(1)
        assert httpx.get(f"{server.base_url}/v1/ruleset").json()["content_hash"] == old_hash
        reloaded = httpx.post(f"{server.base_url}/v1/ruleset/reload")  # loopback: no token yet
        assert reloaded.status_code == 200
        new_hash = reloaded.json()["content_hash"]
        assert new_hash != old_hash
        hashes: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while set(hashes.values()) != {new_hash} or set(hashes) != before:
            assert time.monotonic() < deadline, hashes
            status = httpx.get(f"{server.base_url}/v1/ruleset").json()
            hashes[status["worker"]] = status["content_hash"]


def test_serve_refuses_to_start_on_broken_rules(tmp_path: Path, rules_dir: Path) -> None:
    rules = rules_dir / "rules.yaml"
    rules.write_text(rules.read_text().replace("wgi.rule_of_law <= -1.5", "wgi.rule_of_lw <= -1.5"))
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "serve", "--rules", "rules", "--port", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert (
        'rules/rules.yaml:60:38: unknown indicator "wgi.rule_of_lw" '
        '(did you mean "wgi.rule_of_law"?)' in result.stderr
    )
    assert "the service was not started" in result.stderr


def test_serve_refuses_bad_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "serve", "--workers", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "workers" in result.stderr
