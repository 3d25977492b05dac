"""The workbench's pages as HTML (the browser tests in tests/web use them for real), and the
offline /docs and /redoc."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from advisor.api import Settings, create_app
from advisor.api.web.docs import REDOC_LOGO
from advisor.api.web.state import ViewState, decode_profile, encode_profile, same_value
from fastapi.testclient import TestClient

from .conftest import LOCAL
from .test_workbench import RULES, recorded

OUTSIDE = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('pages') / 'decisions.db'}"


@pytest.fixture(scope="module")
def bench(database: str) -> Iterator[TestClient]:
    settings = Settings(rules_dir=RULES, database_url=database, reload_interval=0)
    with TestClient(create_app(settings), client=LOCAL) as client:
        yield client


def html_of(bench: TestClient, url: str, status: int = 200) -> str:
    response = bench.get(url, follow_redirects=False)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    assert not OUTSIDE.search(response.text), "a page must load nothing from elsewhere"
    return response.text


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_decision_is_rendered_on_the_server_and_viewing_it_records_nothing(
    bench: TestClient, database: str
) -> None:
    before = recorded(database)
    html = html_of(bench, "/?example=libya-2024")
    assert "<h1>Libya (2024)</h1>" in html
    article = html.split('id="measure-intelligence-sharing-framework"', 1)[1].split("</article>")[0]
    assert "critical" in article
    assert "Human smuggling scores 9.5/10" in text_of(article)
    # a view, a reload and a what-if: an analyst looking, not a decision of the partnership
    html_of(bench, "/?example=libya-2024")
    what_if = html_of(bench, "/?example=libya-2024&set=gti.score%3D7.6")
    assert 'id="changes"' in what_if
    assert recorded(database) == before
    assert "not recorded" in text_of(html)
    assert "/v1/decisions/" not in html
    # the decision acted on, sent to the API, is recorded as before
    profile = bench.get("/v1/workbench/examples/libya-2024").json()
    answer = bench.post("/v1/recommendations", json=profile)
    assert answer.status_code == 200, answer.text
    assert recorded(database) == before + 1
    assert bench.get(f"/v1/decisions/{answer.json()['decision_id']}").status_code == 200


def test_a_what_if_link_shows_the_change_and_the_rules_responsible(bench: TestClient) -> None:
    # GTI 7.6 would put the partner in the world's top ten (7.5: the rule's threshold)
    html = html_of(bench, "/?example=libya-2024&set=gti.score=7.6")
    changes = text_of(html.split('id="changes"', 1)[1].split("</section>", 1)[0])
    assert "gti.score : 4.73 → 7.6" in changes
    assert "counterterrorism-coordination priority raised medium critical" in changes
    assert "terrorism-top-tier now fires" in changes
    assert 'class="recommendation changed" id="measure-counterterrorism-coordination"' in html


def test_the_form_sends_its_changes_as_a_link(bench: TestClient) -> None:
    libya = bench.get("/v1/workbench/examples/libya-2024").json()["indicators"]
    fields = {
        f"v.{name}": str(value) for name, value in libya.items() if not isinstance(value, dict)
    }
    fields["v.migration.departures_to_italy"] = "{2022: 53000, 2023: 51700, 2024: 36468}"
    fields |= {"v.gti.score": "3", "v.local.migrant_detention_abuse_reports": "", "v.wgi.cc": ""}
    fields["v.local.rival_governments"] = "true"
    fields["v.fsi.total"] = "96.50"  # the same value, written differently: no change
    response = bench.get(
        "/",
        params={"example": "libya-2024", "country": "Libya", "period": "2024", **fields},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    target = urlsplit(response.headers["location"])
    assert target.fragment == "changes"
    assert parse_qs(target.query) == {
        "example": ["libya-2024"],
        "set": ["gti.score=3"],
        "unset": ["local.migrant_detention_abuse_reports"],
    }


def test_a_setting_the_catalogue_refuses_is_shown_against_the_link(bench: TestClient) -> None:
    html = html_of(bench, "/?example=libya-2024&set=gti.scor=3&set=fsi.total=400", status=422)
    problems = text_of(html.split('class="problems"', 1)[1].split("</section>", 1)[0])
    assert 'set gti.scor=3 : unknown indicator (did you mean "gti.score"?)' in problems
    assert "set fsi.total=400 : 400 is outside the range 0 to 120" in problems
    assert 'id="field-fsi.total"' in html
    assert 'id="error-fsi.total"' in html


def test_a_pasted_profile_with_a_misspelt_indicator_gets_its_line(bench: TestClient) -> None:
    pasted = 'country: Examplia\nperiod: "2024"\nindicators:\n  gti.scor: 5\n'
    response = bench.post("/", data={"profile": pasted}, follow_redirects=False)
    assert response.status_code == 422
    problems = text_of(response.text.split('id="paste-problems"', 1)[1].split("</ol>", 1)[0])
    assert (
        'line 4, column 3 indicators.gti.scor : unknown indicator (did you mean "gti.score"?)'
        in problems
    )
    good = bench.post(
        "/", data={"profile": pasted.replace("scor:", "score:")}, follow_redirects=False
    )
    assert good.status_code == 303
    html = html_of(bench, good.headers["location"])
    assert "<h1>Examplia (2024)</h1>" in html
    # a JSON profile is read as JSON, its problems placed the same way
    refused = bench.post("/", data={"profile": '{"country": "X",\n "indicators": {"gti.scor": 1}}'})
    assert "line 2, column 17" in text_of(refused.text)


def test_compare_and_overview_pages(bench: TestClient, database: str) -> None:
    before = recorded(database)
    html = html_of(bench, "/compare?a=libya-2023&b=libya-2024")
    row = text_of(html.split('id="change-joint-border-training"', 1)[1].split("</tr>", 1)[0])
    assert "priority raised" in row
    assert "fragmented-smuggling-hub now fires" in row
    assert "goci.human_smuggling 8.0 → 9.5" in row
    assert recorded(database) == before
    html_of(bench, "/compare?a=libya-2023&b=atlantis", status=404)
    overview = html_of(bench, "/overview")
    assert 'href="/?example=libya-2024#measure-intelligence-sharing-framework">critical' in overview


def test_rule_pages_and_the_map(bench: TestClient) -> None:
    html = html_of(bench, "/rules")
    assert 'href="/rules/fragmented-smuggling-hub"' in html
    html = html_of(bench, "/rules/fragmented-smuggling-hub")
    assert ">borders.yaml:" in html  # relative to the rule directory, as the API gives it
    assert 'href="/preview?file=borders.yaml&amp;line=' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="rulemap"' in html
    assert "Libya 2024" in text_of(html.split('id="examples-heading"', 1)[1])
    html_of(bench, "/rules/no-such-rule", status=404)
    html = html_of(bench, "/map?measure=joint-border-training")
    assert 'class="rulemap"' in html
    assert "The map as a list" in html


def test_the_preview_page_opens_a_rule_file_and_shows_an_edit(bench: TestClient) -> None:
    html = html_of(bench, "/preview?file=borders.yaml")
    assert "smuggling-networks-border-collaboration" in html
    text = (RULES / "borders.yaml").read_text(encoding="utf-8")
    edited = text.replace("- goci.human_smuggling >= 7.75\n", "- goci.human_smuggling >= 9.6\n", 1)
    response = bench.post("/preview", data={"file": "borders.yaml", "text": edited})
    assert response.status_code == 200, response.text
    assert 'id="impact-libya-2023"' in response.text
    broken = bench.post("/preview", data={"file": "borders.yaml", "text": "rules: [\n"})
    assert broken.status_code == 422
    assert 'class="flagged"' in broken.text


def test_docs_and_redoc_load_their_assets_from_this_server(bench: TestClient) -> None:
    docs = html_of(bench, "/docs")
    scripts = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", docs)
    assert "/workbench/docs-assets/swagger-ui-bundle.js" in scripts
    for asset in scripts:
        assert asset.startswith("/"), asset
        assert bench.get(asset).status_code == 200, asset
    redoc = html_of(bench, "/redoc")
    assert "fonts.googleapis" not in redoc
    bundle = bench.get("/workbench/redoc.standalone.js")
    assert bundle.status_code == 200
    assert REDOC_LOGO not in bundle.content
    assert b"cdn.redoc.ly" not in bundle.content
    assert bench.get("/docs/oauth2-redirect").status_code == 200
    assert bench.get("/workbench/static/workbench.js").status_code == 200


def test_the_workbench_pages_are_not_in_the_api_schema(bench: TestClient) -> None:
    schema = bench.get("/openapi.json").json()
    assert all(
        path.startswith("/v1/") or path in ("/healthz", "/readyz", "/metrics")
        for path in schema["paths"]
    )
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    assert {"compareProfiles", "previewRuleEdit", "getRuleMap", "listExamples"} <= operations


def test_a_view_state_round_trips_through_its_link() -> None:
    profile = {"country": "Examplia", "period": "2024", "indicators": {"gti.score": 5.5}}
    encoded = encode_profile({**profile, "sources": {"gti.score": "IEP"}, "notes": "long"})
    assert decode_profile(encoded) == profile
    assert decode_profile("not base64 at all!") is None
    state = ViewState(profile=encoded, sets=("gti.score=7",), unsets=("fsi.total",))
    again = ViewState.from_query(_Params(parse_qs(urlsplit(state.url()).query)))
    assert again == state
    after, problems = state.apply(profile)
    assert after["indicators"] == {"gti.score": 7}
    assert problems == [("unset fsi.total", "the profile does not give this indicator")]
    _, unreadable = ViewState(sets=("gti.score=[1",)).apply(profile)
    assert unreadable == [("set gti.score=[1", "the value is not readable")]


def test_profile_values_compare_as_written_numbers_and_periods() -> None:
    assert same_value(1, 1.0)
    assert same_value({2024: 1}, {"2024": 1.0})
    assert not same_value(True, 1)
    assert not same_value("weak", None)


class _Params(dict[str, list[str]]):
    """parse_qs output with the two methods ViewState reads (like Starlette's QueryParams)."""

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key: str) -> list[str]:
        return list(super().get(key, []))
