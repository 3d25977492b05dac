"""Request bodies: size limit, media type, and parsing JSON or YAML into plain data.

JSON is the API's format. YAML (`Content-Type: application/yaml`) is accepted
too, so an analyst can POST a profile file as written; it goes through the
core's safe loader (no aliases, no tags, bounded depth). NaN and infinity are
let through the JSON parser on purpose: the profile check then refuses them
naming their path, which a parse error could not do. A key given twice is
refused with its path, as YAML's are (`advisor.language.reading`).

A body must say what it is: without a Content-Type it is refused (415), not
read as JSON, so that a form on another site cannot make a browser POST a
decision (a form can send only text/plain, urlencoded or multipart bodies). A
charset parameter is honoured: UTF-8 by default, a few others decoded, any
other refused by name.
"""

from __future__ import annotations

import codecs
from typing import Any, Literal

from starlette.requests import Request

from advisor.language.loader import parse_yaml
from advisor.language.reading import InputRefused, json_path, parse_json

from .errors import ApiError, ProblemOut, problem_out

__all__ = ["CHARSETS", "JSON_TYPES", "YAML_TYPES", "parse_body", "read_body"]

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
#: the charsets a body may be sent in, by Python's name for each
CHARSETS = frozenset(
    {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
    | {"ascii", "iso8859-1", "iso8859-15", "cp1252"}
)

Format = Literal["json", "yaml"]


async def read_body(request: Request, limit: int) -> tuple[bytes, Format]:
    """The body as UTF-8 and its format; 413 past `limit` bytes (checked before and while
    reading), 415 without a Content-Type or with a charset the service does not read."""
    kind, charset = _media_type(request.headers.get("content-type"))
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
    body = b"".join(chunks)
    return (body if charset == "utf-8" else _as_utf8(body, charset)), kind


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
        return parse_json(text, constants=True)
    except InputRefused as exc:
        raise _malformed(exc.message, json_path(exc.path), exc.code, exc.suggestion) from None


def _media_type(content_type: str | None) -> tuple[Format, str]:
    """The body's format and charset (Python's name for it), from its Content-Type."""
    if not content_type or not content_type.strip():
        raise ApiError(
            415,
            "unsupported-media-type",
            "the request has no Content-Type: send Content-Type: application/json"
            " (or application/yaml)",
        )
    media, *parameters = (part.strip() for part in content_type.split(";"))
    media = media.lower()
    if media in JSON_TYPES or media.endswith("+json"):
        kind: Format = "json"
    elif media in YAML_TYPES:
        kind = "yaml"
    else:
        raise ApiError(
            415,
            "unsupported-media-type",
            f"cannot read a body of type {media!r}: send application/json or application/yaml",
        )
    charset = "utf-8"
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = _charset(value.strip().strip('"'))
    return kind, charset


def _charset(name: str) -> str:
    try:
        known = codecs.lookup(name).name
    except LookupError:
        known = ""
    if known not in CHARSETS:
        raise ApiError(
            415,
            "unsupported-charset",
            f"cannot read a body in charset {name!r}: send UTF-8 (charset=utf-8)",
        )
    return known


def _as_utf8(body: bytes, charset: str) -> bytes:
    try:
        return body.decode(charset).encode("utf-8")
    except UnicodeError as exc:
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        raise _malformed(f"the body is not {charset}: {exc}{where}"[:300]) from None


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body-too-large", f"the body is larger than {limit} bytes")


def _malformed(
    message: str, path: str = "$", code: str = "syntax", suggestion: str | None = None
) -> ApiError:
    problem = ProblemOut(path=path, message=message, code=code, suggestion=suggestion)
    return ApiError(400, "malformed-body", message, [problem])
