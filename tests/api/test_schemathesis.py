"""schemathesis over the OpenAPI schema: no 5xx, and every response as the schema says."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from .conftest import ADMIN_TOKEN

EXAMPLES = 25
#: the service's 13 operations and the workbench's 10 (api/web/endpoints.py)
OPERATIONS = 23


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_keeps_its_schema(client: TestClient, mode: GenerationMode) -> None:
    # schemathesis' pytest plugin does not run under pytest 9 (it sets Function._nodeid),
    # so each operation's strategy is driven by hypothesis directly.
    schema = schemathesis.openapi.from_dict(yaml_bodies_decoded(client.get("/openapi.json").json()))
    schema.app = client.app  # as from_asgi does: requests go to the app in process
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
            case.call_and_validate(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})

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
