"""Limits, on a real uvicorn server: slow heads and bodies, concurrency, refused bodies, hang-ups.

The raw-socket tests speak HTTP/1.1 by hand, since that is where the limits
are: a client that sends its head or body slowly, or never finishes it. Each
reads until the server answers and closes; a test that hung instead would be
stopped by the socket timeout and fail.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
import requests
from advisor.api import Settings

from ..conftest import LIBYA_2024
from .live import LiveServer, live_server

SOCKET_TIMEOUT = 60  # generous: how long a test waits before calling the server hung


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    quick = {"header_timeout": 1.0, "body_timeout": 1.0, "max_concurrency": 4}
    with live_server(settings.model_copy(update=quick)) as server:
        yield server


def connect(server: LiveServer) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=SOCKET_TIMEOUT)
    return sock


def head(content_length: int | None = None, *extra: str) -> bytes:
    lines = ["POST /v1/recommendations HTTP/1.1", "Host: test", "Content-Type: application/json"]
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    return ("\r\n".join([*lines, *extra]) + "\r\n\r\n").encode()


def answer_to(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read until the server closes: status, headers and body of the one answer."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head_part, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head_part.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def trickle(sock: socket.socket, data: bytes, every: float = 0.3) -> None:
    """Send `data` a byte at a time until it is sent or the server starts answering."""
    for byte in data:
        readable, _, _ = select.select([sock], [], [], every)
        if readable:
            return
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            return


def error_code(body: bytes) -> str:
    code: str = json.loads(body)["error"]["code"]
    return code


# -- time limits


def test_a_head_sent_slowly_gets_408_and_the_connection_closes(server: LiveServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /v1/recommendations HTTP/1.1\r\nHost: test\r\n")
        trickle(sock, b"X-Slow: " + b"a" * 1000)
        status, headers, body = answer_to(sock)
    assert (status, headers["connection"]) == (408, "close")
    assert error_code(body) == "header-timeout"


def test_a_body_sent_a_byte_at_a_time_gets_408(server: LiveServer) -> None:
    body = json.dumps(LIBYA_2024).encode()
    with connect(server) as sock:
        sock.sendall(head(len(body)))
        trickle(sock, body)
        status, headers, answer = answer_to(sock)
    assert (status, headers["connection"]) == (408, "close")
    assert error_code(answer) == "body-timeout"


def test_a_body_shorter_than_its_content_length_gets_408(server: LiveServer) -> None:
    with connect(server) as sock:
        sock.sendall(head(1000) + b'{"country": "Libya"')
        status, headers, answer = answer_to(sock)
    assert (status, headers["connection"]) == (408, "close")
    assert error_code(answer) == "body-timeout"


def test_a_fast_client_on_a_kept_alive_connection_is_not_hurried(server: LiveServer) -> None:
    """The limits count from each request's start: a connection may serve many."""
    with httpx.Client(base_url=server.base_url) as http:
        for _ in range(3):
            assert http.get("/healthz").status_code == 200
            assert http.post("/v1/recommendations", json=LIBYA_2024).status_code == 200
            time.sleep(0.5)  # half the header timeout, three times over: idle, not slow


# -- concurrency


def test_beyond_the_concurrency_limit_503_with_retry_after(settings: Settings) -> None:
    one_at_a_time = {"max_concurrency": 1, "body_timeout": 60.0}
    with live_server(settings.model_copy(update=one_at_a_time)) as server:
        body = json.dumps(LIBYA_2024).encode()
        with connect(server) as held, httpx.Client(base_url=server.base_url) as http:
            held.sendall(head(len(body)) + body[:10])  # in flight until the rest comes
            deadline = time.monotonic() + SOCKET_TIMEOUT
            while (refused := http.post("/v1/recommendations", json=LIBYA_2024)).status_code != 503:
                assert time.monotonic() < deadline, "the held request never took the slot"
            assert refused.headers["retry-after"] == "1"
            assert refused.json()["error"]["code"] == "overloaded"
            assert http.get("/healthz").status_code == 200  # probes are not counted
            assert http.get("/metrics").status_code == 200
            held.sendall(body[10:])
            status, _, _ = answer_to_one(held)
            assert status == 200
            assert http.post("/v1/recommendations", json=LIBYA_2024).status_code == 200


def answer_to_one(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read one answer with a Content-Length from a connection that stays open."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head_part, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head_part.decode("latin-1").split("\r\n")
    headers = {n.strip().lower(): v.strip() for n, _, v in (h.partition(":") for h in header_lines)}
    while len(body) < int(headers["content-length"]):
        body += sock.recv(65536)
    return int(status_line.split()[1]), headers, body


# -- bodies the service refuses


BIG = b'{"country": "' + b"x" * 12_000_000 + b'"}'  # over the tests' 20 kB limit, under the cap


def test_urllib_reads_the_413_of_an_oversized_body(server: LiveServer) -> None:
    """urllib asks to close after the answer: unread data would reset the connection."""
    request = urllib.request.Request(
        f"{server.base_url}/v1/recommendations",
        data=BIG,
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=SOCKET_TIMEOUT)
    assert refused.value.code == 413
    assert error_code(refused.value.read()) == "body-too-large"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_requests_reads_the_413_of_an_oversized_body(server: LiveServer, chunked: bool) -> None:
    data: Any = iter([BIG[i : i + 65536] for i in range(0, len(BIG), 65536)]) if chunked else BIG
    response = requests.post(
        f"{server.base_url}/v1/recommendations",
        data=data,
        headers={"Content-Type": "application/json", "Connection": "close"},
        timeout=SOCKET_TIMEOUT,
    )
    assert response.status_code == 413
    assert error_code(response.content) == "body-too-large"


def test_httpx_reads_the_413_of_an_oversized_body(server: LiveServer) -> None:
    response = httpx.post(
        f"{server.base_url}/v1/recommendations",
        content=BIG,
        headers={"Content-Type": "application/json", "Connection": "close"},
        timeout=SOCKET_TIMEOUT,
    )
    assert response.status_code == 413
    assert error_code(response.content) == "body-too-large"


def test_a_body_declared_beyond_the_drain_cap_is_refused_at_once(server: LiveServer) -> None:
    """Reading a gigabyte to be polite is not worth it: 413 now, and the connection closes."""
    with connect(server) as sock:
        sock.sendall(head(10**9))
        status, headers, body = answer_to(sock)
    assert (status, headers["connection"]) == (413, "close")
    assert error_code(body) == "body-too-large"


def test_a_client_waiting_for_100_continue_is_refused_without_sending(server: LiveServer) -> None:
    with connect(server) as sock:
        sock.sendall(head(100_000, "Expect: 100-continue"))
        status, headers, _ = answer_to(sock)
    assert (status, headers["connection"]) == (413, "close")


# -- hang-ups


def test_a_client_hanging_up_mid_body_is_an_info_line_not_a_500(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with connect(server) as sock:
        sock.sendall(head(1000) + b'{"country": ')
    hang_ups = 'advisor_http_requests_total{method="POST",route="/v1/recommendations",status="499"}'
    deadline = time.monotonic() + SOCKET_TIMEOUT
    while hang_ups not in (metrics := httpx.get(f"{server.base_url}/metrics").text):
        assert time.monotonic() < deadline, "the hang-up was never counted"
        time.sleep(0.05)
    assert 'status="500"' not in metrics
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any("hung up" in r.getMessage() for r in caplog.records)
