"""When the service asks for a token, the workbench asks the analyst for one and sends it.

The service's own access control (api/access) sits in the app, so it holds for the pages'
calls to the API as well: once a token exists, every `/v1` request needs
`Authorization: Bearer <token>` (401 without one, or with one the service does not know).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from advisor.api import Settings, create_app
from advisor.api.access import Role, TokenStore
from advisor.api.decision_log import DecisionLog
from playwright.sync_api import Browser, expect

from .conftest import DESKTOP, ROOT, Visit, visiting


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The service on a loopback port (port 0: the system picks), every /v1 call guarded."""
    workdir = tmp_path_factory.mktemp("guarded")
    settings = Settings(
        rules_dir=ROOT / "rules",
        database_url=f"sqlite:///{workdir / 'decisions.db'}",
        reload_interval=0,
    )
    log = DecisionLog(settings.database_url)
    try:
        log.migrate()
        token = TokenStore(log.engine).add("analyst", Role.READER)
    finally:
        log.close()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise AssertionError("the guarded server did not start")
            thread.join(0.05)
        (port,) = {s.getsockname()[1] for srv in server.servers for s in srv.sockets}
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def guarded_visit(browser: Browser, guarded: tuple[str, str], screenshots: Path) -> Iterator[Visit]:
    yield from visiting(browser, guarded[0], screenshots, viewport=DESKTOP)


def test_the_page_asks_for_a_token_and_sends_it(
    guarded_visit: Visit, guarded: tuple[str, str]
) -> None:
    page = guarded_visit.open("/?example=libya-2024")
    prompt = page.locator("#token-needed")
    expect(prompt).to_contain_text("This service asks for an access token")
    guarded_visit.shoot("token-prompt")
    page.locator("#token-input").fill(guarded[1])
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


def test_a_wrong_token_is_refused_and_another_can_be_entered(
    guarded_visit: Visit, guarded: tuple[str, str]
) -> None:
    page = guarded_visit.open("/?example=libya-2024")
    page.locator("#token-input").fill("not-a-token-the-service-knows")
    page.get_by_role("button", name="Use this token").click()
    refusal = page.locator("#token-refused")
    expect(refusal).to_contain_text("The service refused this token")
    expect(refusal).to_contain_text("the token is not known, or it was revoked")
    guarded_visit.shoot("token-refused")
    # the refused token is not kept: the tab holds none, and the prompt is there to retry
    expect(page.locator("#token-status")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('advisor-token')") is None
    page.locator("#token-input").fill(guarded[1])
    page.get_by_role("button", name="Use this token").click()
    expect(page.locator("#measure-intelligence-sharing-framework")).to_contain_text("critical")
    expect(page.locator("#token-refused")).to_have_count(0)
