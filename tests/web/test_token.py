"""When the service asks for a token, the workbench asks the analyst for one and sends it.

The service's own access control sits in the app, so it holds for the pages' calls to the
API as well. Here a small middleware inside the app stands in for it: every `/v1` request
needs `Authorization: Bearer <token>` (401 without, 403 with a wrong one).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from advisor.api import Settings, create_app
from advisor.api.errors import error_response
from playwright.sync_api import Browser, expect
from starlette.types import ASGIApp, Receive, Scope, Send

from .conftest import DESKTOP, ROOT, Visit, visiting

TOKEN = "analyst-token-for-tests"


class NeedsToken:
    """401 for a `/v1` request without the bearer token, 403 for a wrong one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            given = dict(scope["headers"]).get(b"authorization")
            if given is None:
                answer = error_response(401, "unauthorized", "a token is required")
                await answer(scope, receive, send)
                return
            if given != f"Bearer {TOKEN}".encode():
                await error_response(403, "forbidden", "the token is wrong")(scope, receive, send)
                return
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service on a loopback port (port 0: the system picks), every /v1 call guarded."""
    workdir = tmp_path_factory.mktemp("guarded")
    settings = Settings(
        rules_dir=ROOT / "rules",
        database_url=f"sqlite:///{workdir / 'decisions.db'}",
        reload_interval=0,
    )
    app = create_app(settings)
    app.add_middleware(NeedsToken)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise AssertionError("the guarded server did not start")
            thread.join(0.05)
        (port,) = {s.getsockname()[1] for srv in server.servers for s in srv.sockets}
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def guarded_visit(browser: Browser, guarded: str, screenshots: Path) -> Iterator[Visit]:
    yield from visiting(browser, guarded, screenshots, viewport=DESKTOP)


def test_the_page_asks_for_a_token_and_sends_it(guarded_visit: Visit) -> None:
    page = guarded_visit.open("/?example=libya-2024")
    prompt = page.locator("#token-needed")
    expect(prompt).to_contain_text("This service asks for an access token")
    guarded_visit.shoot("token-prompt")
    page.locator("#token-input").fill("not-the-token")
    page.get_by_role("button", name="Use this token").click()
    expect(prompt).to_contain_text("the token is wrong")
    expect(prompt).to_contain_text("The service refused the token this tab holds")
    page.locator("#token-input").fill(TOKEN)
    page.get_by_role("button", name="Use this token").click()
    expect(page.locator("#measure-intelligence-sharing-framework")).to_contain_text("critical")
    expect(page.locator("#token-status")).to_be_visible()
    # the tab keeps the token: a reload asks the server again, with it
    page.reload(wait_until="domcontentloaded")
    expect(page.locator("#measure-intelligence-sharing-framework")).to_contain_text("critical")
    # and every view the analyst goes to sends it
    page.get_by_role("link", name="Compare").first.click()
    expect(page.locator("#compare-a")).to_be_visible()
    # forgotten, the token is asked for again
    page.locator("[data-forget-token]").click()
    expect(page.locator("#token-input")).to_be_visible()
