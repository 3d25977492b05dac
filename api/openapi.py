"""The OpenAPI schema, with the profile's JSON Schema built from the loaded indicator catalogue.

A profile's `indicators` object lists exactly the indicators (ids and aliases) of the rule set
being served, each with its type, range or categories, so the schema says what
the service accepts and clients (and schemathesis) can generate valid profiles.
It is rebuilt when the rule set's content hash changes.

The schema is shaped for client generators (openapi-python-client among them):
closed objects list their names in `propertyNames` (see `open_objects`),
operations have short ids (`operation_id`), and a YAML body is a file whose
content the profile schema describes (see `profile_body`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from advisor import ProfileError, RuleSet, SituationProfile
from advisor.language.json_schema import profile_maps
from advisor.language.profile import check_profile, parse_profile

__all__ = [
    "BATCH_REF",
    "OPERATION_IDS",
    "PROFILE_REF",
    "example_profile",
    "install_openapi",
    "open_objects",
    "operation_id",
    "profile_body",
]

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
    """The profile's schema, its `indicators` and `sources` as the editor schemas have them."""
    schema = SituationProfile.model_json_schema()
    properties = schema["properties"]
    maps = profile_maps(ruleset)
    properties["indicators"] = {
        **maps["indicators"],
        "description": "Indicator values, each as the catalogue defines it (GET /v1/indicators), "
        "named by its id or one of its aliases.",
    }
    properties["sources"] = {
        **maps["sources"],
        "description": "Where each indicator's value comes from.",
    }
    opened: dict[str, Any] = open_objects(schema)
    return opened


def open_objects(node: Any) -> Any:
    """The schema with each closed object's names listed in `propertyNames` instead.

    The same objects validate. A client generator reads `additionalProperties: false`
    as "drop any other key" (openapi-python-client's models do), so a misspelt name would
    vanish in the client instead of reaching the service, which names it in a 422.
    """
    if isinstance(node, list):
        return [open_objects(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: open_objects(value) for key, value in node.items()}
    if out.get("additionalProperties") is False and "properties" in out:
        del out["additionalProperties"]
        out["propertyNames"] = {"enum": list(out["properties"])}
    return out


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
    """An `openapi_extra` request body: JSON with the given schema, or YAML text of it.

    The YAML body is declared as a binary string (its decoded content described by
    `contentSchema`): generators that know no YAML can then still send a file as it is
    written (openapi-python-client, told `application/yaml: application/octet-stream`
    in its `content_type_overrides`).
    """
    yaml = {
        "type": "string",
        "format": "binary",
        "contentMediaType": "application/yaml",
        "contentSchema": {"$ref": ref},
        "description": "The same document as the JSON body, written in YAML.",
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": ref}},
                "application/yaml": {"schema": yaml},
            },
        }
    }


OPERATION_IDS = {
    "recommend": "recommend",
    "recommend_batch": "recommendBatch",
    "decision": "getDecision",
    "indicators": "listIndicators",
    "measures": "listMeasures",
    "signals": "listSignals",
    "rules": "listRules",
    "rule": "getRule",
    "ruleset": "getRuleSet",
    "reload": "reloadRuleSet",
    "healthz": "checkHealth",
    "readyz": "checkReadiness",
    "metrics": "getMetrics",
    # the workbench's read-only analysis (api/web/endpoints.py)
    "examples": "listExamples",
    "example": "getExample",
    "check": "checkProfile",
    "compare": "compareProfiles",
    "rule_usage": "getRuleUsage",
    "rule_files_list": "listRuleFiles",
    "rule_file": "getRuleFile",
    "overview": "getOverview",
    "preview_edit": "previewRuleEdit",
    "rulemap": "getRuleMap",
}


def operation_id(route: APIRoute) -> str:
    """A short operation id (a generated client's method name): `recommend`, `getDecision`.

    FastAPI's default joins the function name, path and method
    (`recommend_v1_recommendations_post`). A route missing from OPERATION_IDS gets its
    function name in camelCase.
    """
    if route.name in OPERATION_IDS:
        return OPERATION_IDS[route.name]
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


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
            components["ProfileBatch"] = open_objects(
                {
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
            )
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
