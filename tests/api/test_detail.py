"""`detail=full` on the service: answered inlined, logged compact, rebuilt from the log."""

from __future__ import annotations

import json
from pathlib import Path

from advisor.api.decision_log import decisions
from fastapi.testclient import TestClient

from advisor import Advisor
from advisor.decision.detail import compact_content

from ..conftest import LIBYA_2024
from .conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_full_detail_is_answered_and_the_compact_form_logged(
    client: TestClient, rules_dir: Path
) -> None:
    answer = client.post("/v1/recommendations?detail=full", json=LIBYA_2024)
    assert answer.status_code == 200, answer.text
    full = answer.json()
    decision_id = full.pop("decision_id")
    advisor = Advisor.from_directory(rules_dir)
    try:
        assert full == json.loads(advisor.evaluate(LIBYA_2024, detail="full").to_json())
        compact = json.loads(advisor.evaluate(LIBYA_2024).to_json())
    finally:
        advisor.close()
    assert full["detail"] == "full"
    assert "title" in full["rules"][next(iter(full["rules"]))]
    logged = client.get(f"/v1/decisions/{decision_id}").json()["decision"]
    assert logged == compact == compact_content(full)
    rebuilt = client.get(f"/v1/decisions/{decision_id}?detail=full")
    assert rebuilt.status_code == 200, rebuilt.text
    assert rebuilt.json()["decision"] == full


def test_batch_answers_full_detail_too(client: TestClient) -> None:
    batch = client.post("/v1/recommendations/batch?detail=full", json={"profiles": [LIBYA_2024]})
    assert batch.status_code == 200, batch.text
    (decision,) = batch.json()["decisions"]
    assert decision["detail"] == "full"


def test_full_detail_of_a_decision_by_another_rule_set_is_409(
    client: TestClient, rules_dir: Path
) -> None:
    decision_id = client.post("/v1/recommendations", json=LIBYA_2024).json()["decision_id"]
    rules = rules_dir / "rules.yaml"
    rules.write_text(rules.read_text().replace("priority: medium}", "priority: high}", 1))
    assert client.post("/v1/ruleset/reload", headers=ADMIN).status_code == 200
    refused = client.get(f"/v1/decisions/{decision_id}?detail=full")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "ruleset-not-serving"
    # the logged, compact decision is still given
    assert client.get(f"/v1/decisions/{decision_id}").status_code == 200


def test_an_unknown_detail_is_422_naming_the_parameter(client: TestClient) -> None:
    refused = client.post("/v1/recommendations?detail=everything", json=LIBYA_2024)
    assert refused.status_code == 422
    assert "detail" in refused.text


def test_full_detail_of_a_logged_decision_that_its_profile_no_longer_gives_is_409(
    client: TestClient,
) -> None:
    decision_id = client.post("/v1/recommendations", json=LIBYA_2024).json()["decision_id"]
    log = client.app.state.services.log  # type: ignore[attr-defined]
    with log.engine.begin() as connection:  # a logged decision changed after the fact
        connection.execute(
            decisions.update()
            .where(decisions.c.id == decision_id)
            .values(decision=decisions.c.decision.op("||")(" "))
        )
    refused = client.get(f"/v1/decisions/{decision_id}?detail=full")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "decision-not-reproduced"
