"""Read back a recorded decision."""

from __future__ import annotations

import uuid

import orjson
from fastapi import APIRouter, Response
from sqlalchemy.exc import SQLAlchemyError

from ..deps import ServicesDep
from ..errors import ApiError
from ..schemas import DecisionRecord
from ._responses import errors

router = APIRouter(prefix="/v1", tags=["decisions"])


@router.get(
    "/decisions/{decision_id}",
    summary="A recorded decision",
    response_model=DecisionRecord,
    responses=errors(e404="No decision has this id.", e503="The decision log cannot be read."),
)
def decision(decision_id: str, services: ServicesDep) -> Response:
    try:
        key = str(uuid.UUID(decision_id))
    except ValueError:
        raise _not_found(decision_id) from None
    try:
        logged = services.log.get(key)
    except SQLAlchemyError as exc:
        raise ApiError(
            503,
            "decision-log-unavailable",
            f"the decision log cannot be read: {type(exc).__name__}",
        ) from exc
    if logged is None:
        raise _not_found(decision_id)
    # The profile and decision exactly as stored (and as the client received the
    # decision), not parsed and serialised again.
    head = orjson.dumps(
        {"decision_id": logged.id, "recorded_at": logged.recorded_at, "ruleset": logged.ruleset},
        option=orjson.OPT_UTC_Z,
    )
    parts = (head[:-1], b',"profile":', logged.profile.encode(), b',"decision":')
    body = b"".join((*parts, logged.decision.encode(), b"}"))
    return Response(body, media_type="application/json")


def _not_found(decision_id: str) -> ApiError:
    return ApiError(404, "not-found", f"no decision {decision_id!r} in the log")
