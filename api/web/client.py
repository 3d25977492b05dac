"""The workbench's pages call the service's own API, in process, as the browser would.

A page that shows a decision gets it from `POST /v1/recommendations`, the catalogue from
`GET /v1/indicators`, and so on: each call is an ASGI request to this same app, carrying
the browser's headers (its token, if the service asks for one) and client address. So a
page can do nothing its visitor could not do with the API, every access rule of the API
holds for the pages too, and there is one way in to the rules: the API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.types import Message

__all__ = ["FORM_LIMIT", "ApiAnswer", "ApiClient", "read_form"]

#: the largest form a page accepts (a pasted profile or rule file)
FORM_LIMIT = 2_000_000

#: the browser's headers not passed on: the body's own are set for each call
_OWN_HEADERS = {b"content-type", b"content-length", b"transfer-encoding", b"accept-encoding"}


@dataclass
class ApiAnswer:
    """An API answer: status, and the body as JSON (or text, for a non-JSON body)."""

    status: int
    body: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def refusal(cls, status: int, code: str, message: str) -> ApiAnswer:
        """An answer in the API's error shape, for a refusal the page makes itself."""
        detail = {"status": status, "code": code, "message": message, "problems": []}
        return cls(status, json.dumps({"error": detail}).encode(), "application/json")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.body)

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def error(self) -> dict[str, Any]:
        """The error body's `error` object (a generic one if the body is not the API's)."""
        try:
            detail = self.json()["error"]
            if isinstance(detail, dict):
                return detail
        except (ValueError, KeyError, TypeError):
            pass
        return {"status": self.status, "code": "error", "message": self.text()[:300]}


class ApiClient:
    """Calls this app's API on behalf of one incoming request."""

    def __init__(self, request: Request) -> None:
        self._request = request

    async def get(self, path: str, query: str = "") -> ApiAnswer:
        return await self.call("GET", path, query=query)

    async def post_json(self, path: str, document: Any, query: str = "") -> ApiAnswer:
        body = json.dumps(document).encode("utf-8")
        return await self.call("POST", path, body, "application/json", query)

    async def call(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str | None = None,
        query: str = "",
    ) -> ApiAnswer:
        """One request to the app; the answer is collected whole (API answers are small)."""
        outer = self._request.scope
        headers = [(k, v) for k, v in outer.get("headers", []) if k.lower() not in _OWN_HEADERS]
        if content_type is not None:
            headers.append((b"content-type", content_type.encode("latin-1")))
        if body or method == "POST":
            headers.append((b"content-length", str(len(body)).encode("latin-1")))
        scope = {
            "type": "http",
            "asgi": outer.get("asgi", {"version": "3.0"}),
            "http_version": outer.get("http_version", "1.1"),
            "method": method,
            "scheme": outer.get("scheme", "http"),
            "server": outer.get("server"),
            "client": outer.get("client"),
            "root_path": outer.get("root_path", ""),
            "path": path,
            "raw_path": path.encode("utf-8"),
            "query_string": query.encode("latin-1"),
            "headers": headers,
        }
        if "state" in outer:
            scope["state"] = dict(outer["state"])
        return await _exchange(self._request.app, scope, body)


async def _exchange(app: Any, scope: dict[str, Any], body: bytes) -> ApiAnswer:
    sent = False
    answer = ApiAnswer(500, b"")
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = int(message["status"])
            answer.headers = {
                k.decode("latin-1").lower(): v.decode("latin-1")
                for k, v in message.get("headers", [])
            }
            answer.content_type = answer.headers.get("content-type", "")
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await app(scope, receive, send)
    except Exception as exc:
        # Starlette re-raises after answering its 500; the page shows that answer (or, if
        # none was sent, says so) rather than failing itself.
        if not chunks:
            return ApiAnswer.refusal(500, "internal", type(exc).__name__)
    answer.body = b"".join(chunks)
    return answer


async def read_form(request: Request, limit: int = FORM_LIMIT) -> dict[str, str] | None:
    """A page form's fields (URL-encoded, the first value of each), or None past `limit`."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    fields = parse_qs(b"".join(chunks).decode("utf-8", errors="replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}
