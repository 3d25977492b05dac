"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError

from ..deps import ServicesDep
from ..errors import ApiError, ProblemOut
from ..metrics import CONTENT_TYPE_LATEST
from ..schemas import Health, Readiness
from ._responses import errors

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="The process can answer: a rule set is loaded and the decision log can be written",
    responses=errors(e503="Not ready; the problems say why."),
)
def readyz(services: ServicesDep) -> Readiness:
    try:
        current = services.log.schema_is_current()
    except SQLAlchemyError as exc:
        raise ApiError(
            503,
            "not-ready",
            "the decision log is unreachable",
            [ProblemOut(message=str(exc).splitlines()[0], code="database")],
        ) from exc
    if not current:
        raise ApiError(
            503,
            "not-ready",
            "the decision log's schema is not at the newest migration",
            [ProblemOut(message="run the migrations (ADVISOR_MIGRATE=true)", code="schema")],
        )
    write = services.log.writable(services.settings.log_probe_interval)
    if not write.ok:
        raise ApiError(
            503,
            "not-ready",
            "the decision log cannot be written, so no decision can be given",
            [ProblemOut(message=write.error or "the last write failed", code="log-not-writable")],
        )
    return Readiness(status="ready", ruleset=services.holder.current.content_hash)


@router.get(
    "/metrics",
    summary="Prometheus metrics (text format)",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(services: ServicesDep) -> Response:
    return Response(services.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
