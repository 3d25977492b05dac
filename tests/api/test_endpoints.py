"""Every endpoint and every refusal, through the ASGI app (TestClient), on a real SQLite log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from advisor.api import Settings, create_app
from advisor.api.decision_log import DecisionLog
from advisor.api.errors import ErrorBody
from fastapi.testclient import TestClient
from httpx2 import Response

from advisor import Advisor

from ..conftest import LIBYA_2024
from .conftest import ADMIN_TOKEN, LOCAL

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def error_of(response: Response, status: int, code: str) -> dict[str, Any]:
    """The error detail, after checking the one shape every error has."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = ErrorBody.model_validate(response.json())
    assert (body.error.status, body.error.code) == (status, code)
    detail: dict[str, Any] = response.json()["error"]
    return detail


def paths(detail: dict[str, Any]) -> dict[str, str]:
    return {p["path"]: p["code"] for p in detail["problems"]}


# -- recommendations


def test_decision_is_what_the_cli_prints_plus_its_id(
    client: TestClient, rules_dir: Path, tmp_path: Path
) -> None:
    response = client.post("/v1/recommendations", json=LIBYA_2024)
    assert response.status_code == 200
    answer = response.json()
    decision_id = answer.pop("decision_id")
    profile = tmp_path / "libya.json"
    profile.write_text(json.dumps(LIBYA_2024), encoding="utf-8")
    command = [sys.executable, "-m", "advisor.cli", "recommend", str(profile)]
    cli = subprocess.run(
        [*command, "--rules", str(rules_dir), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert answer == json.loads(cli.stdout)
    assert next(iter(response.json())) == "decision_id"
    assert len(decision_id) == 36


def test_sensitivity_on_request_matches_the_library(client: TestClient, rules_dir: Path) -> None:
    plain = client.post("/v1/recommendations", json=LIBYA_2024)
    assert "sensitivity" not in plain.json()  # left out when not asked for
    asked = client.post("/v1/recommendations?sensitivity=true", json=LIBYA_2024)
    assert asked.status_code == 200, asked.text
    advisor = Advisor.from_directory(rules_dir)
    try:
        expected = json.loads(advisor.evaluate(LIBYA_2024, sensitivity=True).to_json())
    finally:
        advisor.close()
    assert asked.json()["sensitivity"] == expected["sensitivity"]
    assert asked.json()["sensitivity"]  # one entry per recommendation
    batch = client.post(
        "/v1/recommendations/batch?sensitivity=true", json={"profiles": [LIBYA_2024]}
    )
    assert batch.json()["decisions"][0]["sensitivity"] == expected["sensitivity"]


def test_decision_is_recorded_and_read_back(client: TestClient) -> None:
    answer = client.post("/v1/recommendations", json=LIBYA_2024).json()
    record = client.get(f"/v1/decisions/{answer['decision_id']}")
    assert record.status_code == 200
    body = record.json()
    assert body["decision_id"] == answer.pop("decision_id")
    assert body["decision"] == answer
    assert body["ruleset"] == answer["ruleset"]
    assert body["profile"]["indicators"] == LIBYA_2024["indicators"]
    assert body["recorded_at"].endswith("Z")


def test_yaml_body_gives_the_same_decision(client: TestClient) -> None:
    yaml_body = """
country: Libya
period: "2024"
indicators:
  goci.human_smuggling: 9.5
  wgi.rule_of_law: -1.77
  fsi.p3_human_rights: 9.4
  migration.departures: {2022: 53000, 2023: 51700, 2024: 36468}
  local.rival_governments: true
  local.border_control: weak
  acled.events: 227
"""
    from_yaml = client.post(
        "/v1/recommendations",
        content=yaml_body.encode(),
        headers={"content-type": "application/yaml"},
    )
    from_json = client.post("/v1/recommendations", json=LIBYA_2024)
    assert from_yaml.status_code == 200, from_yaml.text
    first, second = from_yaml.json(), from_json.json()
    assert first.pop("decision_id") != second.pop("decision_id")
    assert first == second


@pytest.mark.parametrize(
    ("indicators", "path", "code"),
    [
        ({"wgi.rule_of_lw": -1.0}, "indicators.wgi.rule_of_lw", "unknown-indicator"),
        ({"goci.human_smuggling": "high"}, "indicators.goci.human_smuggling", "value-type"),
        ({"goci.human_smuggling": 11}, "indicators.goci.human_smuggling", "out-of-range"),
        ({"acled.events": 2.5}, "indicators.acled.events", "value-type"),
        ({"local.border_control": "wek"}, "indicators.local.border_control", "unknown-category"),
        ({"local.rival_governments": "yes"}, "indicators.local.rival_governments", "value-type"),
        ({"migration.departures": {"24": 1}}, "indicators.migration.departures.24", "period"),
        ({"acled.events": 10**400}, "indicators.acled.events", "not-finite"),
    ],
)
def test_profile_problems_are_422_naming_the_path(
    client: TestClient, indicators: dict[str, Any], path: str, code: str
) -> None:
    response = client.post("/v1/recommendations", json={"country": "X", "indicators": indicators})
    detail = error_of(response, 422, "invalid-profile")
    assert paths(detail) == {path: code}


def test_unknown_indicator_comes_with_a_suggestion(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations", json={"country": "X", "indicators": {"wgi.rule_of_lw": -1.0}}
    )
    (problem,) = error_of(response, 422, "invalid-profile")["problems"]
    assert problem["suggestion"] == 'did you mean "wgi.rule_of_law"?'


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_422_naming_the_path(client: TestClient, constant: str) -> None:
    body = f'{{"country": "X", "indicators": {{"goci.human_smuggling": {constant}}}}}'
    response = client.post(
        "/v1/recommendations", content=body, headers={"content-type": "application/json"}
    )
    detail = error_of(response, 422, "invalid-profile")
    assert paths(detail) == {"indicators.goci.human_smuggling": "not-finite"}


def test_every_problem_of_a_profile_is_listed_at_once(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"country": "", "indicatorz": {}, "indicators": {"x.y": 1}},
    )
    detail = error_of(response, 422, "invalid-profile")
    assert set(paths(detail)) == {"country", "indicatorz"}  # shape first, then the catalogue
    unknown = next(p for p in detail["problems"] if p["path"] == "indicatorz")
    assert unknown["suggestion"] == 'did you mean "indicators"?'


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"country": "X", ', "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe{}", "application/json"),
        (b"[" * 100_00 + b"]" * 100_00, "application/json"),
        (
            b'{"country": "X", "indicators": {"acled.events": ' + b"9" * 5000 + b"}}",
            "application/json",
        ),
        (b"a: &x 1\nb: *x\n", "application/yaml"),
        (b"country: [unclosed\n", "text/yaml"),
    ],
)
def test_unreadable_bodies_are_400(
    client: TestClient, body: bytes, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/v1/recommendations", content=body, headers=headers)
    detail = error_of(response, 400, "malformed-body")
    assert detail["problems"]


def test_yaml_problems_point_into_the_body(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations",
        content=b"country: X\nindicators: &i {}\nsources: *i\n",
        headers={"content-type": "application/yaml"},
    )
    (problem,) = error_of(response, 400, "malformed-body")["problems"]
    assert problem["location"] == {"file": "<body>", "line": 3, "column": 10}


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    big = {"country": "X", "notes": "x" * 30_000}
    error_of(client.post("/v1/recommendations", json=big), 413, "body-too-large")

    def chunks() -> Any:  # no Content-Length: the limit holds while reading
        for _ in range(30):
            yield b" " * 1000

    response = client.post(
        "/v1/recommendations", content=chunks(), headers={"content-type": "application/json"}
    )
    error_of(response, 413, "body-too-large")


def test_other_media_types_are_415(client: TestClient) -> None:
    response = client.post("/v1/recommendations", data={"country": "X"})
    error_of(response, 415, "unsupported-media-type")


# -- batches


def test_batch_decides_every_profile_with_one_rule_set(client: TestClient) -> None:
    tunisia = {"country": "Tunisia", "indicators": {"goci.human_smuggling": 6.0}}
    response = client.post("/v1/recommendations/batch", json={"profiles": [LIBYA_2024, tunisia]})
    assert response.status_code == 200
    body = response.json()
    assert [d["country"] for d in body["decisions"]] == ["Libya", "Tunisia"]
    assert {d["ruleset"] for d in body["decisions"]} == {body["ruleset"]}
    ids = [d["decision_id"] for d in body["decisions"]]
    assert len(set(ids)) == 2
    for decision_id in ids:
        assert client.get(f"/v1/decisions/{decision_id}").status_code == 200


def test_batch_with_a_bad_profile_decides_none(client: TestClient, settings: Settings) -> None:
    bad = {"country": "X", "indicators": {"goci.human_smuggling": 99}}
    response = client.post(
        "/v1/recommendations/batch", json={"profiles": [LIBYA_2024, bad, {"country": "Y"}]}
    )
    detail = error_of(response, 422, "invalid-profile")
    assert paths(detail) == {"profiles[1].indicators.goci.human_smuggling": "out-of-range"}
    log = DecisionLog(settings.database_url)
    try:
        assert log.ids() == set()
    finally:
        log.close()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"profiles": [LIBYA_2024] * 6}, "profiles"),  # the fixture's limit is 5
        ({"profiles": []}, "profiles"),
        ({"profiles": LIBYA_2024}, "profiles"),
        ([LIBYA_2024], "$"),
        ({"profiles": [LIBYA_2024], "extra": 1}, "$"),
    ],
)
def test_batch_shape_and_size_are_checked(client: TestClient, body: Any, path: str) -> None:
    detail = error_of(client.post("/v1/recommendations/batch", json=body), 422, "invalid-batch")
    assert [p["path"] for p in detail["problems"]] == [path]


