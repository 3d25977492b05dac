"""Strict request bodies: media type and charset, keys given twice, text, periods, numbers.

Every refusal is a 4xx with the one error shape, naming the path; never a 5xx.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from advisor.api import Settings, create_app
from advisor.api.holder import RuleSetHolder
from fastapi.testclient import TestClient
from httpx2 import Response

from advisor import RuleSetError

from ..conftest import LIBYA_2024
from .conftest import LOCAL
from .test_endpoints import error_of, paths

URL = "/v1/recommendations"
JSON_TYPE = "application/json"
JSON = {"content-type": JSON_TYPE}
COTE = {"country": "Côte d'Ivoire", "indicators": {"acled.events": 12}}


def post(
    client: TestClient, body: bytes, content_type: str | None = "application/json"
) -> Response:
    headers = {} if content_type is None else {"content-type": content_type}
    return client.post(URL, content=body, headers=headers)


# -- media type and charset


@pytest.mark.parametrize(
    "content_type", [None, "", "text/plain", "multipart/form-data; boundary=x"]
)
def test_a_body_must_say_it_is_json_or_yaml(client: TestClient, content_type: str | None) -> None:
    # A form on another site can send none of these as JSON: no simple request gets a decision.
    response = post(client, json.dumps(LIBYA_2024).encode(), content_type)
    detail = error_of(response, 415, "unsupported-media-type")
    assert "application/json" in detail["message"]


def test_the_form_a_browser_sends_is_415(client: TestClient) -> None:
    response = client.post(URL, data={"country": "X"})
    error_of(response, 415, "unsupported-media-type")


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [
        ("utf-8", "utf-8"),
        ('"UTF-8"', "utf-8"),
        ("utf-16", "utf-16"),
        ("UTF-16LE", "utf-16-le"),
        ("iso-8859-1", "latin-1"),
        ("windows-1252", "cp1252"),
    ],
)
def test_a_charset_is_honoured(client: TestClient, charset: str, encoding: str) -> None:
    body = json.dumps(COTE, ensure_ascii=False).encode(encoding)
    response = post(client, body, f"application/json; charset={charset}")
    assert response.status_code == 200, response.text
    assert response.json()["country"] == "Côte d'Ivoire"


def test_a_yaml_body_in_utf_16_is_read(client: TestClient) -> None:
    body = "country: Côte d'Ivoire\nindicators: {acled.events: 12}\n".encode("utf-16")
    response = post(client, body, "application/yaml; charset=utf-16")
    assert response.status_code == 200, response.text
    assert response.json()["country"] == "Côte d'Ivoire"


@pytest.mark.parametrize("charset", ["klingon", "base64", "rot13", "utf-7", "unicode_escape"])
def test_a_charset_the_service_does_not_read_is_415_naming_it(
    client: TestClient, charset: str
) -> None:
    response = post(client, json.dumps(COTE).encode(), f"application/json; charset={charset}")
    detail = error_of(response, 415, "unsupported-charset")
    assert repr(charset) in detail["message"]


def test_a_body_that_is_not_in_its_charset_is_400(client: TestClient) -> None:
    latin = json.dumps(COTE, ensure_ascii=False).encode("latin-1")
    error_of(post(client, latin, "application/json"), 400, "malformed-body")  # not UTF-8
    odd = b"\x00{\x00}\x00"  # an odd number of bytes is no UTF-16
    error_of(post(client, odd, "application/json; charset=utf-16-le"), 400, "malformed-body")


# -- keys given twice


@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        (URL, b'{"country": "X", "indicators": {"acled.events": 1, "acled.events": 9}}',
         "indicators.acled.events"),
        (URL, b'{"country": "X", "country": "Y"}', "country"),
        (URL + "/batch", b'{"profiles": [{"country": "X", "notes": "a", "notes": "b"}]}',
         "profiles[0].notes"),
        (URL + "/batch", b'{"profiles": [], "profiles": [{"country": "X"}]}', "profiles"),
    ],
)  # fmt: skip
def test_a_json_key_given_twice_is_refused_with_its_path(
    client: TestClient, url: str, body: bytes, path: str
) -> None:
    response = client.post(url, content=body, headers=JSON)
    detail = error_of(response, 400, "malformed-body")
    assert paths(detail) == {path: "duplicate-key"}


# -- text that cannot be encoded


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b'{"country": "X", "notes": "\\udfff"}', "notes"),
        (b'{"country": "X", "sources": {"acled.events": "\\udfff"}}', "sources.acled.events"),
        (b'{"country": "X", "sources": {"\\udfff": "a"}}', "sources.\\udfff"),
        (b'{"country": "X", "indicators": {"\\udfff": 1}}', "indicators.\\udfff"),
        (b'{"country": "X", "indicators": {"acled.events": 1}, "\\ud800": 1}', "\\ud800"),
    ],
)
def test_a_lone_surrogate_is_422_naming_the_path(
    client: TestClient, body: bytes, path: str
) -> None:
    detail = error_of(post(client, body), 422, "invalid-profile")
    assert paths(detail) == {path: "unencodable-text"}


def test_a_lone_surrogate_in_a_batch_is_422_naming_the_profile(client: TestClient) -> None:
    body = b'{"profiles": [{"country": "X"}, {"country": "Y", "notes": "\\udfff"}]}'
    response = client.post(URL + "/batch", content=body, headers=JSON)
    detail = error_of(response, 422, "invalid-profile")
    assert paths(detail) == {"profiles[1].notes": "unencodable-text"}


# -- periods


@pytest.mark.parametrize(
    ("series", "path", "code"),
    [
        ({"2023": 1, "2024\n": 2}, "indicators.migration.departures.2024\\n", "period"),
        ({"2023": 1, " 2024": 2}, "indicators.migration.departures. 2024", "period"),
        ({"2024": 1, "2024-Q1": 2}, "indicators.migration.departures", "mixed-periods"),
    ],
)
def test_series_periods_are_exact_and_of_one_kind(
    client: TestClient, series: dict[str, int], path: str, code: str
) -> None:
    body = {"country": "X", "indicators": {"migration.departures": series}}
    detail = error_of(client.post(URL, json=body), 422, "invalid-profile")
    assert paths(detail) == {path: code}


# -- numbers the engine compares exactly

UNRANGED = """
indicators:
  - {id: x.count, title: Count, type: number}
