"""The workbench's read-only endpoints (`/v1/workbench/...`), on the repository's rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from advisor.api import Settings, create_app
from advisor.api.decision_log import DecisionLog
from fastapi.testclient import TestClient

from .conftest import LOCAL
from .test_endpoints import error_of, paths

ROOT = Path(__file__).resolve().parent.parent.parent
RULES = ROOT / "rules"


#: the smuggling condition of rules/borders.yaml's smuggling-networks-border-collaboration
SMUGGLING = "- goci.human_smuggling >= 7.75\n"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('workbench') / 'decisions.db'}"


@pytest.fixture(scope="module")
def bench(database: str) -> Iterator[TestClient]:
    """The service on the repository's rules, so with its example profiles and features."""
    settings = Settings(rules_dir=RULES, database_url=database, reload_interval=0)
    with TestClient(create_app(settings), client=LOCAL) as client:
        yield client


def recorded(database: str) -> int:
    log = DecisionLog(database)
    try:
        return len(log.ids())
    finally:
        log.close()


def example(bench: TestClient, name: str) -> dict[str, object]:
    response = bench.get(f"/v1/workbench/examples/{name}")
    assert response.status_code == 200, response.text
    document: dict[str, object] = response.json()
    return document


def test_the_example_profiles_beside_the_rules_are_listed_and_read(bench: TestClient) -> None:
    listed = bench.get("/v1/workbench/examples").json()["examples"]
    assert {"libya-2023", "libya-2024", "tunisia-2024"} <= {e["name"] for e in listed}
    libya = example(bench, "libya-2024")
    assert (libya["country"], libya["period"]) == ("Libya", "2024")
    assert libya["indicators"]["goci.human_smuggling"] == 9.5  # type: ignore[index]
    error_of(bench.get("/v1/workbench/examples/atlantis-2024"), 404, "not-found")


def test_a_profile_is_checked_without_being_decided(bench: TestClient, database: str) -> None:
    before = recorded(database)
    good = bench.post(
        "/v1/workbench/check",
        content="country: Examplia\nindicators: {gti.score: 5, wgi.rl: -1.2}\n",
        headers={"Content-Type": "application/yaml"},
    )
    assert good.status_code == 200, good.text
    assert good.json()["indicators"] == ["gti.score", "wgi.rule_of_law"]
    bad = bench.post(
        "/v1/workbench/check", json={"country": "Examplia", "indicators": {"gti.scor": 5}}
    )
    detail = error_of(bad, 422, "invalid-profile")
    (problem,) = detail["problems"]
    assert problem["path"] == "indicators.gti.scor"
    assert problem["suggestion"] == 'did you mean "gti.score"?'
    assert recorded(database) == before


def test_the_workbench_decision_is_the_recommendation_unrecorded(
    bench: TestClient, database: str
) -> None:
    profile = example(bench, "libya-2024")
    before = recorded(database)
    viewed = bench.post("/v1/workbench/decision?sensitivity=true", json=profile)
    assert viewed.status_code == 200, viewed.text
    assert recorded(database) == before
    acted_on = bench.post("/v1/recommendations?sensitivity=true", json=profile)
    assert acted_on.status_code == 200, acted_on.text
    assert recorded(database) == before + 1
    decision = acted_on.json()
    assert "decision_id" not in viewed.json()
    decision.pop("decision_id")
    assert viewed.json() == decision
    assert viewed.json()["sensitivity"]
    # refused as /v1/recommendations refuses, and nothing recorded either
    bad = bench.post(
        "/v1/workbench/decision", json={"country": "Examplia", "indicators": {"gti.scor": 5}}
    )
    (problem,) = error_of(bad, 422, "invalid-profile")["problems"]
    assert problem["path"] == "indicators.gti.scor"
    assert recorded(database) == before + 1


