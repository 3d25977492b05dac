"""POST a profile (or a batch of them), get the decision, recorded in the log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ..access.deps import ACCESS_ERRORS, ReaderCaller
from ..body import Format, parse_body, read_body
from ..decision_detail import DetailQuery
from ..deps import ServicesDep, Serving
from ..openapi import BATCH_REF, PROFILE_REF, profile_body
from ..schemas import BatchDecisions, RecordedDecision
from ..service import Recommender
from ._responses import BODY_ERRORS

router = APIRouter(prefix="/v1", tags=["recommendations"], responses=ACCESS_ERRORS)

Sensitivity = Annotated[
    bool,
    Query(
        description="Also list, per recommendation, the single-indicator changes that would "
        "remove it or raise its priority (the `sensitivity` section; slower)."
    ),
]


@router.post(
    "/recommendations",
    summary="Recommend measures for one situation profile",
    response_model=RecordedDecision,
    responses=BODY_ERRORS,
    openapi_extra=profile_body(PROFILE_REF),
)
async def recommend(
    request: Request,
    services: ServicesDep,
    serving: Serving,
    caller: ReaderCaller,
    sensitivity: Sensitivity = False,
    detail: DetailQuery = "compact",
) -> Response:
    """The decision, as `advisor recommend --format json` prints it, plus its `decision_id`."""
    body, kind = await read_body(request, services.settings.max_body_bytes)
    recommender = Recommender(serving, services.log, services.metrics, caller.name)

    def work(body: bytes, kind: Format) -> str:
        return recommender.one(parse_body(body, kind), detail=detail, sensitivity=sensitivity)

    return Response(await run_in_threadpool(work, body, kind), media_type="application/json")


@router.post(
    "/recommendations/batch",
    summary="Recommend measures for several profiles at once",
    response_model=BatchDecisions,
    responses=BODY_ERRORS,
    openapi_extra=profile_body(BATCH_REF),
)
async def recommend_batch(
    request: Request,
    services: ServicesDep,
    serving: Serving,
    caller: ReaderCaller,
    sensitivity: Sensitivity = False,
    detail: DetailQuery = "compact",
) -> Response:
    """Up to ADVISOR_MAX_BATCH profiles, all decided with one rule set, or, if any is
    refused, none: the 422 lists every problem as `profiles[i].path`."""
    body, kind = await read_body(request, services.settings.max_body_bytes)
    recommender = Recommender(serving, services.log, services.metrics, caller.name)
    limit = services.settings.max_batch

    def work(body: bytes, kind: Format) -> str:
        return recommender.batch(
            parse_body(body, kind), limit, detail=detail, sensitivity=sensitivity
        )

    return Response(await run_in_threadpool(work, body, kind), media_type="application/json")
