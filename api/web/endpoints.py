"""`/v1/workbench/...`: read-only analysis for the workbench, as API endpoints.

Example profiles, a profile check, a profile's decision as the decision page shows
it, the comparison of two profiles, where a rule is tested and what it does on the
examples, the rule map, a rule edit's preview and the regional overview. None of
them records a decision: they answer questions about the rules, as `advisor diff`
and `advisor graph` do; a decision an analyst acts on comes from
`POST /v1/recommendations`, which records it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from advisor import DecisionModel
from advisor.analysis.rulemap import Node, build_map, focus
from advisor.hints import did_you_mean
from advisor.language.files import rule_files

from ..access.deps import ACCESS_ERRORS, Signed
from ..body import parse_body, read_body
from ..decision_detail import DetailQuery
from ..deps import ServicesDep, Serving
from ..errors import ApiError, ProblemOut
from ..holder import ServingRuleSet
from ..openapi import PROFILE_REF, open_objects, profile_body
from ..routes._responses import BODY_ERRORS, errors
from .analysis import check as check_profile
from .analysis import compare as compare_profiles
from .analysis import decide as decide_profile
from .analysis import example_profile
from .analysis import examples as list_examples
from .analysis import overview as overview_of
from .analysis import rule_usage as usage_of
from .preview import preview
from .rulemap_svg import layout, to_svg
from .wire import (
    ComparisonOut,
    ExamplesOut,
    MapEdgeOut,
    MapNodeOut,
    OverviewOut,
    PreviewOut,
    ProfileCheck,
    RuleEdit,
    RuleFileOut,
    RuleFilesOut,
    RuleMapOut,
    RuleUsageOut,
)
from .workspace import Workspace

__all__ = ["router"]

# Like every /v1 route: a reader's token once any token exists (api/access).
router = APIRouter(
    prefix="/v1/workbench", tags=["workbench"], dependencies=[Signed], responses=ACCESS_ERRORS
)

_PAIR = open_objects(
    {
        "type": "object",
        "properties": {"a": {"$ref": PROFILE_REF}, "b": {"$ref": PROFILE_REF}},
        "required": ["a", "b"],
        "additionalProperties": False,
    }
)
_EDIT = open_objects({**RuleEdit.model_json_schema(), "additionalProperties": False})


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _workspace(services: ServicesDep) -> Workspace:
    return Workspace(services.settings.rules_dir)


async def _document(request: Request, services: ServicesDep) -> Any:
    body, kind = await read_body(request, services.settings.max_body_bytes)
    return parse_body(body, kind)


@router.get("/examples", summary="The example profiles beside the rule directory")
def examples(services: ServicesDep) -> ExamplesOut:
    return list_examples(_workspace(services))


@router.get(
    "/examples/{name}",
    summary="One example profile",
    responses=errors(e404="No example profile has this name."),
)
def example(name: str, services: ServicesDep) -> dict[str, Any]:
    return example_profile(_workspace(services), name)


@router.post(
    "/check",
    summary="Check a profile against the catalogue, without deciding or recording it",
    responses=BODY_ERRORS,
    openapi_extra=profile_body(PROFILE_REF),
)
async def check(request: Request, services: ServicesDep, serving: Serving) -> ProfileCheck:
    document = await _document(request, services)
    return await run_in_threadpool(check_profile, serving, document)


@router.post(
    "/decision",
    summary="A profile's decision, as POST /v1/recommendations gives it, not recorded",
    response_model=DecisionModel,
    responses=BODY_ERRORS,
    openapi_extra=profile_body(PROFILE_REF),
)
async def view_decision(
    request: Request,
    services: ServicesDep,
    serving: Serving,
    sensitivity: Annotated[
        bool, Query(description="Also the `sensitivity` section, as for /v1/recommendations.")
    ] = False,
    detail: DetailQuery = "compact",
) -> Response:
    """What the decision page shows: the same decision, with no `decision_id`, since an
    analyst looking at a profile or a what-if has decided nothing for the partnership.
    Nothing is written to the decision log."""
    document = await _document(request, services)
    body = await run_in_threadpool(
        decide_profile, serving, document, detail=detail, sensitivity=sensitivity
    )
    return Response(body, media_type="application/json")


@router.post(
    "/compare",
    summary="Two profiles decided by one rule set, and what differs (not recorded)",
    responses=BODY_ERRORS,
    openapi_extra=_json_body(_PAIR),
)
async def compare(request: Request, services: ServicesDep, serving: Serving) -> ComparisonOut:
    """Measures added, removed, withheld or re-prioritised from `a` to `b`, with the rules
    responsible (as `advisor diff` finds them) and the indicator values that differ."""
    document = await _document(request, services)
    return await run_in_threadpool(compare_profiles, serving, document)


@router.get(
    "/rules/{rule_id}",
    summary="The scenarios that test a rule and what it does on the example profiles",
    responses=errors(e404="No rule has this id."),
)
async def rule_usage(rule_id: str, services: ServicesDep, serving: Serving) -> RuleUsageOut:
    return await run_in_threadpool(usage_of, serving, _workspace(services), rule_id)


@router.get("/rulefiles", summary="The rule files being served, by path in the rule directory")
def rule_files_list(serving: Serving) -> RuleFilesOut:
    return RuleFilesOut(files=list(_rule_files(serving)))


@router.get(
    "/rulefiles/{file:path}",
    summary="One rule file's text, to edit and preview",
    responses=errors(e404="No rule file has this path."),
)
def rule_file(file: str, serving: Serving) -> RuleFileOut:
    path = _rule_files(serving).get(file)
    if path is None:
        raise ApiError(404, "not-found", f'no rule file "{file}" in the rule set being served')
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ApiError(404, "not-found", f"{file} cannot be read: {exc}") from None
    return RuleFileOut(file=file, text=text)


def _rule_files(serving: ServingRuleSet) -> dict[str, Path]:
    directory = serving.directory
    return {path.relative_to(directory).as_posix(): path for path in rule_files(directory)}


@router.get(
    "/overview",
    summary="Every example profile by every measure: the region at a glance (not recorded)",
)
async def overview(services: ServicesDep, serving: Serving) -> OverviewOut:
    return await run_in_threadpool(overview_of, serving, _workspace(services))


@router.post(
    "/preview",
    summary="Validate an edited rule file and show its impact on the examples; nothing saved",
    responses=BODY_ERRORS,
    openapi_extra=_json_body(_EDIT),
)
async def preview_edit(request: Request, services: ServicesDep, serving: Serving) -> PreviewOut:
    """The edit validated as `advisor validate` would, each problem with its file:line:col;
    if it loads, the examples compared as `advisor diff` compares them. An edit that does
    not load is a preview too: `valid` false, with its problems."""
    document = await _document(request, services)
    try:
        edit = RuleEdit.model_validate(document)
    except ValidationError as exc:
        raise ApiError(
            422,
            "invalid-rule-edit",
            'a rule edit is {"file": "borders.yaml", "text": "..."}',
            [
                ProblemOut(
                    path=".".join(str(p) for p in e["loc"]) or "$",
                    message=e["msg"],
                    code=e["type"],
                )
                for e in exc.errors()
            ],
        ) from None
    return await run_in_threadpool(preview, serving, _workspace(services), edit)


MapFormat = Literal["json", "svg"]


@router.get(
    "/rulemap",
    summary="The rule map (all of it, or what feeds some measures or rules), laid out",
    response_model=RuleMapOut,
    responses={
        200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
        **errors(e404="A measure or rule the rule set does not define."),
    },
)
def rulemap(
    serving: Serving,
    measure: Annotated[list[str], Query(description="Only what feeds this measure.")] = [],  # noqa: B006
    rule: Annotated[list[str], Query(description="Only this rule and what feeds it.")] = [],  # noqa: B006
    format: Annotated[MapFormat, Query(description="json: nodes and edges; svg.")] = "json",
) -> Any:
    ruleset = serving.advisor.ruleset
    problems = [
        ProblemOut(
            path=kind,
            message=f'unknown {kind} "{item}"',
            code=f"unknown-{kind}",
            suggestion=did_you_mean(item, known),
        )
        for kind, items, known in (
            ("measure", measure, list(ruleset.measures)),
            ("rule", rule, list(ruleset.rules)),
        )
        for item in items
        if item not in known
    ]
    if problems:
        raise ApiError(404, "not-found", "the rule map cannot focus on these", problems)
    graph = build_map(ruleset)
    if measure or rule:
        graph = focus(graph, measure, rule)
    drawn = layout(graph)
    if format == "svg":
        title = "Rule map of " + (", ".join([*measure, *rule]) or "the whole rule set")
        return Response(to_svg(drawn, _link, title), media_type="image/svg+xml")
    return RuleMapOut(
        nodes=[
            MapNodeOut(
                key=p.node.key,
                kind=p.node.kind,
                id=p.node.id,
                label=p.text,
                group=p.node.group,
                column=p.column,
                row=p.row,
                x=p.x,
                y=p.y,
                width=p.width,
            )
            for p in drawn.placed.values()
        ],
        edges=[MapEdgeOut(**vars(e)) for e in graph.edges],
        width=drawn.width,
        height=drawn.height,
    )


def _link(node: Node) -> str | None:
    if node.kind == "rule":
        return f"/rules/{node.id}"
    if node.kind == "measure":
        return f"/map?measure={node.id}"
    return None
