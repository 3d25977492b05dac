"""`/docs` and `/redoc` that work offline: Swagger UI and ReDoc served by the service.

FastAPI's own pages load their scripts from a CDN (and ReDoc its fonts from Google),
so on a closed network they are blank. The same pages are built here with every asset
served from this server: the Swagger UI and ReDoc bundles shipped inside the
`fastapi-offline` package (a dependency), and no web fonts. ReDoc's bundle draws
Redocly's logo from their CDN; it is served with that one address pointed here.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, Response

__all__ = ["ASSETS_URL", "docs_assets", "install_docs"]

ASSETS_URL = "/workbench/docs-assets"
FAVICON_URL = "/workbench/static/favicon.svg"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
REDOC_JS_URL = "/workbench/redoc.standalone.js"
#: the one outside address in ReDoc's bundle (the "API docs by Redocly" logo)
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


def docs_assets() -> Path:
    """The folder of Swagger UI's and ReDoc's bundles inside the fastapi-offline package."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise RuntimeError("the fastapi-offline package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@functools.cache
def redoc_bundle() -> bytes:
    """ReDoc's bundle with its logo drawn from this server instead of Redocly's CDN."""
    bundle = (docs_assets() / "redoc.standalone.js").read_bytes()
    return bundle.replace(REDOC_LOGO, FAVICON_URL.encode())


def install_docs(app: FastAPI) -> None:
    """Serve /docs, its OAuth2 redirect, and /redoc, with their assets (the app must have
    been made with `docs_url=None, redoc_url=None`)."""
    app.mount(ASSETS_URL, StaticFiles(directory=docs_assets()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=FAVICON_URL,
            # no badge from the public validator service: nothing leaves the server
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_JS_URL, include_in_schema=False)
    def redoc_js() -> Response:
        headers = {"Cache-Control": "public, max-age=3600"}
        return Response(redoc_bundle(), media_type="text/javascript", headers=headers)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=REDOC_JS_URL,
            redoc_favicon_url=FAVICON_URL,
            with_google_fonts=False,
        )