measures:
  - {id: m, title: M, area: diplomacy, description: d, outcomes: [o], horizon: short}
rules:
  - id: huge
    title: Huge
    when: x.count > 9007199254740991
    recommend: [{measure: m, priority: low}]
    because: b
    source: Recommendations
"""


@pytest.fixture
def unranged_client(settings: Settings, rules_dir: Path) -> Iterator[TestClient]:
    (rules_dir / "unranged.yaml").write_text(UNRANGED.lstrip(), encoding="utf-8")
    with TestClient(create_app(settings), client=LOCAL) as client:
        yield client


@pytest.mark.parametrize("value", [b"9223372036854775808", b"-9007199254740993", b"1e300"])
def test_a_number_past_what_the_engine_compares_is_422(
    unranged_client: TestClient, value: bytes
) -> None:
    body = b'{"country": "X", "indicators": {"x.count": ' + value + b"}}"
    detail = error_of(post(unranged_client, body), 422, "invalid-profile")
    assert paths(detail) == {"indicators.x.count": "number-too-large"}


def test_a_number_at_the_limit_is_decided_exactly(unranged_client: TestClient) -> None:
    body = b'{"country": "X", "indicators": {"x.count": 9007199254740992}}'
    response = post(unranged_client, body)
    assert response.status_code == 200, response.text
    fired = [r for r, e in response.json()["rules"].items() if e.get("status", "fired") == "fired"]
    assert fired == ["huge"]


# -- a FIFO among the rule files: the service neither hangs at start nor at reload


def finishes(work: Callable[[], Any], fifo: Path) -> Any:
    """`work()`'s result; if it blocks on the FIFO, unblock it and fail rather than hang."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY))  # a reader is waiting: this lets it go
        thread.join()
        pytest.fail(f"blocked on the FIFO {fifo}")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


@fifos
def test_a_fifo_fails_the_start_naming_it(rules_dir: Path, tmp_path: Path) -> None:
    fifo = rules_dir / "x.yaml"
    os.mkfifo(fifo)
    with pytest.raises(RuleSetError) as caught:
        finishes(lambda: RuleSetHolder(rules_dir, tmp_path / "keep"), fifo)
    (problem,) = caught.value.problems
    assert str(problem.location).endswith("x.yaml")
    assert problem.code == "not-a-file"


@fifos
def test_a_fifo_fails_a_reload_naming_it_and_the_service_keeps_serving(rules_dir: Path) -> None:
    holder = RuleSetHolder(rules_dir)
    serving = holder.current
    fifo = rules_dir / "x.yaml"
    os.mkfifo(fifo)
    outcome = finishes(holder.reload, fifo)
    assert not outcome.ok
    (problem,) = outcome.failure.problems
    assert "x.yaml: a FIFO (named pipe), not a regular file" in str(problem)
    assert holder.current is serving