# -- catalogues and rules


def test_catalogues_come_with_source_locations(client: TestClient) -> None:
    indicators = client.get("/v1/indicators").json()
    smuggling = next(i for i in indicators["indicators"] if i["id"] == "goci.human_smuggling")
    assert smuggling["range"] == [1.0, 10.0]
    assert smuggling["location"]["file"] == "rules.yaml"  # relative to the rule directory
    assert smuggling["location"]["line"] == 3
    measures = client.get("/v1/measures").json()["measures"]
    assert {m["id"] for m in measures} == {
        "joint-border-training",
        "surveillance-transfer",
        "political-dialogue",
    }
    signals = [s["id"] for s in client.get("/v1/signals").json()["signals"]]
    assert signals.index("fragmented") < signals.index("fragile-borders")
    rules = client.get("/v1/rules").json()
    assert len(rules["rules"]) == 5
    assert rules["ruleset"] == indicators["ruleset"]


def test_one_rule_with_what_it_reads(client: TestClient) -> None:
    rule = client.get("/v1/rules/fragile-borders-training").json()
    assert rule["when"] == "signal fragile-borders"
    assert rule["reads"] == ["local.border_control", "local.rival_governments", "wgi.rule_of_law"]
    assert rule["location"]["line"] > 1
    detail = error_of(client.get("/v1/rules/no-such-rule"), 404, "not-found")
    assert "no-such-rule" in detail["message"]


