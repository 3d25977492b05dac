"""`/preview`: edit a rule file in the page and see what the edit would change.

The edited text goes to `POST /v1/workbench/preview`, which validates it in a copy
of the rule directory and compares the example profiles before and after, as
`advisor diff` does. Nothing is written to the rule directory; nothing is recorded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from .client import FORM_LIMIT, ApiAnswer, ApiClient, read_form
from .render import api_failure, page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


async def _files(api: ApiClient) -> list[str] | ApiAnswer:
    answer = await api.get("/v1/workbench/rulefiles")
    if not answer.ok:
        return answer
    files: list[str] = answer.json()["files"]
    return files


@router.get("/preview", summary="Edit a rule file and preview its impact")
async def preview_page(request: Request) -> Response:
    api = ApiClient(request)
    files = await _files(api)
    if isinstance(files, ApiAnswer):
        return api_failure(request, files, "Edit preview")
    chosen = request.query_params.get("file") or (files[0] if files else "")
    text, status = "", 200
    if chosen:
        answer = await api.get(f"/v1/workbench/rulefiles/{quote(chosen)}")
        if answer.ok:
            text = answer.json()["text"]
        elif answer.status == 404:
            status = 404
        else:
            return api_failure(request, answer, "Edit preview")
    line = request.query_params.get("line", "")
    return page(
        request,
        "preview.html",
        status=status,
        title="Edit preview",
        files=files,
        file=chosen,
        text=text,
        line=int(line) if line.isdigit() else None,
        missing_file=status == 404,
        result=None,
        refusal=None,
    )


@router.post("/preview", summary="The impact of an edited rule file")
async def preview_result(request: Request) -> Response:
    api = ApiClient(request)
    form = await read_form(request)
    if form is None:
        message = f"the rule file is larger than {FORM_LIMIT} bytes"
        refusal = ApiAnswer.refusal(413, "body-too-large", message)
        return api_failure(request, refusal, "Edit preview")
    file, text = form.get("file", ""), form.get("text", "").replace("\r\n", "\n")
    files = await _files(api)
    if isinstance(files, ApiAnswer):
        return api_failure(request, files, "Edit preview")
    answer = await api.post_json("/v1/workbench/preview", {"file": file, "text": text})
    context: dict[str, Any] = {
        "title": f"Edit preview of {file}",
        "files": files,
        "file": file,
        "text": text,
        "line": None,
        "missing_file": False,
        "result": None,
        "refusal": None,
    }
    if answer.ok and answer.json()["valid"]:
        context["result"] = answer.json()
        context["ruleset"] = context["result"]["before"]
    elif answer.ok:
        problems = answer.json()["problems"]
        errors = [p for p in problems if not p["message"].startswith("warning: ")]
        message = f"The edited rule files have {len(errors)} problem(s); nothing was saved."
        context["refusal"] = _refusal(message, problems, file)
    elif answer.status in (400, 413, 415, 422):
        error = answer.error
        context["refusal"] = _refusal(error.get("message", ""), error.get("problems", []), file)
    else:
        return api_failure(request, answer, "Edit preview")
    return page(request, "preview.html", status=200 if context["result"] else 422, **context)


def _refusal(message: str, problems: list[dict[str, Any]], file: str) -> dict[str, Any]:
    """The problems of a refused edit: those in the edited file (by line), and the others."""
    here: dict[int, list[dict[str, Any]]] = {}
    elsewhere = []
    for problem in problems:
        location = problem.get("location") or {}
        if location.get("file") == file and location.get("line"):
            here.setdefault(int(location["line"]), []).append(problem)
        else:
            elsewhere.append(problem)
    return {"message": message, "by_line": here, "elsewhere": elsewhere}
