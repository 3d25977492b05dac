"""`/compare?a=libya-2023&b=libya-2024` and `/overview`: profiles side by side.

The comparison is the API's (`POST /v1/workbench/compare`): the measures added,
removed, withheld or re-prioritised from A to B, with the rules responsible; this page
adds, for each change, the values those rules read that differ between A and B. The
overview is `GET /v1/workbench/overview`, each cell linking to that decision.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from .client import ApiClient
from .problems import Shown
from .render import api_failure, page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_RULE = re.compile(r"`([a-z0-9]+(?:-[a-z0-9]+)*)`")


@router.get("/compare", summary="Two profiles compared")
async def compare_page(request: Request) -> Response:
    api = ApiClient(request)
    examples = await api.get("/v1/workbench/examples")
    if not examples.ok:
        return api_failure(request, examples, "Compare")
    a = (request.query_params.get("a") or "").strip()
    b = (request.query_params.get("b") or "").strip()
    context: dict[str, Any] = {
        "title": "Compare",
        "examples": examples.json()["examples"],
        "a": a,
        "b": b,
        "comparison": None,
        "problems": [],
    }
    if not (a and b):
        return page(request, "compare.html", **context)
    profiles = []
    for side, name in (("a", a), ("b", b)):
        answer = await api.get(f"/v1/workbench/examples/{quote(name, safe='')}")
        if answer.status == 404:
            context["problems"].append(Shown(side, f'no example profile "{name}"'))
        elif not answer.ok:
            return api_failure(request, answer, "Compare")
        else:
            profiles.append(answer.json())
    if context["problems"]:
        return page(request, "compare.html", status=404, **context)
    compared = await api.post_json("/v1/workbench/compare", {"a": profiles[0], "b": profiles[1]})
    rules = await api.get("/v1/rules")
    for answer in (compared, rules):
        if not answer.ok:
            return api_failure(request, answer, "Compare")
    comparison = compared.json()
    reads = {rule["id"]: rule["reads"] for rule in rules.json()["rules"]}
    context["comparison"] = comparison
    context["behind"] = _values_behind(comparison, reads)
    context["title"] = f"Compare {a} with {b}"
    return page(request, "compare.html", **context)


def _values_behind(
    comparison: dict[str, Any], reads: dict[str, list[str]]
) -> dict[str, list[dict[str, Any]]]:
    """Per changed measure, the differing values that its responsible rules read."""
    differing = {v["indicator"]: v for v in comparison["values"]}
    behind = {}
    for change in comparison["changes"]:
        rules = {match for note in change["rules"] for match in _RULE.findall(note)[:1]}
        read = sorted({i for rule in rules for i in reads.get(rule, []) if i in differing})
        behind[change["measure"]] = [differing[i] for i in read]
    return behind


@router.get("/overview", summary="Every example by every measure")
async def overview_page(request: Request) -> Response:
    api = ApiClient(request)
    overview = await api.get("/v1/workbench/overview")
    measures = await api.get("/v1/measures")
    for answer in (overview, measures):
        if not answer.ok:
            return api_failure(request, answer, "Regional overview")
    data = overview.json()
    titles = {m["id"]: m["title"] for m in measures.json()["measures"]}
    cells = {
        (row["example"], cell["measure"]): cell for row in data["rows"] for cell in row["cells"]
    }
    return page(
        request,
        "overview.html",
        title="Regional overview",
        overview=data,
        titles=titles,
        cells=cells,
        ruleset=data["ruleset"],
    )