def test_two_profiles_are_compared_as_diff_compares(bench: TestClient, database: str) -> None:
    before = recorded(database)
    body = {"a": example(bench, "libya-2023"), "b": example(bench, "libya-2024")}
    response = bench.post("/v1/workbench/compare", json=body)
    assert response.status_code == 200, response.text
    comparison = response.json()
    changes = {c["measure"]: c for c in comparison["changes"]}
    border = changes["joint-border-training"]
    assert (border["kind"], border["before"], border["after"]) == (
        "priority raised",
        "high",
        "critical",
    )
    assert border["rules"] == ["`fragmented-smuggling-hub` now fires (recommends critical)"]
    values = {v["indicator"]: (v["before"], v["after"]) for v in comparison["values"]}
    assert values["goci.human_smuggling"] == (8.0, 9.5)
    assert comparison["a"]["period"] == "2023"
    assert comparison["b"]["period"] == "2024"
    assert recorded(database) == before  # a comparison is not a decision anyone acts on


def test_a_comparison_names_the_side_of_each_problem(bench: TestClient) -> None:
    body = {
        "a": {"country": "A", "indicators": {"gti.score": 11}},
        "b": {"country": "B", "indicators": {"gti.scor": 5}},
    }
    detail = error_of(bench.post("/v1/workbench/compare", json=body), 422, "invalid-profile")
    assert set(paths(detail)) == {"a.indicators.gti.score", "b.indicators.gti.scor"}
    error_of(bench.post("/v1/workbench/compare", json={"a": {}}), 422, "invalid-comparison")


def test_a_rule_lists_its_scenarios_and_what_it_does_on_the_examples(bench: TestClient) -> None:
    response = bench.get("/v1/workbench/rules/fragmented-smuggling-hub")
    assert response.status_code == 200, response.text
    usage = response.json()
    named = [s for s in usage["scenarios"] if s["names_rule"]]
    assert named
    assert all(s["file"].startswith("features/") and s["line"] > 0 for s in named)
    outcomes = {e["example"]: e["status"] for e in usage["examples"]}
    assert outcomes["libya-2024"] == "fired"
    assert outcomes["libya-2023"] == "silent"
    error_of(bench.get("/v1/workbench/rules/no-such-rule"), 404, "not-found")


def test_the_rule_map_is_laid_out_as_json_or_drawn_as_svg(bench: TestClient) -> None:
    measure = "surveillance-technology-transfer"
    drawn = bench.get("/v1/workbench/rulemap", params={"measure": measure})
    assert drawn.status_code == 200, drawn.text
    graph = drawn.json()
    keys = {n["key"] for n in graph["nodes"]}
    assert f"measure:{measure}" in keys
    assert any(
        e["kind"] == "withhold" and e["target"] == f"measure:{measure}" for e in graph["edges"]
    )
    assert all(
        0 <= n["x"] <= graph["width"] and 0 <= n["y"] <= graph["height"] for n in graph["nodes"]
    )
    columns = {
        n["kind"]: n["column"] for n in graph["nodes"] if n["kind"] in ("indicator", "measure")
    }
    assert columns["indicator"] < columns["measure"]
    svg = bench.get("/v1/workbench/rulemap", params={"measure": measure, "format": "svg"})
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg")
    assert "http://" not in svg.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "withholds" in svg.text
    detail = error_of(
        bench.get("/v1/workbench/rulemap", params={"measure": "joint-border-trainin"}),
        404,
        "not-found",
    )
    assert detail["problems"][0]["suggestion"] == 'did you mean "joint-border-training"?'


def test_rule_files_are_listed_and_read_and_nothing_else(bench: TestClient) -> None:
    files = bench.get("/v1/workbench/rulefiles").json()["files"]
    assert "borders.yaml" in files
    text = bench.get("/v1/workbench/rulefiles/borders.yaml").json()["text"]
    assert text == (RULES / "borders.yaml").read_text(encoding="utf-8")
    for outside in ("../pyproject.toml", "..%2Fpyproject.toml", "README.md", "nothing.yaml"):
        assert bench.get(f"/v1/workbench/rulefiles/{outside}").status_code == 404, outside


