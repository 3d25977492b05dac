"""The decision view at `/`: a profile (an example, pasted, or typed into the catalogue
form) and its decision, rendered on the server, with a what-if against the base.

Everything is asked of the API (`client.ApiClient`): the catalogue, the examples, the
decision (`POST /v1/workbench/decision?sensitivity=true&detail=full`) and, for a what-if, the
comparison with the base (`POST /v1/workbench/compare`). A view records nothing: an
analyst looking at a profile or a what-if has not decided anything for the partnership,
and a reload or a link followed would otherwise add a row to the decision log each
time. A decision acted on is recorded through `POST /v1/recommendations`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from advisor.language.loader import parse_yaml

from .client import FORM_LIMIT, ApiAnswer, ApiClient, read_form
from .decision_view import by_id, catalogue_groups, decision_view
from .problems import Shown, place_in_text, shown
from .render import api_failure, page
from .state import ViewState, decode_profile, encode_profile, same_value

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: a refusal of the profile, shown beside what the analyst typed
_REFUSALS = (400, 413, 415, 422)


class _Refused(Exception):
    def __init__(self, answer: ApiAnswer) -> None:
        self.answer = answer


async def _common(api: ApiClient) -> dict[str, Any]:
    """What every decision page shows: the catalogue (for the form) and the examples."""
    catalogue = await api.get("/v1/indicators")
    if not catalogue.ok:
        raise _Refused(catalogue)
    examples = await api.get("/v1/workbench/examples")
    if not examples.ok:
        raise _Refused(examples)
    indicators = catalogue.json()["indicators"]
    names = {spec["id"] for spec in indicators}
    names |= {alias for spec in indicators for alias in spec.get("aliases", [])}
    return {
        "indicators": indicators,
        "names": names,
        "ruleset": catalogue.json()["ruleset"],
        "examples": examples.json()["examples"],
    }


async def _base(api: ApiClient, state: ViewState) -> tuple[dict[str, Any], list[Shown]]:
    """The profile the view starts from, or an empty one with the problem in the URL."""
    if state.example is not None:
        answer = await api.get(f"/v1/workbench/examples/{quote(state.example, safe='')}")
        if answer.status == 404:
            message = f'no example profile "{state.example}"'
            return {}, [Shown("example", message)]
        if not answer.ok:
            raise _Refused(answer)
        example: dict[str, Any] = answer.json()
        return example, []
    if state.profile is not None:
        document = decode_profile(state.profile)
        if document is None:
            return {}, [Shown("profile", "the link's profile cannot be read")]
        return document, []
    return {}, []


@router.get("/", summary="The workbench: a decision and its what-if")
async def decision_page(request: Request) -> Response:
    params = request.query_params
    api = ApiClient(request)
    try:
        if any(key.startswith("v.") for key in params):
            return await _submitted(request, api)
        return await _view(request, api, ViewState.from_query(params))
    except _Refused as refused:
        return api_failure(request, refused.answer, "Decision")


async def _view(request: Request, api: ApiClient, state: ViewState) -> Response:
    common = await _common(api)
    context: dict[str, Any] = {"state": state, "title": "Decision", **common}
    if state.is_empty:
        return _render(request, context, {}, {}, [])
    base, problems = await _base(api, state)
    after, url_problems = state.apply(base)
    problems += [Shown(param, message) for param, message in url_problems]
    if problems:
        return _render(request, context, after, base, problems, status=422)
    # full: the page shows each rule's title, source and conditions
    answer = await api.post_json(
        "/v1/workbench/decision", after, query="sensitivity=true&detail=full"
    )
    if answer.status in _REFUSALS:
        found = shown(answer.error.get("problems", []), common["names"])
        return _render(request, context, after, base, _against_changes(found, state), 422)
    if not answer.ok:
        raise _Refused(answer)
    comparison = None
    if state.is_what_if:
        compared = await api.post_json("/v1/workbench/compare", {"a": base, "b": after})
        comparison = compared.json() if compared.ok else None
    decision = answer.json()
    context |= {
        "title": _title(decision),
        "view": decision_view(decision, comparison),
        "comparison": comparison,
        "base_name": state.example or "the pasted profile",
    }
    return _render(request, context, after, base, [])


def _render(
    request: Request,
    context: dict[str, Any],
    after: dict[str, Any],
    base: dict[str, Any],
    problems: list[Shown],
    status: int = 200,
) -> Response:
    catalogue = context["indicators"]
    values = by_id(after.get("indicators") or {}, catalogue)
    before = by_id(base.get("indicators") or {}, catalogue) if context["state"].has_base else {}
    context.setdefault("view", None)
    return page(
        request,
        "decision.html",
        status=status,
        groups=catalogue_groups(catalogue, values, before, same_value),
        profile=after,
        problems=problems,
        field_problems={p.indicator: p for p in problems if p.indicator},
        **context,
    )


def _against_changes(problems: list[Shown], state: ViewState) -> list[Shown]:
    """A problem with an indicator the URL sets is the setting's, not the profile's."""
    set_by_url = {change.indicator: change for change in state.changes()}
    placed = []
    for problem in problems:
        change = set_by_url.get(problem.indicator or "")
        if change is not None:
            problem = Shown(change.param, problem.message, problem.suggestion, problem.indicator)
        placed.append(problem)
    return placed


def _title(decision: dict[str, Any]) -> str:
    period = decision.get("period")
    return f"{decision.get('country')} ({period})" if period else str(decision.get("country"))


async def _submitted(request: Request, api: ApiClient) -> Response:
    """The catalogue form, sent: its values as set/unset against the base, in the URL."""
    params = request.query_params
    state = ViewState.from_query(params)
    base, _ = await _base(api, state)
    catalogue = await api.get("/v1/indicators")
    if not catalogue.ok:
        raise _Refused(catalogue)
    indicators = catalogue.json()["indicators"]
    given = base.get("indicators") or {}
    names = {identifier: name for name, identifier in _ids(given, indicators).items()}
    values = by_id(given, indicators)
    sets, unsets = [], []
    for spec in indicators:
        key = f"v.{spec['id']}"
        if key not in params:
            continue
        text, was = params[key].strip(), values.get(spec["id"])
        name = names.get(spec["id"], spec["id"])
        if not text:
            if was is not None:
                unsets.append(name)
            continue
        parsed = parse_yaml(text, "the form")
        if parsed.problems or not same_value(parsed.data, was):
            sets.append(f"{name}={text}")
    country = (params.get("country") or "").strip()
    period = (params.get("period") or "").strip()
    target = ViewState(
        example=state.example,
        profile=state.profile,
        country=country if country != (base.get("country") or "") else None,
        period=period if period != str(base.get("period") or "") else None,
        sets=tuple(sets),
        unsets=tuple(unsets),
    )
    return RedirectResponse(target.url() + "#changes", status_code=303)


def _ids(given: dict[str, Any], catalogue: list[dict[str, Any]]) -> dict[str, str]:
    aliases = {alias: spec["id"] for spec in catalogue for alias in spec.get("aliases", [])}
    return {name: aliases.get(name, name) for name in given}


@router.post("/", summary="A pasted profile: checked, then shown by its link")
async def pasted(request: Request) -> Response:
    """A profile pasted (or read from a file by the page's script), in YAML or JSON.

    It is checked by the API (`POST /v1/workbench/check`); a good one is shown at a link
    that carries it (`/?profile=...`), a bad one beside the text with each problem's
    line and column.
    """
    api = ApiClient(request)
    form = await read_form(request)
    if form is None:
        message = f"the profile is larger than {FORM_LIMIT} bytes"
        return api_failure(request, ApiAnswer.refusal(413, "body-too-large", message), "Decision")
    text = form.get("profile", "")
    kind = "application/json" if text.lstrip().startswith(("{", "[")) else "application/yaml"
    try:
        answer = await api.call("POST", "/v1/workbench/check", text.encode("utf-8"), kind)
        if answer.ok:
            document = parse_yaml(text, "pasted").data
            return RedirectResponse(ViewState(profile=encode_profile(document)).url(), 303)
        if answer.status not in _REFUSALS:
            raise _Refused(answer)
        common = await _common(api)
    except _Refused as refused:
        return api_failure(request, refused.answer, "Decision")
    found = place_in_text(shown(answer.error.get("problems", []), common["names"]), text)
    if not found:
        found = [Shown("profile", answer.error.get("message", "the profile was refused"))]
    return page(
        request,
        "decision.html",
        status=422,
        title="Decision",
        state=ViewState(),
        view=None,
        groups=catalogue_groups(common["indicators"], {}, {}, same_value),
        profile={},
        problems=[],
        field_problems={},
        pasted=text,
        paste_problems=found,
        **common,
    )