def test_ruleset_status(client: TestClient, rules_dir: Path) -> None:
    status = client.get("/v1/ruleset").json()
    advisor = Advisor.from_directory(rules_dir)
    assert status["content_hash"] == advisor.ruleset.content_hash
    assert status["counts"] == {"indicators": 7, "measures": 3, "signals": 3, "rules": 5}
    assert status["last_reload_error"] is None
    assert status["fallback"] is False


# -- reload


def test_reload_serves_the_new_rules(client: TestClient, rules_dir: Path) -> None:
    before = client.post("/v1/recommendations", json=LIBYA_2024).json()
    rules = rules_dir / "rules.yaml"
    rules.write_text(
        rules.read_text().replace(
            "{measure: political-dialogue, priority: medium}",
            "{measure: political-dialogue, priority: high}",
        )
    )
    reloaded = client.post("/v1/ruleset/reload", headers=ADMIN)
    assert reloaded.status_code == 200
    after = client.post("/v1/recommendations", json=LIBYA_2024).json()
    assert after["ruleset"] == reloaded.json()["content_hash"] != before["ruleset"]
    priorities = {r["measure"]: r["priority"] for r in after["recommendations"]}
    assert priorities["political-dialogue"] == "high"


def test_failed_reload_keeps_the_last_good_rule_set(client: TestClient, rules_dir: Path) -> None:
    good = client.get("/v1/ruleset").json()["content_hash"]
    rules = rules_dir / "rules.yaml"
    rules.write_text(rules.read_text().replace("wgi.rule_of_law <= -1.5", "wgi.rule_of_lw <= -1.5"))
    detail = error_of(client.post("/v1/ruleset/reload", headers=ADMIN), 422, "invalid-rule-set")
    (problem,) = detail["problems"]
    assert problem["location"]["file"] == "rules.yaml"
    assert (problem["location"]["line"], problem["location"]["column"]) == (60, 38)
    assert problem["suggestion"] == 'did you mean "wgi.rule_of_law"?'
    assert good in detail["message"]
    status = client.get("/v1/ruleset").json()
    assert status["content_hash"] == good
    assert status["last_reload_error"]["problems"] == detail["problems"]
    decision = client.post("/v1/recommendations", json=LIBYA_2024)
    assert decision.status_code == 200
    assert decision.json()["ruleset"] == good


