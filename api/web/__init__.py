"""The analyst's workbench: web pages served by the service at `/`, and `/docs` offline.

Pages are rendered on the server from what the API answers (`client.ApiClient`
calls the API in process with the visitor's own headers); a little JavaScript
(`static/workbench.js`) adds a token prompt, navigation without reloads and file
upload. The read-only analysis the pages need beyond the existing endpoints is
itself API, under `/v1/workbench` (`endpoints`). Every asset ships in the package.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import endpoints, page_compare, page_decision, page_preview, page_rules
from .docs import install_docs
from .render import STATIC_DIR

__all__ = ["install_workbench"]


def install_workbench(app: FastAPI) -> None:
    """The workbench's API endpoints, its pages and assets, and the offline /docs, /redoc."""
    app.include_router(endpoints.router)
    for module in (page_decision, page_compare, page_rules, page_preview):
        app.include_router(module.router)
    app.mount("/workbench/static", StaticFiles(directory=STATIC_DIR), name="workbench-static")
    install_docs(app)
