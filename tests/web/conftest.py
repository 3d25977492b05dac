"""The workbench in a real browser: Debian's Chromium driven by Playwright, against a real
`advisor serve` on a loopback port serving the repository's rules and example profiles.

Chromium is the system's (`chromium`, installed by `.ci/run`); Playwright downloads no
browser. Without Chromium the tests skip, and fail under CI. Every request the browser
makes is recorded, and a test fails if one went anywhere but the server. Screenshots
are saved as artifacts under the session's temporary directory, or ADVISOR_SCREENSHOTS.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from ..api.server import Server, advisor_server

ROOT = Path(__file__).resolve().parent.parent.parent
#: generous: a shared two-CPU machine can be slow; nothing here is timed
TIMEOUT_MS = 90_000
LOCAL_SCHEMES = {"data", "blob", "about"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
expect.set_options(timeout=TIMEOUT_MS)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    found = chromium_path()
    if found is None:
        message = "Chromium is not installed (Debian package chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`advisor serve` with the repository's rules (and so its examples and features)."""
    workdir = tmp_path_factory.mktemp("workbench")
    database = f"sqlite:///{workdir / 'decisions.db'}"
    with advisor_server(workdir, ROOT / "rules", database, workers=1, reload_interval=0) as server:
        yield server


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium: str) -> Iterator[Browser]:
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
    launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("ADVISOR_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Visit:
    """A browser tab on the workbench, with every request it made."""

    page: Page
    base_url: str
    screenshots: Path
    requests: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")
        return self.page

    def shoot(self, name: str, full_page: bool = False) -> Path:
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def outside(self) -> list[str]:
        """Requests that went anywhere but the server on 127.0.0.1."""
        server = urlsplit(self.base_url)
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and (urlsplit(url).hostname, urlsplit(url).port) != (server.hostname, server.port)
        ]


def visiting(
    browser: Browser, base_url: str, screenshots: Path, **options: object
) -> Iterator[Visit]:
    """A new browser context on `base_url`; at the end, no request may have left it."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    visit = Visit(context.new_page(), base_url, screenshots)
    context.on("request", lambda request: visit.requests.append(request.url))
    try:
        yield visit
    finally:
        context.close()
    assert visit.requests, "the browser made no request"
    assert visit.outside() == [], "requests left the server"


@pytest.fixture
def visit(browser: Browser, workbench: Server, screenshots: Path) -> Iterator[Visit]:
    """A tab at 1280x800."""
    yield from visiting(browser, workbench.base_url, screenshots, viewport=DESKTOP)


@pytest.fixture
def narrow_visit(browser: Browser, workbench: Server, screenshots: Path) -> Iterator[Visit]:
    """A tab the width of a phone."""
    yield from visiting(browser, workbench.base_url, screenshots, viewport=PHONE)


@pytest.fixture
def visit_without_script(browser: Browser, workbench: Server, screenshots: Path) -> Iterator[Visit]:
    """A tab with JavaScript off."""
    yield from visiting(
        browser, workbench.base_url, screenshots, viewport=DESKTOP, java_script_enabled=False
    )