# -- decisions, health, metrics, errors


@pytest.mark.parametrize(
    "decision_id", ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "%00", "x" * 500]
)
def test_unknown_decision_is_404(client: TestClient, decision_id: str) -> None:
    error_of(client.get(f"/v1/decisions/{decision_id}"), 404, "not-found")


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["ruleset"].startswith("sha256:")


def test_unreachable_database_is_503_never_a_decision(settings: Settings) -> None:
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    app = create_app(settings.model_copy(update={"database_url": unreachable, "migrate": False}))
    with TestClient(app, client=LOCAL) as client:
        error_of(client.get("/readyz"), 503, "not-ready")
        response = client.post("/v1/recommendations", json=LIBYA_2024)
        detail = error_of(response, 503, "decision-log-unavailable")
        assert "not given" in detail["message"]
        error_of(
            client.get("/v1/decisions/00000000-0000-4000-8000-000000000000"),
            503,
            "decision-log-unavailable",
        )


def test_unmigrated_database_is_not_ready(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"migrate": False}))
    with TestClient(app, client=LOCAL) as client:
        detail = error_of(client.get("/readyz"), 503, "not-ready")
        assert "migration" in detail["message"]
        error_of(
            client.post("/v1/recommendations", json=LIBYA_2024), 503, "decision-log-unavailable"
        )


def test_metrics_count_requests_evaluations_and_reloads(client: TestClient) -> None:
    client.post("/v1/recommendations", json=LIBYA_2024)
    client.post("/v1/recommendations", json={"country": "X", "indicators": {"nope.x": 1}})
    client.post("/v1/ruleset/reload", headers=ADMIN)
    client.get("/v1/nowhere")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'advisor_http_requests_total{method="POST",route="/v1/recommendations",status="200"} 1.0'
        in text
    )
    assert 'route="/v1/recommendations",status="422"} 1.0' in text
    assert 'advisor_http_requests_total{method="GET",route="<unmatched>",status="404"} 1.0' in text
    assert 'advisor_evaluations_total{outcome="decided"} 1.0' in text
    assert 'advisor_evaluations_total{outcome="refused"} 1.0' in text
    assert 'advisor_ruleset_reloads_total{result="ok"} 1.0' in text
    assert "advisor_http_request_duration_seconds_bucket" in text


def test_routing_errors_share_the_error_shape(client: TestClient) -> None:
    error_of(client.get("/v1/nowhere"), 404, "not-found")
    error_of(client.delete("/v1/recommendations"), 405, "method-not-allowed")
    error_of(client.get("/v1/recommendations"), 405, "method-not-allowed")


def test_openapi_profile_schema_follows_the_catalogue(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    profile = schema["components"]["schemas"]["SituationProfile"]
    indicators = profile["properties"]["indicators"]
    # the names are closed by propertyNames, not additionalProperties (see test_generated_client)
    assert "additionalProperties" not in indicators
    assert set(indicators["propertyNames"]["enum"]) == set(indicators["properties"])
    assert indicators["properties"]["goci.human_smuggling"]["maximum"] == 10
    assert indicators["properties"]["local.border_control"]["enum"] == [
        "weak",
        "partial",
        "effective",
    ]
    post = schema["paths"]["/v1/recommendations"]["post"]
    example = post["requestBody"]["content"]["application/json"]["examples"]["libya-2024"]
    assert client.post("/v1/recommendations", json=example["value"]).status_code == 200
    assert {"400", "413", "415", "422", "503"} <= set(post["responses"])
