"""The one error shape of the API, and the one place that produces it.

Every refusal, from a profile that names an unknown indicator to a route that
does not exist, answers::

    {"error": {"status": 422, "code": "invalid-profile", "message": "...",
               "problems": [{"path": "indicators.wgi.rule_of_lw", "location": null,
                             "message": "unknown indicator", "code": "unknown-indicator",
                             "suggestion": "did you mean \\"wgi.rule_of_law\\"?"}]}}

`path` is a JSON path into the request body; `location` is a place in a rule
file (for rule-set problems). Handlers raise `ApiError`; `error_response` is
the only function that builds the body.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor import EngineError, Problem, ProfileProblem

__all__ = [
    "ApiError",
    "ErrorBody",
    "ErrorDetail",
    "LocationOut",
    "ProblemOut",
    "error_response",
    "install_error_handlers",
    "problem_out",
]

logger = logging.getLogger("advisor.api")


class LocationOut(BaseModel):
    """A position in a rule file; line and column count from 1."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int
    column: int


class ProblemOut(BaseModel):
    """One thing wrong: where (a JSON path in the request, or a rule-file location) and what."""

    model_config = ConfigDict(frozen=True)

    path: str | None = None
    location: LocationOut | None = None
    message: str
    code: str
    suggestion: str | None = None


class ErrorDetail(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: int
    #: a stable word for programs, e.g. invalid-profile, body-too-large, forbidden
    code: str
    message: str
    problems: list[ProblemOut] = []


class ErrorBody(BaseModel):
    """What every error response carries."""

    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "status": 422,
                        "code": "invalid-profile",
                        "message": "the profile does not fit the indicator catalogue",
                        "problems": [
                            {
                                "path": "indicators.wgi.rule_of_lw",
                                "location": None,
                                "message": "unknown indicator",
                                "code": "unknown-indicator",
                                "suggestion": 'did you mean "wgi.rule_of_law"?',
                            }
                        ],
                    }
                }
            ]
        },
    )

    error: ErrorDetail


class ApiError(Exception):
    """Raised by handlers to answer with an error; turned into `ErrorBody` by one handler."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        problems: Iterable[ProblemOut] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = list(problems)
        self.headers = headers


def problem_out(problem: Problem | ProfileProblem, prefix: str = "") -> ProblemOut:
    """A core problem in wire form; `prefix` places a profile's paths inside a larger body."""
    if isinstance(problem, ProfileProblem):
        path = problem.path
        if prefix:
            path = prefix if path == "$" else f"{prefix}.{path}"
        return ProblemOut(
            path=path, message=problem.message, code=problem.code, suggestion=problem.suggestion
        )
    where = problem.location
    return ProblemOut(
        location=LocationOut(file=where.file, line=where.line, column=where.column),
        message=problem.message,
        code=problem.code,
        suggestion=problem.suggestion,
    )


def error_response(
    status: int,
    code: str,
    message: str,
    problems: Sequence[ProblemOut] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The only constructor of error bodies."""
    body = ErrorBody(
        error=ErrorDetail(status=status, code=code, message=message, problems=list(problems))
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


_STATUS_CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "body-too-large",
    415: "unsupported-media-type",
}


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure through `error_response`."""

    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, exc.problems, exc.headers)

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)

    async def validation_error(_: Request, exc: Exception) -> JSONResponse:
        # Only path and query parameters reach here: bodies are parsed by api.body.
        assert isinstance(exc, RequestValidationError)
        problems = [
            ProblemOut(
                path=".".join(str(part) for part in error["loc"]),
                message=str(error["msg"]),
                code=str(error["type"]),
            )
            for error in exc.errors()
        ]
        return error_response(422, "invalid-request", "the request is not valid", problems)

    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, EngineError):
            logger.error("engine error: %s", exc)
            return error_response(500, "engine-error", f"internal engine error: {exc}")
        logger.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal", "internal error")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
