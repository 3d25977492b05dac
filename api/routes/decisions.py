"""Read back recorded decisions: one by id (its writer, or an auditor), or a list (auditors).

A reader's token sees only the decisions it wrote; another's answers 404, as
an id that does not exist does, so ids do not leak. Every decision shown,
whole or in a list, is written to the access log first.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Response
from pydantic import BeforeValidator
from sqlalchemy.exc import SQLAlchemyError

from advisor.decision.model import Detail

from ..access import Role
from ..access.deps import ACCESS_ERRORS, AccessDep, AuditorCaller, ReaderCaller, Signed
from ..access.guard import Caller
from ..decision_detail import full_decision
from ..decision_query import CURSOR_PATTERN, BadCursor, DecisionFilter, DecisionQuery
from ..deps import ServicesDep
from ..errors import ApiError, ProblemOut
from ..schemas import DecisionList, DecisionRecord, DecisionSummaryOut
from ._responses import errors

router = APIRouter(prefix="/v1", tags=["decisions"], dependencies=[Signed], responses=ACCESS_ERRORS)

logger = logging.getLogger("advisor.api")

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value: object) -> object:
    # pydantic would also take a number (seconds since 1970) or a time without a zone
    if not isinstance(value, str) or _RFC3339.fullmatch(value) is None:
        raise ValueError("expected an RFC 3339 time with its zone, e.g. 2026-01-31T00:00:00Z")
    return value


Moment = Annotated[datetime, BeforeValidator(_rfc3339)]

_UNAVAILABLE = errors(e503="The decision log or the access log cannot be used.")


@router.get(
    "/decisions/{decision_id}",
    summary="A recorded decision (a reader's token: only those it wrote)",
    response_model=DecisionRecord,
    responses={
        **errors(
            e404="No decision has this id that this token may read.",
            e409="`detail=full`, and the rule set that made the decision is no longer served.",
        ),
        **_UNAVAILABLE,
    },
)
def decision(
    decision_id: str,
    services: ServicesDep,
    access: AccessDep,
    caller: ReaderCaller,
    detail: Annotated[
        Detail,
        Query(
            description="compact (default): as logged; full: with the rule set's texts "
            "inlined, rebuilt by the serving rule set, which must be the one that decided"
        ),
    ] = "compact",
) -> Response:
    try:
        key = str(uuid.UUID(decision_id))
    except ValueError:
        raise _not_found(decision_id) from None
    with _unless_unavailable():
        logged = services.log.get(key)
        if logged is not None and caller.role < Role.AUDITOR and logged.token != caller.name:
            _log_denied(access, caller, key)
            logged = None
        if logged is not None:
            access.audit.record(caller.name, caller.client, [key], "read")
    if logged is None:
        raise _not_found(decision_id)
    # The profile and decision exactly as stored (and as the client received the
    # decision), not parsed and serialised again.
    head = orjson.dumps(
        {"decision_id": logged.id, "recorded_at": logged.recorded_at, "ruleset": logged.ruleset},
        option=orjson.OPT_UTC_Z,
    )
    parts = (head[:-1], b',"profile":', logged.profile.encode(), b',"decision":')
    shown = (
        logged.decision.encode()
        if detail == "compact"
        else full_decision(logged, services.holder.current)
    )
    body = b"".join((*parts, shown, b"}"))
    return Response(body, media_type="application/json")


@router.get(
    "/decisions",
    summary="Recorded decisions, newest first (auditor)",
    responses={
        **errors(e422="A filter or the cursor is not valid; each problem names it."),
        **_UNAVAILABLE,
    },
)
def decision_list(
    services: ServicesDep,
    access: AccessDep,
    caller: AuditorCaller,
    limit: Annotated[int, Query(ge=1, le=500, description="Most decisions on a page.")] = 50,
    cursor: Annotated[
        str | None,
        Query(pattern=f"^{CURSOR_PATTERN.pattern}$", description="`next` of the page before."),
    ] = None,
    country: Annotated[str | None, Query(max_length=120)] = None,
    ruleset: Annotated[str | None, Query(max_length=80, description="A content hash.")] = None,
    since: Annotated[Moment | None, Query(description="Recorded at or after this time.")] = None,
    until: Annotated[Moment | None, Query(description="Recorded before this time.")] = None,
) -> DecisionList:
    """Summaries only (no profile, no decision): read one with GET /v1/decisions/{id}.
    Times are RFC 3339 with their zone: `2026-01-31T00:00:00Z`."""
    where = DecisionFilter(country=country, ruleset=ruleset, since=since, until=until)
    try:
        with _unless_unavailable():
            page = DecisionQuery(services.log.engine).page(where, limit, cursor)
            ids = [d.id for d in page.decisions]
            access.audit.record(caller.name, caller.client, ids, "list")
    except BadCursor as exc:
        raise ApiError(
            422,
            "invalid-request",
            "the request is not valid",
            [ProblemOut(path="query.cursor", message=str(exc), code="cursor")],
        ) from None
    return DecisionList(
        decisions=[
            DecisionSummaryOut(
                decision_id=d.id,
                recorded_at=d.recorded_at,
                ruleset=d.ruleset,
                country=d.country,
                token=d.token,
            )
            for d in page.decisions
        ],
        next=page.next,
    )


@contextmanager
def _unless_unavailable() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise ApiError(
            503,
            "decision-log-unavailable",
            f"the decision log cannot be read or the read cannot be logged: {type(exc).__name__}",
        ) from exc


def _log_denied(access: AccessDep, caller: Caller, key: str) -> None:
    # Best effort: the answer is a 404 either way, and must not differ when this fails.
    try:
        access.audit.record(caller.name, caller.client, [key], "denied")
    except SQLAlchemyError as exc:
        logger.warning("access log: could not record a denied read of %s: %s", key, exc)


def _not_found(decision_id: str) -> ApiError:
    return ApiError(404, "not-found", f"no decision {decision_id!r} in the log")
