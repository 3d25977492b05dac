"""POST a profile (or a batch of them), get the decision, recorded in the log.

One profile in JSON, without sensitivity, is decided on the event loop: about a
millisecond of CPU, most of it in the engine's C core, which holds the GIL
anyway, so a worker thread would only add a hop and GIL hand-overs. A batch, a
sensitivity analysis (an evaluation per indicator change) or a YAML or unusually
large body is decided in a worker thread, so the loop keeps answering meanwhile.
Either way the decisions are then recorded (group commit) before the answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ..access.deps import ACCESS_ERRORS, ReaderCaller
from ..body import parse_body, read_body
from ..decision_detail import DetailQuery
from ..deps import ServicesDep, Serving
from ..openapi import BATCH_REF, PROFILE_REF, profile_body
from ..schemas import BatchDecisions, RecordedDecision
from ..service import Decided, Recommender
from ._responses import BODY_ERRORS

#: a JSON body up to this size is parsed and decided on the event loop (a profile is ~10 kB)
ON_LOOP_MAX_BYTES = 64 * 1024

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

    def decide() -> list[Decided]:
        return recommender.decide_one(
            parse_body(body, kind), detail=detail, sensitivity=sensitivity
        )

    # The common request is decided on the loop: the engine's C core holds the GIL anyway,
    # so a thread would only add a hand-off. Longer work (YAML, sensitivity, the full
    # decision, a large body) goes to a thread, so that the loop keeps serving.
    on_loop = (
        kind == "json"
        and not sensitivity
        and detail == "compact"
        and len(body) <= ON_LOOP_MAX_BYTES
    )
    entries = decide() if on_loop else await run_in_threadpool(decide)
    await recommender.record(entries)
    return Response(recommender.answer_one(entries), media_type="application/json")


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

    def decide() -> list[Decided]:
        return recommender.decide_batch(
            parse_body(body, kind), limit, detail=detail, sensitivity=sensitivity
        )

    entries = await run_in_threadpool(decide)
    await recommender.record(entries)
    return Response(recommender.answer_batch(entries), media_type="application/json")
