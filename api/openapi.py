"""The OpenAPI schema, with the profile's JSON Schema built from the loaded indicator catalogue.

A profile's `indicators` object lists exactly the indicators of the rule set
being served, each with its type, range or categories, so the schema says what
the service accepts and clients (and schemathesis) can generate valid profiles.
It is rebuilt when the rule set's content hash changes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from advisor import ProfileError, RuleSet, SituationProfile
from advisor.language.json_schema import indicator_schema
from advisor.language.profile import check_profile, parse_profile

__all__ = ["BATCH_REF", "PROFILE_REF", "example_profile", "install_openapi", "profile_body"]

PROFILE_REF = "#/components/schemas/SituationProfile"
BATCH_REF = "#/components/schemas/ProfileBatch"

# Libya 2024, published values (see examples/profiles/libya-2024.yaml); an example keeps
# those the served catalogue knows.
_LIBYA_2024: dict[str, Any] = {
    "fsi.total": 96.5,
    "fsi.c1_security_apparatus": 9.2,
    "fsi.p3_human_rights_rule_of_law": 9.4,
    "goci.human_smuggling": 9.5,
    "goci.human_trafficking": 8.5,
    "wgi.rule_of_law": -1.77,
    "wgi.political_stability": -2.17,
    "acled.political_violence_events": 227,
    "migration.departures_to_italy": {"2022": 53000, "2023": 51700, "2024": 36468},
    "local.rival_governments": True,
    "local.border_control_capacity": "weak",
}


def profile_schema(ruleset: RuleSet) -> dict[str, Any]:
    schema = SituationProfile.model_json_schema()
    properties = schema["properties"]
    properties["indicators"] = {
        "type": "object",
        "description": "Indicator values, each as the catalogue defines it (GET /v1/indicators).",
        "properties": {i: indicator_schema(spec) for i, spec in ruleset.indicators.items()},
        "additionalProperties": False,
    }
    properties["sources"] = {
        "type": "object",
        "description": "Where each indicator's value comes from.",
        "properties": {i: {"type": "string"} for i in ruleset.indicators},
        "additionalProperties": False,
    }
    return schema


def example_profile(ruleset: RuleSet) -> dict[str, Any]:
    """The Libya 2024 example, cut to the indicators the served catalogue accepts."""
    indicators = {}
    for indicator, value in _LIBYA_2024.items():
        try:
            check_profile(
                parse_profile({"country": "Libya", "indicators": {indicator: value}}), ruleset
            )
        except ProfileError:
            continue
        indicators[indicator] = value
    return {"country": "Libya", "period": "2024", "indicators": indicators}


def profile_body(ref: str) -> dict[str, Any]:
    """An `openapi_extra` request body: JSON or YAML, with the given schema."""
    content = {"schema": {"$ref": ref}}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": dict(content), "application/yaml": dict(content)},
        }
    }


def install_openapi(app: FastAPI, ruleset: Callable[[], RuleSet], max_batch: int) -> None:
    """Serve a schema whose profile part follows the rule set in service."""
    cache: dict[str, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        current = ruleset()
        if current.content_hash not in cache:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["SituationProfile"] = profile_schema(current)
            components["ProfileBatch"] = {
                "type": "object",
                "properties": {
                    "profiles": {
                        "type": "array",
                        "items": {"$ref": PROFILE_REF},
                        "minItems": 1,
                        "maxItems": max_batch,
                    }
                },
                "required": ["profiles"],
                "additionalProperties": False,
            }
            example = example_profile(current)
            for path, item in schema["paths"].items():
                body = item.get("post", {}).get("requestBody", {})
                media = body.get("content", {}).get("application/json")
                if media is None:
                    continue
                value = example if path.endswith("/recommendations") else {"profiles": [example]}
                media["examples"] = {"libya-2024": {"summary": "Libya 2024", "value": value}}
            cache.clear()
            cache[current.content_hash] = schema
        return copy.deepcopy(cache[current.content_hash])

    app.openapi = openapi  # type: ignore[method-assign]
