"""Request bodies: size limit, media type, and parsing JSON or YAML into plain data.

JSON is the API's format. YAML (`Content-Type: application/yaml`) is accepted
too, so an analyst can POST a profile file as written; it goes through the
core's safe loader (no aliases, no tags, bounded depth). NaN and infinity are
let through the JSON parser on purpose: the profile check then refuses them
naming their path, which a parse error could not do.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from starlette.requests import Request

from advisor.language.loader import parse_yaml

from .errors import ApiError, ProblemOut, problem_out

__all__ = ["JSON_TYPES", "YAML_TYPES", "parse_body", "read_body"]

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")

Format = Literal["json", "yaml"]


async def read_body(request: Request, limit: int) -> tuple[bytes, Format]:
    """The body and its format; 413 past `limit` bytes (checked before and while reading)."""
    kind = _format(request.headers.get("content-type"))
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks), kind


def parse_body(body: bytes, kind: Format) -> Any:
    """Plain data from a JSON or YAML body; 400 naming where it stops making sense."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed(f"the body is not UTF-8: {exc.reason} at byte {exc.start}") from None
    if kind == "yaml":
        doc = parse_yaml(text, "<body>")
        if doc.problems:
            raise ApiError(
                400,
                "malformed-body",
                "the body is not a YAML document the service can read",
                [problem_out(p) for p in doc.problems],
            )
        return doc.data
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _malformed(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:  # integers past 4300 digits; deep nesting
        raise _malformed(f"invalid JSON: {type(exc).__name__}: {str(exc)[:200]}") from None


def _format(content_type: str | None) -> Format:
    if not content_type:
        return "json"
    media = content_type.split(";", 1)[0].strip().lower()
    if media in JSON_TYPES or media.endswith("+json"):
        return "json"
    if media in YAML_TYPES:
        return "yaml"
    raise ApiError(
        415,
        "unsupported-media-type",
        f"cannot read a body of type {media!r}: send application/json or application/yaml",
    )


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body-too-large", f"the body is larger than {limit} bytes")


def _malformed(message: str) -> ApiError:
    return ApiError(
        400, "malformed-body", message, [ProblemOut(path="$", message=message, code="syntax")]
    )
