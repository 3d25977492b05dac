"""schemathesis over the OpenAPI schema: no 5xx, and every response as the schema says."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from advisor.api import Settings, create_app
from advisor.api.access import Role, TokenStore
from advisor.api.decision_log import DecisionLog
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

EXAMPLES = 25
#: the service's 14 operations and the workbench's 11 (api/web/endpoints.py)
OPERATIONS = 25


@pytest.fixture
def admin_token(settings: Settings) -> str:
    """An admin token, made before the app starts (schemathesis' client is not loopback)."""
    log = DecisionLog(settings.database_url)
    try:
        log.migrate()
        return TokenStore(log.engine).add("schemathesis", Role.ADMIN)
    finally:
        log.close()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_keeps_its_schema(settings: Settings, admin_token: str, mode: GenerationMode) -> None:
    # schemathesis' pytest plugin does not run under pytest 9 (it sets Function._nodeid),
    # so each operation's strategy is driven by hypothesis directly.
    app = create_app(settings.model_copy(update={"rate_per_minute": 0}))
    with TestClient(app):  # runs the app's start-up
        _check_every_operation(app, admin_token, mode)


def _check_every_operation(app: FastAPI, admin_token: str, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_dict(yaml_bodies_decoded(copy.deepcopy(app.openapi())))
    schema.app = app  # as from_asgi does: requests go to the app in process
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS
    tested = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            # A negative case may leave the token out on purpose: then it must get 401.
            given = {k.lower() for k in case.headers or {}}
            left_out = mode is GenerationMode.NEGATIVE and "authorization" not in given
            auth = {} if left_out else {"Authorization": f"Bearer {admin_token}"}
            case.call_and_validate(headers=auth)

        try:
            check()
        except Unsatisfiable:
            # No invalid input exists for an operation without a body or a constrained parameter.
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        tested.append(operation.label)
    if mode is GenerationMode.NEGATIVE:
        assert {"POST /v1/recommendations", "POST /v1/recommendations/batch"} <= set(tested)
    else:
        assert len(tested) == OPERATIONS


def yaml_bodies_decoded(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each YAML body's schema replaced by what the YAML holds.

    The service declares a YAML body as a binary string whose `contentSchema` is the
    profile (so that client generators can send a file as written); schemathesis would
    send random bytes as "valid" YAML. Given the decoded schema, it builds profiles and
    serialises them as YAML.
    """
    for item in schema["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                decoded = media["schema"].get("contentSchema")
                if decoded is not None:
                    media["schema"] = decoded
    return schema