def test_a_rule_edit_is_previewed_without_saving(bench: TestClient, database: str) -> None:
    original = (RULES / "borders.yaml").read_text(encoding="utf-8")
    before = recorded(database)
    edited = original.replace(SMUGGLING, SMUGGLING.replace("7.75", "9.6"), 1)
    assert edited != original
    preview = preview_of(bench, "borders.yaml", edited)
    assert preview["valid"] is True
    assert preview["before"] != preview["after"]
    assert preview["ruleset_changes"] == [
        "changed rule `smuggling-networks-border-collaboration` (when)"
    ]
    impacts = {i["example"]: i for i in preview["impacts"]}
    (change,) = impacts["libya-2023"]["changes"]
    assert (change["measure"], change["kind"]) == ("joint-border-training", "priority lowered")
    assert "Rule change impact: 2 of 6 profiles change" in preview["markdown"]
    assert (RULES / "borders.yaml").read_text(encoding="utf-8") == original
    assert recorded(database) == before


def preview_of(bench: TestClient, file: str, text: str) -> dict[str, Any]:
    response = bench.post("/v1/workbench/preview", json={"file": file, "text": text})
    assert response.status_code == 200, response.text
    preview: dict[str, Any] = response.json()
    return preview


def test_a_broken_rule_edit_gets_every_problem_with_its_line_and_column(bench: TestClient) -> None:
    original = (RULES / "borders.yaml").read_text(encoding="utf-8")
    lines = original.splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "- goci.human_smuggling >= 7.75" in text)
    edited = original.replace(SMUGGLING, SMUGGLING.replace("smuggling", "smugling"), 1)
    preview = preview_of(bench, "borders.yaml", edited)
    assert preview["valid"] is False
    assert (preview["after"], preview["impacts"], preview["markdown"]) == (None, [], "")
    (problem,) = preview["problems"]
    assert problem["location"]["file"] == "borders.yaml"
    assert problem["location"]["line"] == line
    assert problem["location"]["column"] == lines[line - 1].index("goci") + 1
    assert problem["suggestion"] == 'did you mean "goci.human_smuggling"?'
    unreadable = preview_of(bench, "x.yaml", "a: [1")
    assert unreadable["valid"] is False
    assert unreadable["problems"][0]["location"]["file"] == "x.yaml"


@pytest.mark.parametrize(
    "body",
    [
        {"file": "../escape.yaml", "text": ""},
        {"file": "/etc/passwd.yaml", "text": ""},
        {"file": "borders.txt", "text": ""},
        {"file": "borders.yaml"},
        {"file": "borders.yaml", "text": "", "extra": 1},
        ["borders.yaml", ""],
    ],
)
def test_a_malformed_rule_edit_is_refused(bench: TestClient, body: object) -> None:
    detail = error_of(bench.post("/v1/workbench/preview", json=body), 422, "invalid-rule-edit")
    assert detail["problems"]
    assert not (RULES.parent / "escape.yaml").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # a lone surrogate: JSON can carry it, no file can hold it
        (b'{"file": "borders.yaml", "text": "\\ud800"}', "text"),
    ],
)
def test_a_rule_edit_that_cannot_be_written_says_why(
    bench: TestClient, body: dict[str, object] | bytes, field: str
) -> None:
    if isinstance(body, bytes):
        response = bench.post(
            "/v1/workbench/preview", content=body, headers={"Content-Type": "application/json"}
        )
    else:
        response = bench.post("/v1/workbench/preview", json=body)
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["valid"] is False
    assert [p["path"] for p in preview["problems"]] == [field]


def test_the_overview_is_every_example_by_every_measure(bench: TestClient) -> None:
    overview = bench.get("/v1/workbench/overview").json()
    rows = {r["example"]: {c["measure"]: c for c in r["cells"]} for r in overview["rows"]}
    assert rows["libya-2024"]["intelligence-sharing-framework"]["state"] == "critical"
    assert rows["libya-2024"]["surveillance-technology-transfer"]["state"] == "withheld"
    assert "intelligence-sharing-framework" in overview["measures"]
