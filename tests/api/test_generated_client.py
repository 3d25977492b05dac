"""A Python client generated from the served /openapi.json (openapi-python-client) works.

The schema is fetched from a real `advisor serve`, so these tests follow whatever
shape the decision has: the generated models must keep every value of a profile
(series, aliases, misspelt names, which the service then names in a 422) and of
the answer, and the operations carry short names (`recommend`, `getDecision`).
"""

from __future__ import annotations

import importlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2 as httpx
import jsonschema
import pytest
import yaml

from advisor import Advisor

from .server import advisor_server

ROOT = Path(__file__).resolve().parents[2]
LIBYA = ROOT / "examples" / "profiles" / "libya-2024.yaml"
PACKAGE = "advisor_generated_client"

# Without ruff on the generated code (not needed to import it); YAML bodies sent as a file.
GENERATOR_CONFIG = """\
post_hooks: []
content_type_overrides:
  application/yaml: application/octet-stream
"""


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("served")
    database = f"sqlite:///{workdir / 'decisions.db'}"
    with advisor_server(workdir, ROOT / "rules", database, workers=1) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def openapi(server_url: str) -> dict[str, Any]:
    response = httpx.get(f"{server_url}/openapi.json", timeout=30)
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


@pytest.fixture(scope="module")
def generated(
    openapi: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The client package, generated from the served schema and imported."""
    workdir = tmp_path_factory.mktemp("client")
    (workdir / "openapi.json").write_text(json.dumps(openapi), encoding="utf-8")
    (workdir / "config.yaml").write_text(GENERATOR_CONFIG, encoding="utf-8")
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none"]
    command += ["--path", str(workdir / "openapi.json"), "--config", str(workdir / "config.yaml")]
    command += ["--output-path", str(workdir / PACKAGE)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    # the generator skips what it cannot express with a warning (a YAML body, a schema)
    assert "Warning" not in output, output
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def part(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def client_of(package: ModuleType, base_url: str) -> Any:
    # the generated code runs on httpx and attrs, which openapi-python-client depends on
    timeout = importlib.import_module("httpx").Timeout(60)
    return package.Client(base_url=base_url, timeout=timeout)


def libya() -> dict[str, Any]:
    """The README's example as a JSON body carries it (series periods as strings)."""
    loaded = yaml.safe_load(LIBYA.read_text(encoding="utf-8"))
    document: dict[str, Any] = json.loads(json.dumps(loaded))
    return document


def expected_decision() -> dict[str, Any]:
    advisor = Advisor.from_directory(ROOT / "rules")
    try:
        decision: dict[str, Any] = json.loads(advisor.evaluate(libya()).to_json())
    finally:
        advisor.close()
    return decision


def test_operations_have_short_ids(openapi: dict[str, Any], generated: ModuleType) -> None:
    ids = [op["operationId"] for item in openapi["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z]*", i) for i in ids), ids
    assert {"recommend", "recommendBatch", "getDecision", "listMeasures"} <= set(ids)
    # a generated client's functions are named after them
    assert callable(part(generated, "api.recommendations.recommend_batch").sync_detailed)
    assert callable(part(generated, "api.decisions.get_decision").sync_detailed)


def test_the_openapi_profile_schema_takes_aliases(openapi: dict[str, Any]) -> None:
    schema = openapi["components"]["schemas"]["SituationProfile"]
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(libya())) == []
    # the World Bank's code for rule of law, an alias in rules/indicators.yaml
    by_alias = {"country": "Libya", "indicators": {"wgi.rl": -1.77}, "sources": {"wgi.rl": "WB"}}
    assert list(validator.iter_errors(by_alias)) == []
    by_alias["indicators"] = {"wgi.rl": -4}
    assert [e.message for e in validator.iter_errors(by_alias)] == [
        "-4 is less than the minimum of -3.0"
    ]
    misspelt = {"country": "Libya", "indicators": {"wgi.rule_of_lav": -1.77}}
    assert len(list(validator.iter_errors(misspelt))) == 1


def test_the_generated_profile_model_keeps_every_value(generated: ModuleType) -> None:
    profile = part(generated, "models").SituationProfile
    document = libya()
    assert document["indicators"]["migration.departures_to_italy"] == {
        "2022": 53000,
        "2023": 51700,
        "2024": 36468,
    }
    assert profile.from_dict(document).to_dict() == document
    # an alias, and names the service refuses: kept, so the service can say what is wrong
    document["indicators"] |= {"wgi.rl": -1.77, "fsi.totl": 96.5}
    document["note"] = "misspelt notes"
    assert profile.from_dict(document).to_dict() == document


def test_libya_round_trips_through_the_generated_client(
    generated: ModuleType, server_url: str
) -> None:
    models = part(generated, "models")
    client = client_of(generated, server_url)
    recommend = part(generated, "api.recommendations.recommend")
    answer = recommend.sync_detailed(client=client, body=models.SituationProfile.from_dict(libya()))
    assert answer.status_code == 200, answer.content
    assert isinstance(answer.parsed, models.RecordedDecision)
    decided = answer.parsed.to_dict()
    expected = expected_decision()
    assert expected["recommendations"]
    assert decided["recommendations"] == expected["recommendations"]
    # nothing else of the answer is lost in the generated model either
    assert {k: v for k, v in decided.items() if k != "decision_id"} == expected

    # the same decision, read back by its id
    recorded = part(generated, "api.decisions.get_decision").sync_detailed(
        decided["decision_id"], client=client
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.parsed.to_dict()["decision"]["recommendations"] == expected["recommendations"]


def test_the_generated_client_sends_yaml_and_batches(
    generated: ModuleType, server_url: str
) -> None:
    models = part(generated, "models")
    types = part(generated, "types")
    client = client_of(generated, server_url)
    expected = expected_decision()["recommendations"]
    recommend = part(generated, "api.recommendations.recommend")
    file = types.File(payload=io.BytesIO(LIBYA.read_bytes()), mime_type="application/yaml")
    from_yaml = recommend.sync_detailed(client=client, body=file)
    assert from_yaml.status_code == 200, from_yaml.content
    assert from_yaml.parsed.to_dict()["recommendations"] == expected

    batch = models.ProfileBatch.from_dict({"profiles": [libya(), libya()]})
    answer = part(generated, "api.recommendations.recommend_batch").sync_detailed(
        client=client, body=batch
    )
    assert answer.status_code == 200, answer.content
    decisions = answer.parsed.to_dict()["decisions"]
    assert [d["recommendations"] for d in decisions] == [expected, expected]


def test_a_bad_profile_comes_back_as_a_422_the_client_reads(
    generated: ModuleType, server_url: str
) -> None:
    models = part(generated, "models")
    client = client_of(generated, server_url)
    document = libya()
    document["indicators"]["fsi.total"] = 150
    document["indicators"]["fsi.totl"] = 96.5
    body = models.SituationProfile.from_dict(document)
    recommend = part(generated, "api.recommendations.recommend")
    answer = recommend.sync_detailed(client=client, body=body)
    assert answer.status_code == 422
    assert isinstance(answer.parsed, models.ErrorBody)
    error = answer.parsed.error
    assert error.code == "invalid-profile"
    paths = {problem.path for problem in error.problems}
    assert {"indicators.fsi.total", "indicators.fsi.totl"} <= paths, error.to_dict()
