"""The rule browser: `/rules`, `/rules/{id}` and the rule map at `/map?measure=...`.

A rule's page shows where it is written (file:line), its condition, what it does
to which measures, its because text and source (`GET /v1/rules/{id}`), the scenarios
that test it and the example profiles it fires on (`GET /v1/workbench/rules/{id}`),
and its map, drawn on the server as SVG (`GET /v1/workbench/rulemap?format=svg`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from .client import ApiClient
from .render import api_failure, page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/rules", summary="Every rule")
async def rules_page(request: Request) -> Response:
    api = ApiClient(request)
    answer = await api.get("/v1/rules")
    if not answer.ok:
        return api_failure(request, answer, "Rules")
    data = answer.json()
    by_file: dict[str, list[dict[str, Any]]] = {}
    for rule in data["rules"]:
        by_file.setdefault(rule["location"]["file"], []).append(rule)
    return page(
        request,
        "rules.html",
        title="Rules",
        by_file=sorted(by_file.items()),
        count=len(data["rules"]),
        ruleset=data["ruleset"],
    )


@router.get("/rules/{rule_id}", summary="One rule")
async def rule_page(rule_id: str, request: Request) -> Response:
    api = ApiClient(request)
    quoted = quote(rule_id, safe="")
    rule = await api.get(f"/v1/rules/{quoted}")
    if not rule.ok:
        return api_failure(request, rule, "Rule")
    usage = await api.get(f"/v1/workbench/rules/{quoted}")
    drawing = await api.get("/v1/workbench/rulemap", urlencode({"rule": rule_id, "format": "svg"}))
    files = await api.get("/v1/workbench/rulefiles")
    for answer in (usage, drawing, files):
        if not answer.ok:
            return api_failure(request, answer, "Rule")
    spec = rule.json()
    return page(
        request,
        "rule.html",
        title=f"Rule {rule_id}",
        rule=spec,
        file=_file_in_rules(spec["location"]["file"], files.json()["files"]),
        usage=usage.json(),
        # drawn by rulemap_svg from the rule set, every text in it escaped
        svg=Markup(drawing.text()),
    )


def _file_in_rules(location: str, files: list[str]) -> str | None:
    """A rule's file as the edit preview names it (its path inside the rule directory)."""
    location = location.replace("\\", "/")
    found = [f for f in files if location == f or location.endswith("/" + f)]
    return max(found, key=len, default=None)


@router.get("/map", summary="The rule map of a measure or rule")
async def map_page(request: Request) -> Response:
    api = ApiClient(request)
    measures = await api.get("/v1/measures")
    if not measures.ok:
        return api_failure(request, measures, "Rule map")
    params = request.query_params
    chosen = [m for m in params.getlist("measure") if m.strip()]
    rules = [r for r in params.getlist("rule") if r.strip()]
    context: dict[str, Any] = {
        "title": "Rule map",
        "measures": measures.json()["measures"],
        "chosen": chosen,
        "rules": rules,
        "whole": params.get("all") == "1",
        "svg": None,
        "graph": None,
    }
    if chosen or rules or context["whole"]:
        query = [("measure", m) for m in chosen] + [("rule", r) for r in rules]
        drawing = await api.get("/v1/workbench/rulemap", urlencode([*query, ("format", "svg")]))
        graph = await api.get("/v1/workbench/rulemap", urlencode(query))
        for answer in (drawing, graph):
            if not answer.ok:
                return api_failure(request, answer, "Rule map")
        context["svg"] = Markup(drawing.text())  # drawn by rulemap_svg, every text escaped
        context["graph"] = graph.json()
        if chosen or rules:
            context["title"] = "Rule map of " + ", ".join([*chosen, *rules])
    return page(request, "map.html", **context)
