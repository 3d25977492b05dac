"""Documented error responses, shared by the routers."""

from __future__ import annotations

from typing import Any

from ..errors import ErrorBody


def errors(**described: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for error statuses, e.g. errors(e404="no such rule")."""
    return {
        int(key[1:]): {"model": ErrorBody, "description": text} for key, text in described.items()
    }


BODY_ERRORS = errors(
    e400="The body is not JSON (or YAML) the service can read.",
    e413="The body is larger than ADVISOR_MAX_BODY_BYTES.",
    e415="The body is neither application/json nor application/yaml.",
    e422="A profile does not fit the indicator catalogue; each problem names its JSON path.",
    e503="The decision could not be recorded, so it is not given.",
)
