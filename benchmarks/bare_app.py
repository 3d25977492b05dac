"""The baseline for the service benchmark: a FastAPI endpoint that parses the body and returns it.

Same path and method as the advisor's; no rules, no decision log. Served by
`bare_server.py` under the uvicorn settings `advisor serve` uses.
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/v1/recommendations")
async def recommendations(request: Request) -> JSONResponse:
    return JSONResponse(json.loads(await request.body()))
